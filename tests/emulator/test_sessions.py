"""Sessions: revocation of a user's tokens (deletion, tokenExpiredAt, the fixture), login status, kick."""

from __future__ import annotations

import pytest

pytest.importorskip("graphql")
from token_helpers import me  # noqa: E402


def test_deleting_a_user_invalidates_their_tokens(emu, login):
    user_id, token = login()
    with emu.client(emu.management_token()) as c:
        assert c.graphql('mutation { deleteUser(id: "%s") { code } }' % user_id)["data"]["deleteUser"]["code"] == 200
    assert me(emu, token)["code"] == 2020


def test_old_sdk_logout_by_token_expired_at_zero(emu, login):
    """78e8afd logged out with updateUser(input: {tokenExpiredAt: "0"}) and the user token."""
    user_id, token = login()
    with emu.client(token) as c:
        body = c.graphql('mutation($id: String) { updateUser(id: $id, input: {tokenExpiredAt: "0"}) { id tokenExpiredAt } }',
                         {"id": user_id})
    assert body["data"]["updateUser"]["tokenExpiredAt"] == "1970-01-01T00:00:00.000Z"
    assert me(emu, token)["code"] == 2020


def test_the_fixture_can_revoke_all_tokens_of_a_user(emu, login):
    user_id, token = login()
    assert emu.revoke_tokens(user_id) >= 1
    assert me(emu, token)["code"] == 2020


def test_sessions_login_status_kick_and_admin_logout(emu, login):
    user_id, token = login()
    admin = emu.client(emu.management_token())
    try:
        status = admin.get("/api/v2/users/login-status?userId=%s&appId=%s" % (user_id, emu.app_id))[1]
        assert status["code"] == 200 and status["data"]["isLogin"] is True
        assert [a["id"] for a in status["data"]["application"]] == [emu.app_id]
        assert status["data"]["user"]["id"] == user_id
        assert admin.get("/logout?userId=%s&appId=%s" % (user_id, emu.app_id))[1]["code"] == 200
        assert me(emu, token)["code"] == 2020
        assert admin.get("/api/v2/users/login-status?userId=" + user_id)[1]["data"]["isLogin"] is False

        second = emu.user_token(user_id)
        assert admin.post("/api/v2/users/kick", {"userIds": [user_id, "userId"]})[1]["code"] == 200
        assert me(emu, second)["code"] == 2020

        third = emu.user_token(user_id)
        body = admin.post("/api/v2/applications/%s/kick-active-users" % emu.app_id, {"userIds": [user_id]})[1]
        assert body["code"] == 200 and me(emu, third)["code"] == 2020

        assert admin.get("/api/v2/users/login-status?userId=000000000000000000000000")[1]["code"] == 2004
        assert admin.get("/api/v2/users/login-status")[1]["code"] == 2231
        assert admin.post("/api/v2/users/kick", {"userIds": "x"})[1]["code"] == 2231
        assert admin.get("/logout")[1]["code"] == 2231
    finally:
        admin.close()
    with emu.client(emu.user_token(user_id)) as c:  # a user token is not enough
        assert c.post("/api/v2/users/kick", {"userIds": [user_id]})[1]["code"] == 1001
