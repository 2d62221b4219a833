"""Organisations and applications beyond single requests: bad arguments refused before any
request (sync and async), listings of a node that does not exist, failures of REST calls
that answer only success or failure."""
import asyncio
import re
from typing import Any

import pytest

from approw.v2.exceptions import ApprowException, ApprowWrongArgumentException
from approw.v2.management import ManagementClient, ManagementClientOptions
from fakes import FakeSession

ACTIONS = [{"name": "read", "description": "Read"}]


@pytest.mark.parametrize("call, message", [
    # organisations
    (lambda m: m.org.create_org(None), "name must be a str, not NoneType"),
    (lambda m: m.org.create_node("Dev", "o1", 5), "parent_node_id must be a str, not int"),
    (lambda m: m.org.add_node("o1", "n0", {"code": "dev"}), "data must have a name"),
    (lambda m: m.org.add_node("o1", "n0", {"name": "Dev", "parent": "n1"}), "unknown node field(s) parent"),
    (lambda m: m.org.update_node("n1", {"order": 2}), "unknown node field(s) order"),
    (lambda m: m.org.update_node("n1", "R&D"), "updates must be a dict, not str"),
    (lambda m: m.org.list(page="1"), "page must be an int, not str"),
    (lambda m: m.org.search_nodes(" "), "keyword must not be empty"),
    (lambda m: m.org.add_members("n1", "u1"), "user_ids must be a list of str, not str"),
    (lambda m: m.org.move_members("u1", "n1", "n2"), "user_ids must be a list of str, not str"),
    (lambda m: m.org.list_members("n1", include_children_nodes=True, sort_by=3), "sort_by must be a str or None"),
    (lambda m: m.org.add_roles("n1", "admin"), "role_list must be a list of str, not str"),
    (lambda m: m.org.list_authorized_resources("n1", resource_type="BOOK"), "invalid argument: resource_type"),
    (lambda m: m.org.list_authorized_resources_by_node_code("o1", "dev", None, "x"),
     "invalid argument: resource_type"),
    (lambda m: m.org.import_by_json("{not json"), "json is not valid JSON"),
    (lambda m: m.org.import_by_json({"code": "x"}), "json must be a tree of nodes whose root has a name"),
    (lambda m: m.org.import_by_json(["x"]), "json must be a dict or a str, not list"),
    # applications
    (lambda m: m.applications.create("Books", "books", "https://x.test/cb"),
     "redirect_uris must be a list of str, not str"),
    (lambda m: m.applications.create(" ", "books", []), "name must not be empty"),
    (lambda m: m.applications.list_resources("app1", resource_type="123"), "unsupported resource_type: 123"),
    (lambda m: m.applications.list_resources("app1", page=-1), "page must be a int bigger than 0"),
    (lambda m: m.applications.create_resource("app1", "books", "BOOK", ACTIONS), "unsupported resource_type: BOOK"),
    (lambda m: m.applications.create_resource("app1", "books", "DATA", [{"name": "read"}]),
     'actions must be a list of dict like { "name": "xxx", "description": "xxx" }'),
    (lambda m: m.applications.update_resource("app1", "books", "BOOK"), "unsupported resource_type: BOOK"),
    (lambda m: m.applications.get_access_policies("app1", limit=0.5), "limit must be an int, not float"),
    (lambda m: m.applications.get_access_policies("app1", 1, -2), "limit must be a int bigger than 0"),
    (lambda m: m.applications.active_users("app1", -1), "page must be a int bigger than 0"),
    (lambda m: m.applications.allow_access("app1", "TEAM", ["t1"]), "unsupported target_type: TEAM"),
    (lambda m: m.applications.deny_access("app1", "USER", "u1"), "target_identifiers must be a list of str"),
    (lambda m: m.applications.update_default_access_policy("app1", "ALLOW_SOME"),
     "default_strategy must be ALLOW_ALL or DENY_ALL"),
    (lambda m: m.applications.modify_agreement("app1", 1, {"text": "x"}), "unknown agreement field(s) text"),
    (lambda m: m.applications.sort_agreement("app1", 1), "order must be a list"),
    (lambda m: m.applications.add_users_to_role("app1", "editor", "u1"), "user_ids must be a list of str"),
    (lambda m: m.applications.list_authorized_resources_by_role("app1", "editor", "BOOK"),
     "invalid argument: resource_type"),
])
def test_bad_arguments_are_refused_before_any_request(fake: FakeSession, mgmt: ManagementClient, amgmt: Any,
                                                      call: Any, message: str) -> None:
    with pytest.raises(ApprowWrongArgumentException, match=re.escape(message)):
        call(mgmt)
    with pytest.raises(ApprowWrongArgumentException, match=re.escape(message)):
        asyncio.run(call(amgmt))
    assert fake.calls == []


@pytest.mark.parametrize("call, op", [
    (lambda m: m.org.list_members("nope"), "nodeByIdWithMembers"),
    (lambda m: m.org.list_roles("nope"), "getNodeRoles"),
    (lambda m: m.org.list_authorized_resources("nope"), "listNodeByIdAuthorizedResources"),
    (lambda m: m.org.list_authorized_resources_by_node_code("o1", "nope"), "listNodeByCodeAuthorizedResources"),
])
def test_listings_of_a_missing_node_raise(fake: FakeSession, mgmt: ManagementClient, call: Any, op: str) -> None:
    fake.answer(op, None)
    with pytest.raises(ApprowException) as ei:
        call(mgmt)
    assert (ei.value.code, ei.value.message) == (500, "department not exists")


def test_yes_or_no_rest_calls_report_failures(fake: FakeSession, rsa_key: Any) -> None:
    seen = []
    mgmt = ManagementClient(ManagementClientOptions(
        user_pool_id="pool1", secret="s", host="https://api.example.test", enc_public_key=rsa_key[1],
        on_error=lambda code, message: seen.append((code, message))))
    fake.answer_rest("DELETE", "/api/v2/applications/app1", {"code": 1001, "message": "default application"})
    fake.answer_rest("POST", "/api/v2/applications/app1/authorization/enable-effect",
                     {"code": 404, "message": "no access policy"})
    assert mgmt.applications.delete("app1") is False
    assert mgmt.applications.enable_access_policy("app1", "USER", ["u1"]) is False
    assert seen == [(1001, "default application"), (404, "no access policy")]
