"""Roles, policies, ACL, groups and the users' access methods beyond single requests: bad
arguments refused before any request (sync and async), lookups of missing objects, REST
results that are only success or failure, ``management.check``."""
import asyncio
import re
from typing import Any

import pytest

from approw.v2.exceptions import ApprowArgumentTypeError, ApprowException, ApprowWrongArgumentException
from approw.v2.management import ManagementClient, ManagementClientOptions
from fakes import FakeSession

STATEMENT = {"resource": "books:*", "actions": ["books:read"]}
USER_OPT = {"targetType": "USER", "targetIdentifier": "u1"}


@pytest.mark.parametrize("call, message", [
    # wrong types (ApprowArgumentTypeError, from the annotations)
    (lambda m: m.roles.create(5), "code must be a str, not int"),
    (lambda m: m.roles.add_users("admin", "u1"), "userIds must be a list of str, not str"),
    (lambda m: m.roles.list_users("admin", "default"), "page must be an int, not str"),
    (lambda m: m.roles.set_udf_value("r1", ["age", 1]), "data must be a dict, not list"),
    (lambda m: m.groups.add_users("g1", "u1"), "user_ids must be a list of str, not str"),
    (lambda m: m.groups.detail(None), "code must be a str, not NoneType"),
    (lambda m: m.policies.add_assignments(["p1"], "TEAM", ["x"]), "targetType must be one of"),
    (lambda m: m.policies.create("p1", "books:read"), "statements must be a list of dict, not str"),
    (lambda m: m.users.add_roles("u1", "admin"), "roles must be a list of str, not str"),
    (lambda m: m.users.list(sort_by="NEWEST"), "sort_by must be one of"),
    (lambda m: m.users.set_udf_value_batch(["u1"]), "data must be a dict, not list"),
    (lambda m: m.users.get_udf_value_batch("u1"), "user_ids must be a list of str, not str"),
    (lambda m: m.users.kick("u1"), "user_ids must be a list, not str"),
    (lambda m: m.acl.is_allowed(1, "a", "r"), "user_id must be a str or None, not int"),
    (lambda m: m.acl.update_namespace([1]), "id must be an int or a str, not list"),
    # the reference's value checks, with its messages
    (lambda m: m.users.search("x", group_opts={"code": "g"}), "group_opts must be a list"),
    (lambda m: m.users.search("x", role_opts={"code": "r"}), "role_opts must be a list"),
    (lambda m: m.users.list_authorized_resources("u1", resource_type="BOOK"), "invalid argument: resource_type"),
    (lambda m: m.roles.list_authorized_resources("admin", "default", "BOOK"), "invalid argument: resource_type"),
    (lambda m: m.groups.list_authorized_resources("g1", resource_type="x"), "invalid argument: resource_type"),
    (lambda m: m.users.check_resource_permission_batch("u1", "default", "books:1"), "resources must be a list"),
    (lambda m: m.users.set_udf_value("u1", {}), "data must not be a empty dict"),
    (lambda m: m.users.set_udf_value_batch({"u1": 5}), "invalid data input"),
    (lambda m: m.roles.set_udf_value_batch({"r1": [1]}), "invalid data input"),
    (lambda m: m.users.batch_get(["bob"], "nickname"), "query_field must be one of"),
    (lambda m: m.acl.allow("books:1", "books:read", "default"), "must provide user_id or role"),
    (lambda m: m.acl.allow("books:1", "read", user_id="a", userId="b"), "user_id or userId"),
    (lambda m: m.acl.is_allowed(userId="u1", resource="books:1"), "action must be provided"),
    (lambda m: m.acl.create_resource("default", "books", "DATA", [{"name": "read"}]),
     'actions must be a list of dict like { "name": "xxx", "description": "xxx" }'),
    (lambda m: m.acl.create_resource("default", "books", "BOOK", []), "unsupported resource_type: BOOK"),
    (lambda m: m.acl.update_resource("default", "books", "BOOK"), "unsupported resource_type: BOOK"),
    (lambda m: m.acl.list_resources("default", "BOOK"), "unsupported resource_type: BOOK"),
    (lambda m: m.acl.list_resources("default", None, 0, -1), "limit must be a int bigger than 0"),
    (lambda m: m.acl.list_authorized_resources("default", "TEAM", "t1"), "unsupported target_type: TEAM"),
    (lambda m: m.acl.authorize_resource("default", "books", [5]), "opts must be a list of dict, not list"),
    (lambda m: m.acl.authorize_resource("default", "books", [{"targetType": "USER"}]),
     "item of opts must be a dict with targetType and targetIdentifier key"),
    (lambda m: m.acl.revoke_resource("default", "books", [{"targetIdentifier": "u1"}]),
     "item of opts must be a dict with targetType and targetIdentifier key"),
    (lambda m: m.acl.get_authorized_targets("default", "DATA", "books", {"op": "AND"}), "invalid argument actions"),
    (lambda m: m.acl.get_authorized_targets("default", "DATA", "books", {"op": "XOR", "list": []}),
     "op must be AND or OR"),
    (lambda m: m.acl.get_authorized_targets("default", "DATA", "books", target_type="TEAM"),
     "unsupported target_type: TEAM"),
    (lambda m: m.acl.find_resource_by_code(""), "code must be provided"),
    (lambda m: m.policies.create("p1", []), "statements must be a non-empty list of dict"),
    (lambda m: m.policies.create("p1", [{"resource": "", "actions": ["a"]}]), "statements[0].resource must be"),
    (lambda m: m.policies.update("p1", [STATEMENT, {"resource": "x", "actions": []}]),
     "statements[1].actions must be a non-empty list of str"),
    (lambda m: m.policies.create("p1", [dict(STATEMENT, effect="MAYBE")]), "statements[0].effect must be"),
])
def test_bad_arguments_are_refused_before_any_request(fake: FakeSession, mgmt: ManagementClient, amgmt: Any,
                                                      call: Any, message: str) -> None:
    with pytest.raises(ApprowWrongArgumentException, match=re.escape(message)):
        call(mgmt)
    with pytest.raises(ApprowWrongArgumentException, match=re.escape(message)):
        asyncio.run(call(amgmt))
    assert fake.calls == []


def test_type_errors_are_also_type_errors(fake: FakeSession, mgmt: ManagementClient) -> None:
    with pytest.raises(ApprowArgumentTypeError) as ei:
        mgmt.groups.create("g1", 42)
    assert isinstance(ei.value, TypeError)


@pytest.mark.parametrize("call, op, what", [
    (lambda m: m.users.list_roles("nobody"), "getUserRoles", "user"),
    (lambda m: m.users.has_role("nobody", "admin"), "getUserRoles", "user"),
    (lambda m: m.users.list_groups("nobody"), "getUserGroups", "user"),
    (lambda m: m.users.list_authorized_resources("nobody"), "listUserAuthorizedResources", "user"),
    (lambda m: m.roles.list_users("nope"), "roleWithUsers", "role"),
    (lambda m: m.roles.list_authorized_resources("nope", "default"), "listRoleAuthorizedResources", "role"),
    (lambda m: m.groups.list_users("nope", with_custom_data=True), "groupWithUsersWithCustomData", "group"),
    (lambda m: m.groups.list_authorized_resources("nope"), "listGroupAuthorizedResources", "group"),
])
def test_listings_of_a_missing_object_raise(fake: FakeSession, mgmt: ManagementClient, call: Any, op: str,
                                            what: str) -> None:
    fake.answer(op, None)
    with pytest.raises(ApprowException) as ei:
        call(mgmt)
    assert (ei.value.code, ei.value.message) == (500, f"{what} not exists")


def test_rest_results_that_are_success_or_failure(fake: FakeSession, rsa_key: Any) -> None:
    seen = []
    mgmt = ManagementClient(ManagementClientOptions(
        user_pool_id="pool1", secret="s", host="https://api.example.test", enc_public_key=rsa_key[1],
        on_error=lambda code, message: seen.append((code, message))))
    fake.answer_rest("DELETE", "/api/v2/resource-namespace/pool1/7", {"code": 3003, "message": "gone"})
    assert mgmt.acl.delete_namespace(7) is False
    fake.answer_rest("DELETE", "/api/v2/resources/books", {"code": 404, "message": "no such resource"})
    assert mgmt.acl.delete_resource("default", "books") is False
    assert seen == [(3003, "gone"), (404, "no such resource")]
    fake.answer_rest("GET", "/logout", {"code": 2004, "message": "User does not exist"})
    with pytest.raises(ApprowException) as ei:   # the default on_error raises
        ManagementClient(ManagementClientOptions(user_pool_id="pool1", secret="s", host="https://api.example.test",
                                                 enc_public_key=rsa_key[1])).users.logout("u1")
    assert ei.value.code == 2004


def test_statements_are_sent_as_given(fake: FakeSession, mgmt: ManagementClient) -> None:
    fake.answer("createPolicy", {"code": "p1"})
    statements = [dict(STATEMENT)]
    mgmt.policies.create("p1", statements)
    assert fake.last("createPolicy").variables["statements"] == [STATEMENT]
    assert statements == [STATEMENT]


def test_check_type(mgmt: ManagementClient) -> None:
    check = mgmt.check
    check.is_list([1], "not a list")
    check.target_type("ORG")
    check.resource_type("BUTTON")
    check.page_options(1, 10)
    for call, message in [(lambda: check.is_list("x", "role_list must be a list"), "role_list must be a list"),
                          (lambda: check.target_type("AK_SK"), "unsupported target_type: AK_SK"),
                          (lambda: check.resource_type("FILE"), "unsupported resource_type: FILE"),
                          (lambda: check.page_options(0.5, 1), "page must be a int bigger than 0")]:
        with pytest.raises(ApprowWrongArgumentException, match=re.escape(message)):
            call()
