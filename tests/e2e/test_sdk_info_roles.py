"""list_roles, has_role and list_authorized_resources against real roles and grants (they run
once the emulator has its roles domain)."""

import pytest

from approw.v2.authentication import AuthenticationClient

pytest.importorskip("approw.emulator.domains.roles")

CREATE_ROLE = "mutation($c: String!) { createRole(code: $c) { code } }"
ASSIGN = "mutation($c: String!, $u: [String!]) { assignRole(roleCode: $c, userIds: $u) { code } }"
ALLOW = ('mutation($r: String!, $u: String) { allow(resource: $r, action: "books:read", userId: $u, '
         'namespace: "default") { code } }')


def test_roles_and_resources_of_the_current_user(auth_options, approw_emulator, unique):
    emu = approw_emulator
    name, role = unique("roled"), unique("role")
    user = emu.create_user(username=name, password="passw0rd")
    admin = emu.client(emu.management_token())
    for doc, variables in ((CREATE_ROLE, {"c": role}), (ASSIGN, {"c": role, "u": [user["id"]]}),
                           (ALLOW, {"r": "books:1", "u": user["id"]})):
        body = admin.graphql(doc, variables)
        assert "errors" not in body, body
    client = AuthenticationClient(auth_options())
    client.login_by_username(name, "passw0rd")
    roles = client.list_roles()
    assert roles["totalCount"] == 1 and roles["list"][0]["code"] == role
    assert client.has_role(role) is True and client.has_role(unique("other")) is False
    resources = client.list_authorized_resources("default")
    assert "books:1" in [r["code"] for r in resources["list"]]
