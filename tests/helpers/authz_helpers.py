"""A management-token client for the emulator tests of the authorization model (namespaces,
groups, roles, policies, ACL): GraphQL and REST calls that must succeed (``ok``, ``rest``) or
fail with a code (``code``, ``rest_code``), and row counts of the emulator's tables (to prove
nothing is left dangling)."""

from __future__ import annotations

from typing import Any, Dict, Optional


class Authz:
    def __init__(self, emu: Any) -> None:
        self.emu = emu
        self.c = emu.client(emu.management_token())

    def close(self) -> None:
        self.c.close()

    # --- GraphQL
    def gql(self, doc: str, variables: Optional[Dict[str, Any]] = None, **kw: Any) -> Dict[str, Any]:
        return self.c.graphql(doc, variables, **kw)

    def ok(self, doc: str, variables: Optional[Dict[str, Any]] = None, **kw: Any) -> Any:
        body = self.gql(doc, variables, **kw)
        assert "errors" not in body, body
        return next(iter(body["data"].values()))

    def error(self, doc: str, variables: Optional[Dict[str, Any]] = None, **kw: Any) -> Dict[str, Any]:
        body = self.gql(doc, variables, **kw)
        assert body.get("errors"), body
        return body["errors"][0]["message"]

    def code(self, doc: str, variables: Optional[Dict[str, Any]] = None, **kw: Any) -> int:
        return int(self.error(doc, variables, **kw)["code"])

    # --- REST
    def rest(self, method: str, path: str, body: Any = None) -> Any:
        status, answer = self.c.request(method, path, body)
        assert status == 200 and answer["code"] == 200, answer
        return answer.get("data")

    def rest_code(self, method: str, path: str, body: Any = None) -> int:
        status, answer = self.c.request(method, path, body)
        assert status == 200 and answer["code"] != 200, answer
        return int(answer["code"])

    # --- objects
    def user(self, name: str) -> str:
        return str(self.emu.create_user(username=name)["id"])

    def role(self, code: str, namespace: Optional[str] = None, parent: Optional[str] = None) -> Dict[str, Any]:
        return self.ok("mutation($c: String!, $n: String, $p: String) "
                       "{ createRole(code: $c, namespace: $n, parent: $p) { id code namespace } }",
                       {"c": code, "n": namespace, "p": parent})

    def group(self, code: str) -> Dict[str, Any]:
        return self.ok("mutation($c: String!) { createGroup(code: $c, name: $c) { code } }", {"c": code})

    def namespace(self, code: str) -> Dict[str, Any]:
        return self.rest("POST", "/api/v2/resource-namespace/%s" % self.emu.user_pool_id, {"code": code, "name": code})

    def assign(self, roles: Any, **holders: Any) -> Any:
        return self.ok("mutation($r: [String], $u: [String!], $g: [String!], $n: [String!], $ns: String) "
                       "{ assignRole(roleCodes: $r, userIds: $u, groupCodes: $g, nodeCodes: $n, namespace: $ns) "
                       "{ code } }", {"r": roles, "u": holders.get("users"), "g": holders.get("groups"),
                                      "n": holders.get("nodes"), "ns": holders.get("namespace")})

    def add_to_group(self, code: str, *user_ids: str) -> Any:
        return self.ok("mutation($u: [String!]!, $c: String) { addUserToGroup(userIds: $u, code: $c) { code } }",
                       {"u": list(user_ids), "c": code})

    def authorize(self, resource: str, target_type: str, identifier: str, actions: Any,
                  namespace: str = "default") -> Any:
        return self.ok("mutation($n: String, $r: String, $o: [AuthorizeResourceOpt]) "
                       "{ authorizeResource(namespace: $n, resource: $r, opts: $o) { code } }",
                       {"n": namespace, "r": resource,
                        "o": [{"targetType": target_type, "targetIdentifier": identifier, "actions": actions}]})

    def policy(self, code: str, statements: Any, namespace: Optional[str] = None) -> Any:
        return self.ok("mutation($c: String!, $s: [PolicyStatementInput!]!, $n: String) "
                       "{ createPolicy(code: $c, statements: $s, namespace: $n) { code } }",
                       {"c": code, "s": statements, "n": namespace})

    def assign_policy(self, code: str, target_type: str, identifier: str, namespace: Optional[str] = None) -> Any:
        return self.ok("mutation($p: [String!]!, $t: PolicyAssignmentTargetType!, $i: [String!], $n: String) "
                       "{ addPolicyAssignments(policies: $p, targetType: $t, targetIdentifiers: $i, namespace: $n) "
                       "{ code } }", {"p": [code], "t": target_type, "i": [identifier], "n": namespace})

    def allowed(self, user_id: str, resource: str, action: str, namespace: Optional[str] = None) -> bool:
        return bool(self.ok("query($u: String!, $r: String!, $a: String!, $n: String) "
                            "{ isActionAllowed(userId: $u, resource: $r, action: $a, namespace: $n) }",
                            {"u": user_id, "r": resource, "a": action, "n": namespace}))

    def resources_of_user(self, user_id: str, namespace: Optional[str] = None) -> Dict[str, Any]:
        user = self.ok("query($u: String, $n: String) { user(id: $u) { authorizedResources(namespace: $n) "
                       "{ totalCount list { code type actions } } } }", {"u": user_id, "n": namespace})
        return {r["code"]: r["actions"] for r in user["authorizedResources"]["list"]}

    # --- tables
    def rows(self, table: str, where: str = "1", *params: Any) -> int:
        row = self.emu.store.fetch_one("SELECT count(*) FROM %s WHERE %s" % (table, where), params)
        return int(row[0])
