"""The docstrings of these management areas are complete reference entries (Google style,
rendered by Sphinx napoleon): every public method has ``Args:`` naming each parameter exactly
as the signature does (and nothing else), ``Returns:`` unless it returns ``None``, and
``Raises:`` naming only exception classes of :mod:`approw.v2.exceptions`."""
import importlib
import inspect
import re
from typing import Any, Callable, Dict, List, Tuple

import pytest

from approw.v2 import exceptions

AREAS = ["acl", "acl_resources", "applications", "applications_access", "applications_agreements",
         "applications_base", "applications_keys", "applications_roles", "org", "org_members",
         "org_roles", "policies"]
#: ``name[, name...]: text`` at the start of an entry of a section (continuation lines are
#: indented further).
ENTRY = re.compile(r"^    ([A-Za-z_][\w]*(?:, [A-Za-z_][\w]*)*):(?: |$)")
#: Inline literals and roles, where a colon does not end a napoleon "type: text" prefix.
CODE = re.compile(r"``.*?``|:[a-z:]+:`[^`]*`")


def _methods() -> List[Tuple[str, Callable[..., Any]]]:
    found = {}
    for sync in (False, True):
        for area in AREAS:
            module = importlib.import_module(f"approw.v2.management.{'' if sync else '_async.'}{area}")
            for cls in vars(module).values():
                if inspect.isclass(cls) and cls.__module__ == module.__name__:
                    for name, member in vars(cls).items():
                        if not name.startswith("_") and inspect.isfunction(member):
                            found[f"{module.__name__}.{cls.__name__}.{name}"] = member
    return sorted(found.items())


METHODS = _methods()


def _sections(doc: str) -> Dict[str, List[str]]:
    """``{"Args": [entry names...], ...}`` and the first line of ``Returns``."""
    out: Dict[str, List[str]] = {}
    for block in doc.split("\n\n"):
        head, _, body = block.partition("\n")
        if head in ("Args:", "Raises:"):
            out[head[:-1]] = [n for line in body.splitlines() if (m := ENTRY.match(line))
                              for n in m.group(1).split(", ")]
        elif head == "Returns:":
            out["Returns"] = [body.strip().splitlines()[0] if body.strip() else ""]
    return out


def test_the_areas_have_their_methods() -> None:
    assert len(METHODS) > 2 * 90


@pytest.mark.parametrize("name, method", METHODS, ids=[n for n, _ in METHODS])
def test_method_docstring_is_complete(name: str, method: Callable[..., Any]) -> None:
    doc = inspect.getdoc(method) or ""
    sections = _sections(doc)
    signature = inspect.signature(method)
    params = [p for p in signature.parameters if p != "self"]
    if params:
        assert sorted(sections.get("Args", [])) == sorted(params), (name, sections.get("Args"))
    else:
        assert "Args" not in sections, name
    if signature.return_annotation not in (None, "None"):
        assert sections.get("Returns", [""])[0], f"{name} has no Returns"
        first = CODE.sub("", sections["Returns"][0])
        assert ":" not in first, f"{name}: napoleon reads the Returns text before ':' as a type"
    assert sections.get("Raises"), f"{name} has no Raises"
    for raised in sections.get("Raises", []):
        cls = getattr(exceptions, raised, None)
        assert inspect.isclass(cls) and issubclass(cls, exceptions.ApprowException), (name, raised)
