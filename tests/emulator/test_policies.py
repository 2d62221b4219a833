"""The policies domain over GraphQL: statements as written, built-in policies, assignments to
users, roles and groups, enabling and disabling them, errors."""

from __future__ import annotations

import pytest

from authz_helpers import Authz

pytest.importorskip("graphql")

READ = {"resource": "books:*", "actions": ["books:read", "books:list"], "effect": "ALLOW"}
DENY = {"resource": "books:1", "actions": ["books:read"], "effect": "DENY",
        "condition": [{"param": "SourceIp", "operator": "IpAddress", "value": "1.2.3.4"}]}
POLICY = "query($c: String!, $n: String) { policy(code: $c, namespace: $n) { namespace code isDefault description " \
         "statements { resource actions effect condition { param operator value } } assignmentsCount " \
         "assignments { code targetType targetIdentifier } } }"
ASSIGNMENTS = "query($c: String, $t: PolicyAssignmentTargetType, $i: String, $p: Int, $l: Int) " \
              "{ policyAssignments(code: $c, targetType: $t, targetIdentifier: $i, page: $p, limit: $l) " \
              "{ totalCount list { code targetType targetIdentifier } } }"
TOGGLE = "mutation($p: String!, $t: PolicyAssignmentTargetType!, $i: String!) " \
         "{ %s(policy: $p, targetType: $t, targetIdentifier: $i) { code } }"


@pytest.fixture
def az(approw_emulator_fresh):
    a = Authz(approw_emulator_fresh)
    yield a
    a.close()


def test_statements_are_kept_as_written(az):
    az.ok('mutation($s: [PolicyStatementInput!]!) { createPolicy(code: "books", description: "Books", statements: $s) '
          '{ code } }', {"s": [READ, DENY]})
    found = az.ok(POLICY, {"c": "books"})
    assert found["statements"] == [dict(READ, condition=None), DENY]
    assert (found["namespace"], found["isDefault"], found["description"], found["assignmentsCount"]) == \
        ("default", False, "Books", 0)
    plain = az.ok('mutation { createPolicy(code: "p2", statements: [{resource: "x", actions: ["y"]}]) '
                  '{ statements { effect } } }')
    assert plain["statements"] == [{"effect": "ALLOW"}]                      # the default effect
    updated = az.ok('mutation($s: [PolicyStatementInput!]) { updatePolicy(code: "books", statements: $s, '
                    'newCode: "library") { code statements { resource } } }', {"s": [READ]})
    assert updated == {"code": "library", "statements": [{"resource": "books:*"}]}
    assert az.ok(POLICY, {"c": "books"}) is None
    page = az.ok("query { policies { totalCount list { code } } }")
    assert page == {"totalCount": 2, "list": [{"code": "p2"}, {"code": "library"}]}       # built-ins left out
    all_of_them = az.ok("query { policies(excludeDefault: false) { totalCount list { code isDefault } } }")
    assert {"code": "AdministratorAccess", "isDefault": True} in all_of_them["list"]
    assert az.ok('mutation { deletePolicies(codeList: ["library", "p2"]) { code message } }') == {
        "code": 200, "message": "Deleted 2 policies"}


def test_errors(az):
    az.policy("p", [READ])
    create = 'mutation($c: String!, $s: [PolicyStatementInput!]!, $n: String) ' \
             '{ createPolicy(code: $c, statements: $s, namespace: $n) { code } }'
    assert az.code(create, {"c": "p", "s": [READ]}) == 2026
    assert az.code(create, {"c": "q", "s": []}) == 2231
    assert az.error(create, {"c": "q", "s": [{"resource": " ", "actions": ["a"]}]})["message"].startswith(
        "statements[0].resource must be")
    assert az.code(create, {"c": "q", "s": [{"resource": "x", "actions": []}]}) == 2231
    assert az.code(create, {"c": "q", "s": [{"resource": "x", "actions": ["a b"]}]}) == 2231
    assert az.code(create, {"c": "q", "s": [{"resource": "x", "actions": ["a"], "effect": "MAYBE"}]}) == 2231
    assert az.code(create, {"c": "q", "s": [READ], "n": "nowhere"}) == 3003
    assert az.code('mutation { updatePolicy(code: "nope", description: "x") { code } }') == 404
    assert az.code('mutation { updatePolicy(code: "AdministratorAccess", description: "x") { code } }') == 1001
    assert az.code('mutation { deletePolicy(code: "AdministratorAccess") { code } }') == 1001
    assert az.code('mutation { deletePolicies(codeList: ["p", "nope"]) { code } }') == 404
    assert az.ok(POLICY, {"c": "p"}) is not None
    user_id = az.user("u")
    add = 'mutation($p: [String!]!, $t: PolicyAssignmentTargetType!, $i: [String!]) ' \
          '{ addPolicyAssignments(policies: $p, targetType: $t, targetIdentifiers: $i) { code } }'
    assert az.code(add, {"p": ["nope"], "t": "USER", "i": [user_id]}) == 404
    assert az.code(add, {"p": ["p"], "t": "USER", "i": ["nobody"]}) == 2004
    assert az.code(add, {"p": ["p"], "t": "ROLE", "i": ["nope"]}) == 404
    assert az.code(add, {"p": ["p"], "t": "GROUP", "i": ["nope"]}) == 404
    assert az.code(add, {"p": ["p"], "t": "ORG", "i": ["node"]}) == 404
    assert az.code(add, {"p": ["p"], "t": "AK_SK", "i": ["ak"]}) == 404
    assert az.code(add, {"p": ["p"], "t": "USER", "i": []}) == 2231
    assert az.code(ASSIGNMENTS, {"c": "nope"}) == 404
    assert az.code(ASSIGNMENTS, {"i": user_id}) == 2231                # identifier without type
    assert az.code(TOGGLE % "enablePolicyAssignment", {"p": "p", "t": "USER", "i": user_id}) == 404


def test_assignments(az):
    az.policy("p", [READ])
    az.policy("q", [READ])
    user_id = az.user("u")
    az.role("admin")
    az.group("staff")
    for target_type, identifier in (("USER", user_id), ("ROLE", "admin"), ("GROUP", "staff")):
        az.assign_policy("p", target_type, identifier)
    az.ok('mutation($i: [String!]) { addPolicyAssignments(policies: ["p", "q"], targetType: USER, '
          'targetIdentifiers: $i) { code } }', {"i": [user_id]})          # again for p: no duplicate
    found = az.ok(POLICY, {"c": "p"})
    assert found["assignmentsCount"] == 3
    assert found["assignments"] == [{"code": "p", "targetType": "USER", "targetIdentifier": user_id},
                                    {"code": "p", "targetType": "ROLE", "targetIdentifier": "admin"},
                                    {"code": "p", "targetType": "GROUP", "targetIdentifier": "staff"}]
    assert az.ok(ASSIGNMENTS, {"t": "USER", "i": user_id})["totalCount"] == 2
    assert az.ok(ASSIGNMENTS, {"c": "p", "p": 2, "l": 2}) == {
        "totalCount": 3, "list": [{"code": "p", "targetType": "GROUP", "targetIdentifier": "staff"}]}
    az.ok('mutation { updateRole(code: "admin", newCode: "root") { code } }')
    assert az.ok(ASSIGNMENTS, {"t": "ROLE", "i": "root"})["list"][0]["targetIdentifier"] == "root"
    az.ok('mutation($i: [String!]) { removePolicyAssignments(policies: ["p", "q"], targetType: USER, '
          'targetIdentifiers: $i) { code } }', {"i": [user_id, "nobody"]})
    assert az.ok(ASSIGNMENTS, {"t": "USER", "i": user_id})["totalCount"] == 0


def test_disabled_assignments_stop_taking_effect(az):
    user_id = az.user("u")
    az.policy("p", [READ])
    az.assign_policy("p", "USER", user_id)
    assert az.allowed(user_id, "books:1", "books:read")
    assert az.ok(TOGGLE % "disbalePolicyAssignment", {"p": "p", "t": "USER", "i": user_id}) == {"code": 200}
    assert not az.allowed(user_id, "books:1", "books:read")
    assert az.ok(ASSIGNMENTS, {"c": "p"})["totalCount"] == 1                    # still listed
    az.ok(TOGGLE % "enablePolicyAssignment", {"p": "p", "t": "USER", "i": user_id})
    assert az.allowed(user_id, "books:1", "books:read")
