"""list_orgs against a real organisation (runs once the emulator has its organisations
domain): the user's department comes back as a path from the root."""

import pytest

from approw.v2.authentication import AuthenticationClient

pytest.importorskip("approw.emulator.domains.org")

CREATE_ORG = "mutation($n: String!) { createOrg(name: $n) { id rootNode { id } } }"
ADD_NODE = ("mutation($o: String!, $p: String, $n: String!) { addNodeV2(orgId: $o, parentNodeId: $p, name: $n) "
            "{ id } }")
ADD_MEMBER = "mutation($n: String, $u: [String!]!) { addMember(nodeId: $n, userIds: $u) { id } }"


def test_list_orgs_of_a_member(auth_options, approw_emulator, unique):
    emu = approw_emulator
    name = unique("member")
    user = emu.create_user(username=name, password="passw0rd")
    admin = emu.client(emu.management_token())
    org = admin.graphql(CREATE_ORG, {"n": unique("org")})["data"]["createOrg"]
    node = admin.graphql(ADD_NODE, {"o": org["id"], "p": org["rootNode"]["id"], "n": "Sales"})["data"]["addNodeV2"]
    assert "errors" not in admin.graphql(ADD_MEMBER, {"n": node["id"], "u": [user["id"]]})
    client = AuthenticationClient(auth_options())
    client.login_by_username(name, "passw0rd")
    (path,) = client.list_orgs()
    assert [n["id"] for n in path] == [org["rootNode"]["id"], node["id"]]
