"""The management reference says what each call raises, with the service's code
(``UserNotFoundError: no user has this ID (2004).``): for a sample of those entries, the call
really raises exactly that class with that code, and the docstring of the method called names
both, so the reference cannot drift from the service's behaviour unnoticed.  Also the two
refusals the reference says are returned, not raised."""
import inspect
import re
from typing import Any, Callable, Dict, List, Tuple, Type

import pytest

from approw.v2.exceptions import (
    AlreadyExistsError,
    ApprowException,
    NotFoundError,
    PermissionDeniedError,
    UserExistsError,
    UserNotFoundError,
)
from approw.v2.management import ManagementClient, ManagementClientOptions

NO_ID = "0000000000000000000000ff"   # no user, role or MFA record has it
NO_NS = "no-such-namespace"

Call = Callable[[ManagementClient, Dict[str, str]], Any]

#: (the method, as ``area.method``; the call; the class it raises; the service's code)
CASES: List[Tuple[str, Call, Type[ApprowException], int]] = [
    ("users.create", lambda m, c: m.users.create({"username": c["username"]}), UserExistsError, 2026),
    ("users.create", lambda m, c: m.users.create({"nickname": "nobody"}), ApprowException, 2231),
    ("users.update", lambda m, c: m.users.update(NO_ID, {"nickname": "x"}), UserNotFoundError, 2004),
    ("users.find", lambda m, c: m.users.find(), ApprowException, 2231),
    ("users.search", lambda m, c: m.users.search("a", fields=["bogus"]), ApprowException, 2015),
    ("users.search", lambda m, c: m.users.search("a", department_opts=[{"departmentId": NO_ID}]),
     NotFoundError, 404),
    ("users.batch_get", lambda m, c: m.users.batch_get([str(i) for i in range(81)]), ApprowException, 2030),
    ("users.refresh_token", lambda m, c: m.users.refresh_token(NO_ID), UserNotFoundError, 2004),
    ("users.check_login_status", lambda m, c: m.users.check_login_status(NO_ID), UserNotFoundError, 2004),
    ("users.list_org", lambda m, c: m.users.list_org(NO_ID), UserNotFoundError, 2004),
    ("users.list_user_actions", lambda m, c: m.users.list_user_actions(limit=0), ApprowException, 2231),
    ("users.list_roles", lambda m, c: m.users.list_roles(NO_ID), ApprowException, 500),
    ("users.list_roles", lambda m, c: m.users.list_roles(c["user"], NO_NS), ApprowException, 3003),
    ("users.add_roles", lambda m, c: m.users.add_roles(c["user"], [c["missing"]]), NotFoundError, 404),
    ("users.add_group", lambda m, c: m.users.add_group(NO_ID, c["group"]), UserNotFoundError, 2004),
    ("users.list_policies", lambda m, c: m.users.list_policies(NO_ID), UserNotFoundError, 2004),
    ("users.check_resource_permission_batch",
     lambda m, c: m.users.check_resource_permission_batch(c["user"], NO_NS, ["a"]), ApprowException, 3003),
    ("users.set_udv", lambda m, c: m.users.set_udv(c["user"], c["missing"], 1), ApprowException, 2231),
    ("users.get_udf_value", lambda m, c: m.users.get_udf_value(NO_ID), UserNotFoundError, 2004),
    ("roles.create", lambda m, c: m.roles.create(c["role"]), AlreadyExistsError, 2026),
    ("roles.create", lambda m, c: m.roles.create(c["missing"], parentCode=c["missing"]), NotFoundError, 404),
    ("roles.list", lambda m, c: m.roles.list(namespace=NO_NS), ApprowException, 3003),
    ("roles.update", lambda m, c: m.roles.update(c["missing"], "d"), NotFoundError, 404),
    ("roles.list_users", lambda m, c: m.roles.list_users(c["missing"]), ApprowException, 500),
    ("roles.delete_many", lambda m, c: m.roles.delete_many([c["role"], c["missing"]]), NotFoundError, 404),
    ("roles.add_users", lambda m, c: m.roles.add_users(c["role"], [NO_ID]), UserNotFoundError, 2004),
    ("roles.get_udf_value", lambda m, c: m.roles.get_udf_value(NO_ID), NotFoundError, 404),
    ("groups.create", lambda m, c: m.groups.create(c["group"], "G"), AlreadyExistsError, 2026),
    ("groups.update", lambda m, c: m.groups.update(c["missing"], name="x"), NotFoundError, 404),
    ("groups.list_users", lambda m, c: m.groups.list_users(c["missing"]), ApprowException, 500),
    ("groups.delete_many", lambda m, c: m.groups.delete_many([c["group"], c["missing"]]), NotFoundError, 404),
    ("udf.remove", lambda m, c: m.udf.remove("USER", c["missing"]), ApprowException, 2231),
    ("udf.list_udf_value", lambda m, c: m.udf.list_udf_value("ROLE", NO_ID), NotFoundError, 404),
    ("userpool.update", lambda m, c: m.userpool.update({"tokenExpiresAfter": -5}), ApprowException, 2231),
    ("userpool.remove_env", lambda m, c: m.userpool.remove_env(c["missing"]), ApprowException, 2231),
    ("statistics.list_audit_logs", lambda m, c: m.statistics.list_audit_logs(limit=5000), ApprowException, 2231),
    ("mfa.get_status", lambda m, c: m.mfa.get_status(NO_ID), UserNotFoundError, 2004),
    ("mfa.change_mfa", lambda m, c: m.mfa.change_mfa(enable=False, id=NO_ID), ApprowException, 2231),
]


def raises_entry(method: Any, cls: Type[ApprowException]) -> str:
    """The ``Raises:`` entry of ``method``'s docstring for ``cls`` (continuation lines joined),
    or ``""``."""
    doc = inspect.getdoc(method) or ""
    section = doc.split("\nRaises:\n", 1)[1] if "\nRaises:\n" in doc else ""
    entries = re.split(r"\n(?=    \w)", section.split("\n\n", 1)[0])
    for entry in entries:
        if entry.strip().startswith(cls.__name__ + ":"):
            return " ".join(line.strip() for line in entry.splitlines())
    return ""


@pytest.fixture(scope="module")
def things(management: ManagementClient) -> Dict[str, str]:
    import uuid

    tag = uuid.uuid4().hex[:10]
    user = management.users.create({"username": f"documented-{tag}"})
    management.roles.create(f"documented-{tag}")
    management.groups.create(f"documented-{tag}", "Documented")
    return {"user": user["id"], "username": user["username"], "role": f"documented-{tag}",
            "group": f"documented-{tag}", "missing": f"missing-{tag}"}


@pytest.mark.parametrize("where, call, cls, code", CASES,
                         ids=[f"{where}-{code}" for where, _, _, code in CASES])
def test_the_call_raises_what_its_docstring_says(management: ManagementClient, things: Dict[str, str],
                                                 where: str, call: Call, cls: Type[ApprowException],
                                                 code: int) -> None:
    area, name = where.split(".")
    entry = raises_entry(getattr(getattr(management, area), name), cls)
    assert entry, f"{where}: the docstring's Raises: has no {cls.__name__} entry"
    assert f"({code}" in entry or f"{code})" in entry, f"{where}: {cls.__name__} entry lacks {code}: {entry}"
    with pytest.raises(ApprowException) as caught:
        call(management, things)
    assert type(caught.value) is cls and caught.value.code == code, (where, caught.value)


def test_a_wrong_pool_secret_is_the_documented_permission_error(approw_emulator: Any) -> None:
    client = ManagementClient(ManagementClientOptions(
        user_pool_id=approw_emulator.user_pool_id, secret="not-the-secret", host=approw_emulator.url))
    try:
        assert "(1001)" in raises_entry(client.tokenProvider.getAccessToken, PermissionDeniedError)
        with pytest.raises(PermissionDeniedError) as caught:
            client.userpool.detail()
        assert caught.value.code == 1001
        assert "(1001)" in raises_entry(client.userpool.detail, PermissionDeniedError)
    finally:
        client.close()


def test_the_refusals_documented_as_returned_are_returned(management: ManagementClient) -> None:
    answer = management.users.delete(NO_ID)
    assert answer["code"] == 2210 and "2210" in (inspect.getdoc(management.users.delete) or "")
    status = management.check_login_status("not-a-token")
    assert status["status"] is False and status["code"] == 2207
    assert "2207" in (inspect.getdoc(management.check_login_status) or "")
