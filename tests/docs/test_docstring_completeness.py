"""The docstrings are the API reference (autodoc and napoleon render them), so every public
method of every documented class must have one good enough to be it: a one-line summary, an
``Args:`` entry naming each parameter (old spellings too; several may share an entry,
``a, b: ...``), ``Returns:`` unless it returns ``None``, and ``Raises:``.  One test per class,
sync and asyncio alike, naming each method that falls short and what it lacks.

The classes are the ones the reference documents: the clients of ``approw.v2.management`` and
``approw.v2.authentication`` with their sub-clients (the attributes their annotations name),
everything else those packages export, the token verifiers, the pagers, the exceptions, and
the public classes and functions of ``approw.integrations``.  Members are taken as the
reference takes them: a class's own and inherited ones, except what ``ShowsOptions`` (the
options' ``repr`` helper) and ``object`` provide.
"""
import importlib
import inspect
import re
from typing import Any, Dict, Iterator, List, Optional, Set, Tuple

import pytest

from approw.v2.common.hints import type_hints
from approw.v2.common.options import ShowsOptions

#: Client attributes that are plumbing, not API areas (as in docs/reference_pages.py).
SKIP_ATTRIBUTES = {"graphqlClient", "restClient", "tokenProvider", "options"}

#: Packages whose ``__all__`` is documented; their client classes lead to the sub-clients.
PACKAGES = ("approw.v2.management", "approw.v2.authentication")

#: Modules whose public classes and functions (``__all__``) are documented.
MODULES = ("approw.v2.authentication.verifier", "approw.v2.common.paging",
           "approw.v2.common._async.paging", "approw.v2.exceptions",
           "approw.integrations.core", "approw.integrations.cache",
           "approw.integrations.fastapi", "approw.integrations.starlette",
           "approw.integrations.flask", "approw.integrations.django", "approw.integrations.drf")

#: The extra clients reached through the packages (asyncio twins are not all exported).
ASYNC_CLIENTS = ("approw.v2.management._async.client:AsyncManagementClient",
                 "approw.v2.authentication._async.client:AsyncAuthenticationClient")

SECTION = re.compile(r"^(Args|Arguments|Returns|Yields|Raises|Example|Examples|Note|Notes|"
                     r"Attributes|Warning|See Also):\s*$")
ENTRY = re.compile(r"^\s*(\*{0,2}\w+(?:\s*,\s*\*{0,2}\w+)*)\s*(?:\([^)]*\))?\s*:(?:\s|$)")


def _areas(cls: type) -> List[type]:
    return [value for name, value in type_hints(cls).items()
            if not name.startswith("_") and name not in SKIP_ATTRIBUTES and isinstance(value, type)
            and value.__module__.startswith("approw.")]


def documented() -> Dict[str, Any]:
    """``{"module.QualName": class or function}`` of everything the reference documents."""
    found: Dict[str, Any] = {}

    def add(obj: Any) -> None:
        key = f"{obj.__module__}.{obj.__qualname__}"
        if key in found or not getattr(obj, "__module__", "").startswith("approw."):
            return
        found[key] = obj
        if isinstance(obj, type) and obj.__name__.endswith("Client"):
            for area in _areas(obj):
                add(area)

    for package in PACKAGES:
        module = importlib.import_module(package)
        for name in module.__all__:
            value = getattr(module, name)
            if isinstance(value, type) or inspect.isfunction(value):
                add(value)
    for spec in ASYNC_CLIENTS:
        module_name, _, name = spec.partition(":")
        add(getattr(importlib.import_module(module_name), name))
    for module_name in MODULES:
        module = importlib.import_module(module_name)   # (no framework is configured)
        for name in module.__all__:
            value = getattr(module, name)
            if isinstance(value, type) or inspect.isfunction(value):
                add(value)
    return found


def _sections(doc: str) -> Dict[str, List[str]]:
    """The docstring's sections: ``{"summary": [...], "Args": [lines], ...}``."""
    sections: Dict[str, List[str]] = {"summary": []}
    current = "summary"
    for line in inspect.cleandoc(doc).splitlines():
        match = SECTION.match(line)
        if match:
            current = "Args" if match.group(1) == "Arguments" else match.group(1)
            sections[current] = []
        else:
            sections[current].append(line)
    return sections


def _arg_names(lines: List[str]) -> Set[str]:
    """The names the ``Args:`` entries document (entries are the least indented lines)."""
    indents = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
    if not indents:
        return set()
    names: Set[str] = set()
    for line in lines:
        if line.strip() and len(line) - len(line.lstrip()) == min(indents):
            match = ENTRY.match(line)
            if match:
                names.update(name.strip().lstrip("*") for name in match.group(1).split(","))
    return names


def _returns_none(func: Any) -> bool:
    annotation = inspect.signature(func).return_annotation
    return annotation in (None, type(None), "None")


def problems(func: Any) -> List[str]:
    """What ``func``'s docstring lacks (empty when it is complete)."""
    doc = inspect.getdoc(func) or ""
    if not doc.strip():
        return ["no docstring"]
    sections = _sections(doc)
    lacking: List[str] = []
    summary = [line for line in sections["summary"] if line.strip()]
    if not summary:
        lacking.append("no summary line")
    params = [p for p in inspect.signature(func).parameters.values()
              if p.name not in ("self", "cls")]
    if params:
        named = _arg_names(sections.get("Args", []))
        missing = [p.name for p in params if p.name not in named]
        if missing:
            lacking.append("Args: lacks " + ", ".join(missing))
    if not _returns_none(func) and not any(s.strip() for s in sections.get("Returns", [])):
        lacking.append("no Returns:")
    if not any(s.strip() for s in sections.get("Raises", [])):
        lacking.append("no Raises:")
    return lacking


def members(cls: type) -> Iterator[Tuple[str, Any]]:
    """The public methods the reference shows for ``cls``: its own and inherited ones, up to
    (not including) ``ShowsOptions`` and ``object``."""
    seen: Set[str] = set()
    for klass in cls.__mro__:
        if klass in (object, ShowsOptions) or not klass.__module__.startswith("approw."):
            continue
        for name, raw in vars(klass).items():
            if name.startswith("_") or name in seen:
                continue
            seen.add(name)
            value = raw.__func__ if isinstance(raw, (classmethod, staticmethod)) else raw
            if inspect.isfunction(value):
                yield name, value


def class_problems(cls: type) -> List[str]:
    found: List[str] = []
    if not (inspect.getdoc(cls) or "").strip() or cls.__doc__ is None:
        found.append(f"{cls.__qualname__}: no class docstring")
    for name, func in members(cls):
        lacking = problems(func)
        if lacking:
            found.append(f"{cls.__qualname__}.{name}: " + "; ".join(lacking))
    return found


DOCUMENTED = documented()


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_every_public_method_has_a_complete_docstring(name: str) -> None:
    obj = DOCUMENTED[name]
    found = class_problems(obj) if isinstance(obj, type) else \
        [f"{name}: " + "; ".join(p) for p in [problems(obj)] if p]
    assert not found, f"{len(found)} incomplete docstring(s):\n" + "\n".join(found)


def test_the_walk_reaches_both_clients_and_their_areas() -> None:
    names = set(DOCUMENTED)
    for expected in ("approw.v2.management._async.users.AsyncUsersManagementClient",
                     "approw.v2.management.users.UsersManagementClient",
                     "approw.v2.authentication._async.mfa.AsyncMfaAuthenticationClient",
                     "approw.v2.authentication.mfa.MfaAuthenticationClient",
                     "approw.v2.authentication.client.AuthenticationClient",
                     "approw.v2.authentication._async.client.AsyncAuthenticationClient",
                     "approw.v2.common._async.paging.AsyncPager",
                     "approw.integrations.core.Guard"):
        assert expected in names, expected


def test_the_checker_finds_what_a_docstring_lacks() -> None:
    def bare(self: Any, a: int, b: Optional[str] = None) -> int:
        """Do a thing."""
        return a

    def full(self: Any, a: int, b: Optional[str] = None, *, bB: Optional[str] = None) -> int:
        """Do a thing.

        Args:
            a: the first.
            b, bB: the second, in either spelling
                (continued).

        Returns:
            A number.

        Raises:
            ApprowException: never.
        """
        return a

    def quiet(self: Any) -> None:
        """Do nothing.

        Raises:
            ApprowException: never.
        """

    assert problems(bare) == ["Args: lacks a, b", "no Returns:", "no Raises:"]
    assert problems(full) == []
    assert problems(quiet) == []
