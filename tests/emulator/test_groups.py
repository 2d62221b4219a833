"""The groups domain over GraphQL: codes, members, ``User.groups``, ``groups(userId)``,
renames, all-or-nothing deletes, errors."""

from __future__ import annotations

import pytest

from authz_helpers import Authz

pytest.importorskip("graphql")

GROUP = "query($c: String!) { group(code: $c) { code name description createdAt " \
        "users(page: 1, limit: 10) { totalCount list { id status lastIP } } } }"
GROUPS = "query($u: String, $p: Int, $l: Int) { groups(userId: $u, page: $p, limit: $l) { totalCount list { code } } }"
REMOVE = "mutation($u: [String!]!, $c: String) { removeUserFromGroup(userIds: $u, code: $c) { code } }"


@pytest.fixture
def az(approw_emulator_fresh):
    a = Authz(approw_emulator_fresh)
    yield a
    a.close()


def test_create_detail_update_list(az):
    created = az.ok('mutation { createGroup(code: "staff", name: "Staff", description: "All") '
                    '{ code name description createdAt updatedAt } }')
    assert created["code"] == "staff" and created["name"] == "Staff" and created["createdAt"]
    assert az.ok(GROUP, {"c": "staff"})["users"] == {"totalCount": 0, "list": []}
    assert az.ok(GROUP, {"c": "nope"}) is None
    az.group("ops")
    assert [g["code"] for g in az.ok(GROUPS, {})["list"]] == ["ops", "staff"]
    assert az.ok(GROUPS, {"p": 2, "l": 1}) == {"totalCount": 2, "list": [{"code": "staff"}]}
    renamed = az.ok('mutation { updateGroup(code: "staff", newCode: "people", name: "People") { code name description } }')
    assert renamed == {"code": "people", "name": "People", "description": "All"}
    assert az.ok(GROUP, {"c": "staff"}) is None


def test_members(az):
    az.group("staff")
    az.group("ops")
    u1, u2 = az.user("u1"), az.user("u2")
    assert az.add_to_group("staff", u1, u2) == {"code": 200}
    az.add_to_group("staff", u1)                                  # again: no change
    az.add_to_group("ops", u1)
    members = az.ok(GROUP, {"c": "staff"})["users"]
    assert members["totalCount"] == 2 and all(m["status"] and m["lastIP"] for m in members["list"])
    user = az.ok('query($u: String) { user(id: $u) { groups { totalCount list { code } } } }', {"u": u1})
    assert user["groups"] == {"totalCount": 2, "list": [{"code": "staff"}, {"code": "ops"}]}
    assert az.ok(GROUPS, {"u": u2}) == {"totalCount": 1, "list": [{"code": "staff"}]}
    assert az.code(GROUPS, {"u": "nobody"}) == 2004
    az.ok(REMOVE, {"u": [u1, "nobody"], "c": "staff"})            # unknown and non-members are fine
    az.ok(REMOVE, {"u": [u1], "c": "staff"})
    assert az.ok(GROUP, {"c": "staff"})["users"]["list"] == [{"id": u2, "status": "Activated",
                                                              "lastIP": "127.0.0.1"}]


def test_errors(az):
    az.group("staff")
    user_id = az.user("u")
    assert az.error('mutation { createGroup(code: "staff", name: "x") { code } }') == {
        "code": 2026, "message": "Group 'staff' already exists"}
    assert az.code('mutation { createGroup(code: "a b", name: "x") { code } }') == 2231
    assert az.code('mutation { createGroup(code: "g", name: " ") { code } }') == 2231
    assert az.code('mutation { updateGroup(code: "nope", name: "x") { code } }') == 404
    az.group("ops")
    assert az.code('mutation { updateGroup(code: "ops", newCode: "staff") { code } }') == 2026
    assert az.code('mutation($u: [String!]!) { addUserToGroup(userIds: $u, code: "nope") { code } }', {"u": [user_id]}) == 404
    assert az.code('mutation($u: [String!]!) { addUserToGroup(userIds: $u) { code } }', {"u": [user_id]}) == 2231
    assert az.code('mutation { addUserToGroup(userIds: ["nobody"], code: "staff") { code } }') == 2004
    assert az.code(REMOVE, {"u": [user_id], "c": "nope"}) == 404
    assert az.code('mutation { deleteGroups(codeList: ["staff", "nope"]) { code } }') == 404
    assert az.ok(GROUP, {"c": "staff"}) is not None                 # nothing was deleted
    assert az.ok('mutation { deleteGroups(codeList: ["staff", "ops"]) { code message } }') == {
        "code": 200, "message": "Deleted 2 groups"}
