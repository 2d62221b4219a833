"""The org domain through HTTP: GraphQL operations the SDK does not use (``addNode``, members
by organisation and node code), permissions, the user's own organisation paths, import
checks and ordering."""
import pytest

ORG = "mutation($n: String!, $c: String) { createOrg(name: $n, code: $c) { id rootNode { id } nodes { id } } }"
ADD_V1 = ("mutation($o: String!, $p: String, $n: String!) { addNode(orgId: $o, parentNodeId: $p, name: $n) "
          "{ id nodes { id name } } }")
ADD = "mutation($o: String!, $p: String, $n: String!, $c: String) { addNodeV2(orgId: $o, parentNodeId: $p, " \
      "name: $n, code: $c) { id } }"
MEMBER_BY_CODE = ("mutation($o: String, $c: String, $u: [String!]!) { addMember(orgId: $o, nodeCode: $c, userIds: $u) "
                  "{ id users { totalCount } } }")
REMOVE_BY_CODE = ("mutation($o: String, $c: String, $u: [String!]!) { removeMember(orgId: $o, nodeCode: $c, "
                  "userIds: $u) { users { totalCount } } }")
MEMBER = "mutation($n: String, $u: [String!]!) { addMember(nodeId: $n, userIds: $u) { id } }"
ORGS = "query($s: SortByEnum) { orgs(page: 1, limit: 200, sortBy: $s) { totalCount list { id } } }"


@pytest.fixture()
def admin(approw_emulator):
    with approw_emulator.client(approw_emulator.management_token()) as c:
        yield c


def _data(body, field):
    assert "errors" not in body, body
    return body["data"][field]


def test_add_node_v1_returns_the_organisation(admin, unique):
    org = _data(admin.graphql(ORG, {"n": unique("Org")}), "createOrg")
    after = _data(admin.graphql(ADD_V1, {"o": org["id"], "p": None, "n": "Child"}), "addNode")
    assert after["id"] == org["id"] and [n["name"] for n in after["nodes"]][1:] == ["Child"]


def test_members_by_organisation_and_node_code(admin, approw_emulator, unique):
    org = _data(admin.graphql(ORG, {"n": unique("Org")}), "createOrg")
    _data(admin.graphql(ADD, {"o": org["id"], "p": org["rootNode"]["id"], "n": "Ops", "c": "ops"}), "addNodeV2")
    user = approw_emulator.create_user(username=unique("m"))
    added = _data(admin.graphql(MEMBER_BY_CODE, {"o": org["id"], "c": "ops", "u": [user["id"]]}), "addMember")
    assert added["users"]["totalCount"] == 1
    removed = _data(admin.graphql(REMOVE_BY_CODE, {"o": org["id"], "c": "ops", "u": [user["id"]]}), "removeMember")
    assert removed["users"]["totalCount"] == 0
    body = admin.graphql(MEMBER_BY_CODE, {"o": org["id"], "c": "nope", "u": [user["id"]]})
    assert body["errors"][0]["message"]["code"] == 404
    body = admin.graphql(MEMBER_BY_CODE, {"o": None, "c": None, "u": [user["id"]]})
    assert body["errors"][0]["message"]["code"] == 2231


def test_management_token_required(approw_emulator, login):
    _, token = login()
    with approw_emulator.client(token) as c:
        assert c.graphql(ORGS, {})["errors"][0]["message"]["code"] == 1001
        status, body = c.get("/api/v2/orgs/export")
        assert body["code"] == 1001
    with approw_emulator.client() as c:
        assert c.graphql(ORGS, {})["errors"][0]["message"]["code"] == 2020


def test_my_orgs_and_another_users_orgs(admin, approw_emulator, login, unique):
    user_id, token = login()
    org = _data(admin.graphql(ORG, {"n": unique("Org")}), "createOrg")
    _data(admin.graphql(MEMBER, {"n": org["rootNode"]["id"], "u": [user_id]}), "addMember")
    other = approw_emulator.create_user(username=unique("other"))
    with approw_emulator.client(token) as c:
        status, body = c.get("/api/v2/users/me/orgs")
        assert [[n["id"] for n in path] for path in body["data"]] == [[org["rootNode"]["id"]]]
        assert c.get(f"/api/v2/users/{user_id}/orgs")[1]["code"] == 200       # oneself
        assert c.get(f"/api/v2/users/{other['id']}/orgs")[1]["code"] == 1001  # someone else
    assert admin.get(f"/api/v2/users/{other['id']}/orgs")[1]["data"] == []
    assert admin.get("/api/v2/users/000000000000000000000000/orgs")[1]["code"] == 2004


def test_orgs_are_paged_and_sorted(admin, unique):
    first = _data(admin.graphql(ORG, {"n": unique("Org")}), "createOrg")["id"]
    second = _data(admin.graphql(ORG, {"n": unique("Org")}), "createOrg")["id"]
    newest = [o["id"] for o in _data(admin.graphql(ORGS, {"s": None}), "orgs")["list"]]
    oldest = [o["id"] for o in _data(admin.graphql(ORGS, {"s": "CREATEDAT_ASC"}), "orgs")["list"]]
    assert newest.index(second) < newest.index(first) and oldest.index(first) < oldest.index(second)


@pytest.mark.parametrize("body, message", [
    ({"filetype": "csv", "file": {"name": "x"}}, "filetype"),
    ({"filetype": "json", "file": "[1, 2"}, "not valid JSON"),
    ({"filetype": "json", "file": []}, "object with a name"),
    ({"filetype": "json", "file": {"name": "x", "children": {"name": "y"}}}, "children must be a list"),
    ({"filetype": "json", "file": {"name": "x", "order": -1}}, "order"),
    ({"filetype": "json", "file": {"name": "x", "code": "a b"}}, "code"),
    ({"filetype": "json", "file": {"name": "x", "members": "u1"}}, "members"),
])
def test_import_refuses_malformed_trees(admin, body, message):
    status, answer = admin.post("/api/v2/orgs/import", body)
    assert answer["code"] == 2231 and message in answer["message"]


def test_import_refuses_unknown_members_and_creates_nothing(admin):
    before = _data(admin.graphql(ORGS, {"s": None}), "orgs")["totalCount"]
    status, answer = admin.post("/api/v2/orgs/import", {"file": {"name": "x", "members": ["nobody"]}})
    assert answer["code"] == 2004
    assert _data(admin.graphql(ORGS, {"s": None}), "orgs")["totalCount"] == before


def test_import_refuses_too_deep_trees(admin):
    tree = {"name": "n"}
    for _ in range(70):
        tree = {"name": "n", "children": [tree]}
    status, answer = admin.post("/api/v2/orgs/import", {"file": tree})
    assert answer["code"] == 2231 and "levels" in answer["message"]


def test_deleting_a_user_removes_their_memberships(admin, approw_emulator, unique):
    org = _data(admin.graphql(ORG, {"n": unique("Org")}), "createOrg")
    user = approw_emulator.create_user(username=unique("gone"))
    _data(admin.graphql(MEMBER, {"n": org["rootNode"]["id"], "u": [user["id"]]}), "addMember")
    admin.graphql("mutation($id: String!) { deleteUser(id: $id) { code } }", {"id": user["id"]})
    members = admin.graphql("query($id: String!) { nodeById(id: $id) { users { totalCount } } }",
                            {"id": org["rootNode"]["id"]})
    assert _data(members, "nodeById")["users"]["totalCount"] == 0


def test_users_excluding_those_in_an_organisation(admin, approw_emulator, unique):
    org = _data(admin.graphql(ORG, {"n": unique("Org")}), "createOrg")
    inside, outside = (approw_emulator.create_user(username=unique("u")) for _ in range(2))
    _data(admin.graphql(MEMBER, {"n": org["rootNode"]["id"], "u": [inside["id"]]}), "addMember")
    query = "query($x: Boolean) { users(page: 1, limit: 1000, excludeUsersInOrg: $x) { list { id } } }"
    everyone = [u["id"] for u in _data(admin.graphql(query, {"x": False}), "users")["list"]]
    free = [u["id"] for u in _data(admin.graphql(query, {"x": True}), "users")["list"]]
    assert inside["id"] in everyone and outside["id"] in everyone
    assert inside["id"] not in free and outside["id"] in free
