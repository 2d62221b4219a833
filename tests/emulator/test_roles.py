"""The roles domain over GraphQL: roles per namespace, parents, holders (users, groups,
nodes), ``User.roles``, errors, and what deleting a role, a user or a group leaves behind."""

from __future__ import annotations

import pytest

from authz_helpers import Authz

pytest.importorskip("graphql")

ROLE = "query($c: String!, $n: String) { role(code: $c, namespace: $n) { id code namespace arn isSystem " \
       "description parent { code } users { totalCount list { id } } } }"
ROLES = "query($n: String, $p: Int, $l: Int) { roles(namespace: $n, page: $p, limit: $l) " \
        "{ totalCount list { code namespace } } }"
USER_ROLES = "query($u: String, $n: String) { user(id: $u) { roles(namespace: $n) { totalCount list { code namespace } } } }"
REVOKE = "mutation($r: [String], $u: [String!], $g: [String!], $ns: String) " \
         "{ revokeRole(roleCodes: $r, userIds: $u, groupCodes: $g, namespace: $ns) { code } }"


@pytest.fixture
def az(approw_emulator_fresh):
    a = Authz(approw_emulator_fresh)
    yield a
    a.close()


def test_roles_live_in_namespaces(az):
    az.namespace("app")
    a = az.role("admin")
    b = az.role("admin", "app")                                    # same code, another namespace
    assert a["id"] != b["id"] and (a["namespace"], b["namespace"]) == ("default", "app")
    detail = az.ok(ROLE, {"c": "admin"})
    assert detail["arn"] == "arn:cn:approw:%s:role:%s" % (az.emu.user_pool_id, a["id"])
    assert detail["isSystem"] is False and detail["parent"] is None and detail["users"]["totalCount"] == 0
    assert az.ok(ROLE, {"c": "admin", "n": "app"})["id"] == b["id"]
    assert az.ok(ROLE, {"c": "nope"}) is None
    az.role("viewer")
    page = az.ok(ROLES, {"p": 1, "l": 1})
    assert page["totalCount"] == 2 and [r["code"] for r in page["list"]] == ["viewer"]   # newest first
    assert az.ok(ROLES, {"n": "app"})["totalCount"] == 1
    assert az.ok(ROLES, {"p": 0})["totalCount"] == 2                                      # page 0 reads as 1


def test_role_errors(az):
    az.role("admin")
    create = "mutation($c: String!, $n: String, $p: String) { createRole(code: $c, namespace: $n, parent: $p) { id } }"
    assert az.error(create, {"c": "admin"}) == {"code": 2026,
                                                "message": "Role 'admin' already exists in namespace 'default'"}
    assert az.code(create, {"c": "bad code"}) == 2231
    assert az.code(create, {"c": "ok", "n": "nowhere"}) == 3003
    assert az.code(create, {"c": "child", "p": "nope"}) == 404
    assert az.code(ROLE, {"c": "admin", "n": "nowhere"}) == 3003
    update = "mutation($c: String!, $nc: String) { updateRole(code: $c, newCode: $nc) { code } }"
    assert az.code(update, {"c": "nope", "nc": "x"}) == 404
    az.role("other")
    assert az.code(update, {"c": "other", "nc": "admin"}) == 2026
    assert az.code('mutation { deleteRole(code: "nope") { code } }') == 404
    assert az.code('mutation { deleteRoles(codeList: ["admin", "nope"]) { code } }') == 404
    assert az.ok(ROLE, {"c": "admin"}) is not None                  # all or nothing
    user_id = az.user("u")
    assert az.code('mutation { assignRole(roleCodes: ["admin"]) { code } }') == 2231
    assert az.code('mutation($u: [String!]) { assignRole(userIds: $u) { code } }', {"u": [user_id]}) == 2231
    assert az.error('mutation { assignRole(roleCode: "admin", userIds: ["nobody"]) { code } }')["code"] == 2004
    assert az.code('mutation($u: [String!]) { assignRole(roleCode: "nope", userIds: $u) { code } }',
                   {"u": [user_id]}) == 404
    assert az.code('mutation { assignRole(roleCode: "admin", groupCodes: ["nope"]) { code } }') == 404
    assert az.error('mutation { assignRole(roleCode: "admin", nodeCodes: ["n1"]) { code } }') == {
        "code": 404, "message": "Organisation node 'n1' does not exist"}     # no organisations in this pool
    token = az.emu.user_token(user_id)
    assert az.code('mutation { createRole(code: "mine") { id } }', token=token) == 1001


def test_update_renames_and_keeps_holders(az):
    az.role("admin")
    user_id = az.user("u")
    az.assign(["admin"], users=[user_id])
    renamed = az.ok('mutation { updateRole(code: "admin", newCode: "root", description: "All") { code description } }')
    assert renamed == {"code": "root", "description": "All"}
    assert az.ok(ROLE, {"c": "admin"}) is None
    assert az.ok(ROLE, {"c": "root"})["users"]["list"] == [{"id": user_id}]
    kept = az.ok('mutation { updateRole(code: "root", newCode: "top", description: null) { code description } }')
    assert kept == {"code": "top", "description": "All"}                   # null leaves it unchanged
    assert az.ok('mutation { updateRole(code: "top", description: "") { description } }') == {"description": ""}


def test_holders_users_groups_and_user_roles(az):
    az.namespace("app")
    az.role("admin")
    az.role("reader", "app")
    u1, u2 = az.user("u1"), az.user("u2")
    assert az.assign(["admin"], users=[u1, u2]) == {"code": 200}
    assert az.assign(["admin"], users=[u1]) == {"code": 200}           # idempotent
    az.assign(["reader"], users=[u1], namespace="app")
    assert az.ok(ROLE, {"c": "admin"})["users"]["totalCount"] == 2
    roles = az.ok(USER_ROLES, {"u": u1})["roles"]
    assert roles["totalCount"] == 2 and {(r["code"], r["namespace"]) for r in roles["list"]} == \
        {("admin", "default"), ("reader", "app")}
    assert az.ok(USER_ROLES, {"u": u1, "n": "app"})["roles"]["list"] == [{"code": "reader", "namespace": "app"}]
    assert az.code(USER_ROLES, {"u": u1, "n": "nowhere"}) == 3003
    az.ok(REVOKE, {"r": ["admin"], "u": [u1, "not-a-user"]})           # unknown ids are skipped
    assert az.ok(ROLE, {"c": "admin"})["users"]["list"] == [{"id": u2}]
    az.ok(REVOKE, {"r": ["admin"], "u": [u1]})                         # not a holder: fine
    az.group("staff")
    az.assign(["admin"], groups=["staff"])
    assert az.rows("role_groups") == 1
    az.ok(REVOKE, {"r": ["admin"], "g": ["staff", "unknown"]})
    assert az.rows("role_groups") == 0


def test_parent_roles(az):
    az.role("employee")
    child = az.ok('mutation { createRole(code: "manager", parent: "employee") { code parent { code } } }')
    assert child == {"code": "manager", "parent": {"code": "employee"}}
    az.ok('mutation { deleteRole(code: "employee") { code } }')
    assert az.ok(ROLE, {"c": "manager"})["parent"] is None


def test_deleting_a_role_leaves_nothing_behind(az):
    az.role("admin")
    user_id = az.user("u")
    az.group("staff")
    az.assign(["admin"], users=[user_id], groups=["staff"])
    az.authorize("books:1", "ROLE", "admin", ["books:read"])
    az.policy("readers", [{"resource": "books:*", "actions": ["books:read"]}])
    az.assign_policy("readers", "ROLE", "admin")
    az.ok('mutation { setUdf(targetType: ROLE, key: "level", dataType: NUMBER, label: "Level") { key } }')
    role_id = az.ok(ROLE, {"c": "admin"})["id"]
    az.ok('mutation($id: String!) { setUdv(targetType: ROLE, targetId: $id, key: "level", value: "3") { key } }',
          {"id": role_id})
    assert az.allowed(user_id, "books:1", "books:read")
    assert az.ok('mutation { deleteRole(code: "admin") { code message } }')["code"] == 200
    assert az.ok(ROLE, {"c": "admin"}) is None
    for table in ("role_users", "role_groups", "grants", "policy_assignments"):
        assert az.rows(table) == 0, table
    assert az.rows("udvs", "target_type = 'ROLE'") == 0
    assert not az.allowed(user_id, "books:1", "books:read")


def test_deleting_users_and_groups_removes_their_roles_grants_and_policies(az):
    az.role("admin")
    user_id = az.user("u")
    az.group("staff")
    az.assign(["admin"], users=[user_id], groups=["staff"])
    az.add_to_group("staff", user_id)
    az.authorize("books:1", "USER", user_id, ["books:read"])
    az.authorize("books:2", "GROUP", "staff", ["books:read"])
    az.policy("p", [{"resource": "*", "actions": ["*"]}])
    az.assign_policy("p", "USER", user_id)
    az.assign_policy("p", "GROUP", "staff")
    az.ok('mutation($id: String!) { deleteUser(id: $id) { code } }', {"id": user_id})
    assert az.rows("role_users") == az.rows("group_members") == 0
    assert az.rows("grants", "target_type = 'USER'") == az.rows("policy_assignments", "target_type = 'USER'") == 0
    az.ok('mutation { deleteGroups(codeList: ["staff"]) { code } }')
    assert az.rows("role_groups") == az.rows("grants") == az.rows("policy_assignments") == 0


def test_role_custom_data_by_id_or_code(az):
    role = az.role("admin")
    az.ok('mutation { setUdf(targetType: ROLE, key: "level", dataType: NUMBER, label: "Level") { key } }')
    az.ok('mutation { setUdv(targetType: ROLE, targetId: "admin", key: "level", value: "3") { key } }')
    by_id = az.ok('query($id: String!) { udv(targetType: ROLE, targetId: $id) { key value } }', {"id": role["id"]})
    assert by_id == [{"key": "level", "value": "3"}]
    batch = az.ok('query($ids: [String]!) { udfValueBatch(targetType: ROLE, targetIds: $ids) { targetId data { value } } }',
                  {"ids": [role["id"], "admin"]})
    assert batch == [{"targetId": role["id"], "data": [{"value": "3"}]}, {"targetId": "admin", "data": [{"value": "3"}]}]
    assert az.code('mutation { setUdv(targetType: ROLE, targetId: "admin", key: "nope", value: "1") { key } }') == 2231
