"""The docstrings are the API reference (the documentation site renders them with the type
hints): every public method of every client and sub-client, sync and asyncio, has one that
starts with a summary sentence."""
import inspect
from typing import Iterator, List, Tuple

import pytest

from approw.v2.authentication import AuthenticationClient, TokenVerifier
from approw.v2.authentication._async.client import AsyncAuthenticationClient
from approw.v2.authentication.verifier import AsyncTokenVerifier
from approw.v2.common.hints import type_hints
from approw.v2.management import ManagementClient
from approw.v2.management._async.client import AsyncManagementClient

PLUMBING = {"graphqlClient", "restClient", "tokenProvider", "options"}


def _classes() -> Iterator[type]:
    for client in (ManagementClient, AsyncManagementClient, AuthenticationClient,
                   AsyncAuthenticationClient):
        yield client
        for name, cls in type_hints(client).items():
            if isinstance(cls, type) and name not in PLUMBING:
                yield cls
    yield TokenVerifier
    yield AsyncTokenVerifier


def _methods() -> List[Tuple[str, object]]:
    found = {}
    for cls in _classes():
        for name, member in inspect.getmembers(cls, callable):
            if not name.startswith("_") and not inspect.isclass(member):
                found[f"{cls.__name__}.{name}"] = member
    return sorted(found.items())


METHODS = _methods()


def test_there_are_many_methods() -> None:
    assert len(METHODS) > 400


@pytest.mark.parametrize("name, method", METHODS, ids=[n for n, _ in METHODS])
def test_method_has_a_summary(name: str, method: object) -> None:
    doc = inspect.getdoc(method)
    assert doc, f"{name} has no docstring"
    summary = doc.split("\n\n", 1)[0].strip()
    assert len(summary) >= 10 and (summary[0].isupper() or summary[0] in "`(:"), (name, summary)
