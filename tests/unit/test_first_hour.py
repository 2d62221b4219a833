"""Small things a newcomer meets: the asyncio clients in ``dir()`` of their packages (tab
completion) without importing them, and the exception for a code that means several things."""
import subprocess
import sys

import pytest

import approw.v2.authentication
import approw.v2.management
from approw.v2 import exceptions as exc
from approw.v2.common.executor_base import operation_name


def test_dir_lists_the_async_clients() -> None:
    assert "AsyncManagementClient" in dir(approw.v2.management)
    assert "AsyncAuthenticationClient" in dir(approw.v2.authentication)
    for name in ("ManagementClient", "ManagementClientOptions"):
        assert name in dir(approw.v2.management)


def test_dir_does_not_import_the_async_clients() -> None:
    code = ("import sys, approw.v2.management as m; dir(m); "
            "print('approw.v2.management._async.client' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr


@pytest.mark.parametrize("operation, cls", [
    (None, exc.UserExistsError),                # no context: as before
    ("createUser", exc.UserExistsError),
    ("registerByEmail", exc.UserExistsError),
    ("updatePhone", exc.UserExistsError),
    ("createRole", exc.AlreadyExistsError),
    ("updateGroup", exc.AlreadyExistsError),
    ("createNamespace", exc.AlreadyExistsError),
    ("/api/v2/applications/app1/roles", exc.AlreadyExistsError),
    ("/api/v2/users/u1/roles", exc.UserExistsError),
])
def test_2026_is_mapped_by_what_it_is_about(operation: str, cls: type) -> None:
    e = exc.from_code(2026, "already exists", operation=operation)
    assert type(e) is cls and e.code == 2026
    assert isinstance(e, exc.AlreadyExistsError)


def test_other_already_exists_codes() -> None:
    for code in (2008, 2039, 2220, 3620, 3829):
        assert type(exc.from_code(code, "x")) is exc.AlreadyExistsError


@pytest.mark.parametrize("document, name", [
    ("mutation createUser($userInfo: CreateUserInput!) { createUser(userInfo: $userInfo) { id } }",
     "createUser"),
    ("query users($page: Int) { users(page: $page) { totalCount } }", "users"),
    ("  query user{ user { id } }", "user"),
    ("{ users { totalCount } }", "GraphQL"),
    ("mutation($t: String) { x }", "GraphQL"),
])
def test_operation_name(document: str, name: str) -> None:
    assert operation_name(document) == name


@pytest.mark.parametrize("code, cls", [
    (2004, exc.UserNotFoundError), (404, exc.NotFoundError), (2011, exc.NotFoundError),
    (2224, exc.NotFoundError), (2001, exc.VerificationCodeError), (2300, exc.VerificationCodeError),
    (2006, exc.WrongPasswordError), (1000, exc.ApprowException),
])
def test_codes_mapped_by_meaning(code: int, cls: type) -> None:
    assert type(exc.from_code(code, "m")) is cls
    assert isinstance(exc.from_code(2004, "m"), exc.NotFoundError)
