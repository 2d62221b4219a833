"""list_applications against real applications (runs once the emulator has its applications
domain): an application the pool's default policy lets everyone use is listed."""

import pytest

from approw.v2.authentication import AuthenticationClient

pytest.importorskip("approw.emulator.domains.applications")


def test_list_applications_includes_a_new_application(auth_options, approw_emulator, unique):
    emu = approw_emulator
    name = unique("appuser")
    emu.create_user(username=name, password="passw0rd")
    admin = emu.client(emu.management_token())
    status, body = admin.post("/api/v2/applications", {"name": unique("app"), "identifier": unique("app"),
                                                       "redirectUris": ["https://example.org/cb"]})
    assert body["code"] == 200, body
    client = AuthenticationClient(auth_options())
    client.login_by_username(name, "passw0rd")
    listed = client.list_applications(page=1, limit=100)
    assert body["data"]["id"] in [a["id"] for a in listed["list"]]
