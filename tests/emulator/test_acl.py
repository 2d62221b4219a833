"""The ACL domain: how codes and actions match, grants (``allow``, ``authorizeResource``,
revoke), the evaluation along every path (user, groups, roles and their parents, policies,
DENY first), listings, batch checks, resource definitions."""

from __future__ import annotations

import pytest

from approw.emulator.domains.acl import patterns
from authz_helpers import Authz

pytest.importorskip("graphql")

BATCH = "/api/v2/acl/check-resource-permission-batch"
KIND = "/api/v2/acl/get-authorized-resources-of-resource-kind"
REVOKE = "/api/v2/acl/revoke-resource"
DENIED = "query($u: String!, $r: String!, $a: String!) { isActionDenied(userId: $u, resource: $r, action: $a) }"
LIST = "query($t: PolicyAssignmentTargetType, $i: String, $n: String, $rt: String) " \
       "{ authorizedResources(targetType: $t, targetIdentifier: $i, namespace: $n, resourceType: $rt) " \
       "{ totalCount list { code type actions } } }"
TARGETS = "query($r: String!, $rt: ResourceType!, $t: PolicyAssignmentTargetType, $a: AuthorizedTargetsActionsInput) " \
          "{ authorizedTargets(namespace: \"default\", resourceType: $rt, resource: $r, targetType: $t, actions: $a) " \
          "{ totalCount list { targetType targetIdentifier actions } } }"


@pytest.fixture
def az(approw_emulator_fresh):
    a = Authz(approw_emulator_fresh)
    yield a
    a.close()


@pytest.mark.parametrize("pattern, code, covered", [
    ("books:*", "books:1", True), ("books", "books:1", True), ("*", "books:1", True),
    ("books:1", "books:1", True), ("books:1", "books:2", False), ("books:1", "books:*", False),
    ("books:*", "books:*", True), ("books", "books:*", True), ("books:*", "books", True),
    ("books:*", "booksx:1", False), ("books:*", "*", False), ("a:*:c", "a:b:c", True),
])
def test_resource_patterns(pattern, code, covered):
    assert patterns.covers(pattern, code) is covered


@pytest.mark.parametrize("pattern, action, covered", [
    ("books:*", "books:edit", True), ("*", "anything", True), ("edit", "edit", True),
    ("books:edit", "books:delete", False), ("books:edit", "edit", False), ("books:*", "shelves:edit", False),
    ("a.b", "axb", False),
])
def test_action_patterns(pattern, action, covered):
    assert patterns.action_covers(pattern, action) is covered


def test_allow_and_wildcards(az):
    user_id = az.user("u")
    allow = 'mutation($r: String!, $a: String!, $u: String, $rc: String) ' \
            '{ allow(resource: $r, action: $a, userId: $u, roleCode: $rc) { code } }'
    az.ok(allow, {"r": "books:123", "a": "books:edit", "u": user_id})
    assert az.allowed(user_id, "books:123", "books:edit") and not az.allowed(user_id, "books:123", "books:delete")
    az.ok(allow, {"r": "books:123", "a": "books:*", "u": user_id})
    assert az.allowed(user_id, "books:123", "books:delete")
    az.ok(allow, {"r": "shelves:*", "a": "edit", "u": user_id})
    assert az.allowed(user_id, "shelves:9", "edit") and not az.allowed(user_id, "shelves:9", "shelves:edit")
    assert not az.allowed(user_id, "books:124", "books:edit")
    assert az.resources_of_user(user_id) == {"books:123": ["books:edit", "books:*"], "shelves:*": ["edit"]}
    assert az.code(allow, {"r": "books", "a": "x", "u": user_id}) == 2231            # a kind: use authorizeResource
    assert az.code(allow, {"r": "books:1", "a": "x"}) == 2231                        # nobody
    assert az.code(allow, {"r": "books:1", "a": "x", "rc": "nope"}) == 404
    assert az.code(allow, {"r": "books:1", "a": "x", "u": "nobody"}) == 2004
    assert az.code('query { isActionAllowed(userId: "nobody", resource: "x:1", action: "a") }') == 2004


def test_permissions_through_roles_parents_groups_and_policies(az):
    user_id = az.user("u")
    az.role("employee")
    az.ok('mutation { createRole(code: "manager", parent: "employee") { code } }')
    az.assign(["manager"], users=[user_id])
    az.authorize("docs:*", "ROLE", "employee", ["docs:read"])
    assert az.allowed(user_id, "docs:7", "docs:read")                      # the parent's grant
    assert not az.allowed(user_id, "docs:7", "docs:write")
    az.group("staff")
    az.add_to_group("staff", user_id)
    az.authorize("wiki", "GROUP", "staff", ["wiki:edit"])
    assert az.allowed(user_id, "wiki:home", "wiki:edit")                   # a kind covers its items
    az.role("printer")
    az.assign(["printer"], groups=["staff"])
    az.authorize("printers:1", "ROLE", "printer", ["print"])
    assert az.allowed(user_id, "printers:1", "print")                      # a role of a group
    az.policy("p", [{"resource": "mail:*", "actions": ["mail:send"]}])
    az.assign_policy("p", "GROUP", "staff")
    assert az.allowed(user_id, "mail:1", "mail:send")
    listed = az.resources_of_user(user_id)
    assert listed == {"docs:*": ["docs:read"], "wiki": ["wiki:edit"], "printers:1": ["print"], "mail:*": ["mail:send"]}
    az.ok('mutation($u: [String!]!) { removeUserFromGroup(userIds: $u, code: "staff") { code } }', {"u": [user_id]})
    assert not az.allowed(user_id, "printers:1", "print") and not az.allowed(user_id, "wiki:home", "wiki:edit")


def test_deny_wins_and_is_action_denied(az):
    user_id = az.user("u")
    az.authorize("books:*", "USER", user_id, ["books:read", "books:delete"])
    az.role("intern")
    az.assign(["intern"], users=[user_id])
    az.policy("no-delete", [{"resource": "books:*", "actions": ["books:delete"], "effect": "DENY"}])
    assert az.ok(DENIED, {"u": user_id, "r": "books:1", "a": "books:delete"}) is False
    az.assign_policy("no-delete", "ROLE", "intern")
    assert not az.allowed(user_id, "books:1", "books:delete")
    assert az.allowed(user_id, "books:1", "books:read")
    assert az.ok(DENIED, {"u": user_id, "r": "books:1", "a": "books:delete"}) is True
    assert az.ok(DENIED, {"u": user_id, "r": "books:1", "a": "books:write"}) is False   # not granted, not denied
    assert az.resources_of_user(user_id) == {"books:*": ["books:read"]}
    admin = az.user("admin")
    az.assign_policy("AdministratorAccess", "USER", admin)
    assert az.allowed(admin, "anything:1", "anything:do")


def test_listings_merge_paths_without_duplicates_and_span_namespaces(az):
    az.namespace("app")
    user_id = az.user("u")
    az.role("r1")
    az.assign(["r1"], users=[user_id])
    az.authorize("books:1", "USER", user_id, ["books:read"])
    az.authorize("books:1", "ROLE", "r1", ["books:read", "books:edit"])
    az.authorize("menu1", "USER", user_id, ["view"], "app")
    assert az.resources_of_user(user_id, "default") == {"books:1": ["books:read", "books:edit"]}
    assert az.resources_of_user(user_id) == {"books:1": ["books:read", "books:edit"], "menu1": ["view"]}
    listed = az.ok(LIST, {"t": "USER", "i": user_id, "n": "default"})
    assert listed == {"totalCount": 1, "list": [{"code": "books:1", "type": "DATA",
                                                 "actions": ["books:read", "books:edit"]}]}
    assert az.ok(LIST, {"t": "USER", "i": user_id, "n": "default", "rt": "MENU"}) == {"totalCount": 0, "list": []}
    assert az.ok(LIST, {"t": "ROLE", "i": "r1", "n": "default"})["totalCount"] == 1
    assert az.code(LIST, {"t": "USER", "i": user_id, "rt": "FILE"}) == 2231
    assert az.code(LIST, {"t": "ROLE", "i": "nope"}) == 404
    assert az.code(LIST, {"t": "USER"}) == 2231
    role = az.ok('query { role(code: "r1") { authorizedResources { totalCount } } }')
    assert role["authorizedResources"]["totalCount"] == 1


def test_resource_type_comes_from_the_definition(az):
    user_id = az.user("u")
    az.rest("POST", "/api/v2/resources", {"namespace": "default", "code": "menu", "type": "MENU",
                                          "actions": [{"name": "menu:open", "description": "Open"}]})
    az.authorize("menu:home", "USER", user_id, ["menu:open"])
    az.ok('mutation($o: [AuthorizeResourceOpt]) { authorizeResource(resource: "btn", resourceType: BUTTON, opts: $o) '
          '{ code } }', {"o": [{"targetType": "USER", "targetIdentifier": user_id, "actions": ["click"]}]})
    listed = az.ok(LIST, {"t": "USER", "i": user_id, "n": "default"})["list"]
    assert [(r["code"], r["type"]) for r in listed] == [("menu:home", "MENU"), ("btn", "BUTTON")]


def test_revoke(az):
    u1, u2 = az.user("u1"), az.user("u2")
    for user_id in (u1, u2):
        az.authorize("books", "USER", user_id, ["books:read"])
        az.authorize("books:1", "USER", user_id, ["books:read", "books:edit"])
    revoke = {"namespace": "default", "resource": "books:1", "opts": [{"targetType": "USER", "targetIdentifier": u1}]}
    az.rest("POST", REVOKE, revoke)                                  # an item: the kind grant stays
    assert az.resources_of_user(u1) == {"books": ["books:read"]}
    assert az.resources_of_user(u2) == {"books": ["books:read"], "books:1": ["books:read", "books:edit"]}
    az.rest("POST", REVOKE, {"namespace": "default", "resource": "books:1",
                             "opts": [{"targetType": "USER", "targetIdentifier": u2, "actions": ["books:edit"]}]})
    assert az.resources_of_user(u2)["books:1"] == ["books:read"]
    az.rest("POST", REVOKE, {"namespace": "default", "resource": "books",
                             "opts": [{"targetType": "USER", "targetIdentifier": u2},
                                      {"targetType": "USER", "targetIdentifier": "nobody"}]})
    assert az.resources_of_user(u2) == {}                            # a kind takes its items too
    assert az.rest_code("POST", REVOKE, {"namespace": "default", "resource": "books", "opts": [{"x": 1}]}) == 2231
    assert az.rest_code("POST", REVOKE, {"namespace": "nowhere", "resource": "books", "opts": []}) == 3003


@pytest.mark.parametrize("granted, queried, expected", [
    (["books:*"], ["books:1"], [{"code": "books:1", "actions": ["books:read"]}]),
    (["books:1", "books:2"], ["books:2", "books:1"], [{"code": "books:2", "actions": ["books:read"]},
                                                      {"code": "books:1", "actions": ["books:read"]}]),
    (["books:1"], ["books:2"], []),
    (["books:1"], ["books:*"], []),
    (["books:*"], ["books:*"], [{"code": "books:*", "actions": ["books:read"]}]),
])
def test_check_resource_permission_batch(az, granted, queried, expected):
    user_id = az.user("u")
    for code in granted:
        az.authorize(code, "USER", user_id, ["books:read"])
    assert az.rest("POST", BATCH, {"userId": user_id, "namespace": "default", "resources": queried}) == expected


def test_batch_checks_errors_and_kinds(az):
    user_id = az.user("u")
    az.authorize("books:1", "USER", user_id, ["books:read"])
    az.authorize("books:2", "USER", user_id, ["books:edit"])
    az.authorize("books:*", "USER", user_id, ["books:list"])
    az.authorize("shelves:1", "USER", user_id, ["books:read"])
    assert az.rest("POST", KIND, {"userId": user_id, "namespace": "default", "resource": "books"}) == [
        {"code": "books:1", "actions": ["books:read"]}, {"code": "books:2", "actions": ["books:edit"]}]
    assert az.rest_code("POST", KIND, {"userId": user_id, "namespace": "default", "resource": "books:1"}) == 2231
    assert az.rest_code("POST", BATCH, {"userId": user_id, "namespace": "default", "resources": "books:1"}) == 2231
    assert az.rest_code("POST", BATCH, {"userId": "nobody", "namespace": "default", "resources": []}) == 2004
    assert az.rest_code("POST", BATCH, {"namespace": "default", "resources": []}) == 2231


def test_authorized_targets(az):
    u1 = az.user("u1")
    az.role("editor")
    az.authorize("books:1", "USER", u1, ["books:read"])
    az.authorize("books:1", "ROLE", "editor", ["books:read", "books:edit"])
    everyone = az.ok(TARGETS, {"r": "books:1", "rt": "DATA"})
    assert everyone == {"totalCount": 2, "list": [
        {"targetType": "USER", "targetIdentifier": u1, "actions": ["books:read"]},
        {"targetType": "ROLE", "targetIdentifier": "editor", "actions": ["books:read", "books:edit"]}]}
    both = az.ok(TARGETS, {"r": "books:1", "rt": "DATA", "a": {"op": "AND", "list": ["books:read", "books:edit"]}})
    assert [t["targetIdentifier"] for t in both["list"]] == ["editor"]
    either = az.ok(TARGETS, {"r": "books:1", "rt": "DATA", "a": {"op": "OR", "list": ["books:edit", "x"]}})
    assert either["totalCount"] == 1
    assert az.ok(TARGETS, {"r": "books:1", "rt": "DATA", "t": "USER"})["totalCount"] == 1
    assert az.ok(TARGETS, {"r": "books:1", "rt": "MENU"})["totalCount"] == 0


def test_resource_definitions(az):
    actions = [{"name": "books:read", "description": "Read"}, {"name": "books:edit", "description": None}]
    created = az.rest("POST", "/api/v2/resources", {"namespace": "default", "code": "books", "type": "DATA",
                                                    "actions": actions, "description": "Books"})
    assert created["id"] and created["actions"] == actions and created["namespace"] == "default"
    assert az.rest_code("POST", "/api/v2/resources", {"namespace": "default", "code": "books", "type": "DATA"}) == 2026
    assert az.rest_code("POST", "/api/v2/resources", {"namespace": "default", "code": "x", "type": "FILE"}) == 2231
    assert az.rest_code("POST", "/api/v2/resources", {"namespace": "default", "code": "x"}) == 2231
    assert az.rest_code("POST", "/api/v2/resources", {"namespace": "default", "code": "x", "type": "DATA",
                                                      "actions": [{"description": "no name"}]}) == 2231
    assert az.rest_code("POST", "/api/v2/resources", {"namespace": "nowhere", "code": "x", "type": "DATA"}) == 3003
    updated = az.rest("POST", "/api/v2/resources/books", {"namespace": "default", "type": "API",
                                                          "actions": actions[:1]})
    assert (updated["type"], updated["actions"], updated["description"]) == ("API", actions[:1], "Books")
    assert az.rest_code("POST", "/api/v2/resources/nope", {"namespace": "default"}) == 404
    page = az.rest("GET", "/api/v2/resources?namespace=default&type=API&page=1&limit=5")
    assert page["totalCount"] == 1 and page["list"][0]["code"] == "books"
    assert az.rest("GET", "/api/v2/resources?namespace=default&type=MENU")["totalCount"] == 0
    assert az.rest("GET", "/api/v2/resources/detail?id=" + created["id"])["code"] == "books"
    assert az.rest("GET", "/api/v2/resources/detail?namespace=default&code=books")["id"] == created["id"]
    assert az.rest("GET", "/api/v2/resources/detail?id=nope") is None
    assert az.rest("GET", "/api/v2/resources/by-code/books?namespace=default")["id"] == created["id"]
    assert az.rest("GET", "/api/v2/resources/by-code/nope") is None
    assert az.rest_code("GET", "/api/v2/resources/detail") == 2231


def test_deleting_a_resource_removes_its_grants(az):
    user_id = az.user("u")
    az.rest("POST", "/api/v2/resources", {"namespace": "default", "code": "books", "type": "DATA", "actions": []})
    for code in ("books", "books:1", "books:*", "booksellers:1"):
        az.authorize(code, "USER", user_id, ["x"])
    status, answer = az.c.request("DELETE", "/api/v2/resources/books?namespace=default")
    assert answer["code"] == 200
    assert az.resources_of_user(user_id) == {"booksellers:1": ["x"]}
    assert az.rest_code("DELETE", "/api/v2/resources/books?namespace=default") == 404


def test_authorize_resource_errors(az):
    user_id = az.user("u")
    doc = 'mutation($r: String, $o: [AuthorizeResourceOpt]) { authorizeResource(resource: $r, opts: $o) { code } }'
    opt = {"targetType": "USER", "targetIdentifier": user_id, "actions": ["a"]}
    assert az.code(doc, {"r": None, "o": [opt]}) == 2231
    assert az.code(doc, {"r": "x", "o": []}) == 2231
    assert az.code(doc, {"r": "x", "o": [dict(opt, targetIdentifier="nobody")]}) == 2004
    assert az.code(doc, {"r": "x", "o": [dict(opt, targetType="GROUP", targetIdentifier="nope")]}) == 404
    assert az.code(doc, {"r": "x", "o": [dict(opt, actions=["has space"])]}) == 2231
    assert az.rows("grants") == 0


def test_a_user_may_check_their_own_permissions_only(az):
    me, other = az.user("me"), az.user("other")
    az.authorize("books:1", "USER", me, ["books:read"])
    doc = 'query($u: String!) { isActionAllowed(userId: $u, resource: "books:1", action: "books:read") }'
    assert az.ok(doc, {"u": me}, token=az.emu.user_token(me)) is True
    assert az.code(doc, {"u": other}, token=az.emu.user_token(me)) == 1001
