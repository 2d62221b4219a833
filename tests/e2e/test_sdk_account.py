"""AuthenticationClient end to end: passwords (change, strength, resets by code and by the
tokens of required changes), refreshing the token, linking a social account."""

import pytest

from approw.v2.authentication import AuthenticationClient
from approw.v2.exceptions import ApprowException, ApprowWrongArgumentException

GQL_CREATE = """mutation($u: CreateUserInput!, $r: Boolean, $i: CreateUserIdentityInput) {
  createUser(userInfo: $u, resetPasswordOnFirstLogin: $r, identity: $i) { id } }"""


def _login(auth_options, name, password):
    client = AuthenticationClient(auth_options())
    client.login_by_username(name, password)
    return client


def test_update_password(authentication, auth_options, approw_emulator, unique):
    name = unique()
    approw_emulator.create_user(username=name, password="old-passw0rd")
    client = _login(auth_options, name, "old-passw0rd")
    user = client.update_password("new-passw0rd", "old-passw0rd")
    assert user["username"] == name
    with pytest.raises(ApprowException) as ei:
        _login(auth_options, name, "old-passw0rd")
    assert ei.value.code == 2006
    client = _login(auth_options, name, "new-passw0rd")
    with pytest.raises(ApprowException) as ei:
        client.update_password("third-passw0rd", "wrong")
    assert ei.value.code == 2203
    with pytest.raises(ApprowException) as ei:
        client.update_password("third-passw0rd")          # has a password: the old one is needed
    assert ei.value.code == 2201


def test_update_password_without_an_old_one(authentication, approw_emulator, new_phone):
    phone = new_phone()
    authentication.send_sms_code(phone)
    authentication.login_by_phone_code(phone, approw_emulator.last_code(phone))
    authentication.update_password("first-passw0rd")           # no password yet: none needed
    assert authentication.login_by_phone_password(phone, "first-passw0rd")["phone"] == phone


def test_check_password_strength(authentication):
    result = authentication.check_password_strength("Passw0rd!")
    assert result["valid"] is True and "medium" in result["message"]
    empty = authentication.check_password_strength("")
    assert empty["valid"] is False and empty["message"]


def test_reset_password_by_email_code(authentication, auth_options, approw_emulator, unique):
    email = unique("reset") + "@example.org"
    approw_emulator.create_user(email=email, password="old-passw0rd")
    assert authentication.send_email(email, "RESET_PASSWORD")["code"] == 200
    message = approw_emulator.outbox(email)[-1]
    assert (message["channel"], message["scene"]) == ("email", "RESET_PASSWORD")
    result = authentication.reset_password_by_email_code(email, message["code"], "new-passw0rd")
    assert result["code"] == 200
    with pytest.raises(ApprowException) as ei:                         # old password refused
        AuthenticationClient(auth_options()).login_by_email(email, "old-passw0rd")
    assert ei.value.code == 2006
    assert AuthenticationClient(auth_options()).login_by_email(email, "new-passw0rd")["email"] == email
    with pytest.raises(ApprowException) as ei:                         # the code was used
        authentication.reset_password_by_email_code(email, message["code"], "other-passw0rd")
    assert ei.value.code == 2001


def test_reset_password_code_of_another_scene_is_refused(authentication, approw_emulator, unique):
    email = unique("scene") + "@example.org"
    approw_emulator.create_user(email=email, password="old-passw0rd")
    authentication.send_email(email, "VERIFY_EMAIL")
    with pytest.raises(ApprowException) as ei:
        authentication.reset_password_by_email_code(email, approw_emulator.last_code(email), "new-passw0rd")
    assert ei.value.code == 2001
    with pytest.raises(ApprowException) as ei:                         # no such account
        authentication.reset_password_by_email_code(unique("none") + "@example.org", "1234", "x-passw0rd")
    assert ei.value.code == 2004
    with pytest.raises(ApprowWrongArgumentException):
        authentication.send_email(email, "WHATEVER")


def test_reset_password_by_phone_code(authentication, auth_options, approw_emulator, new_phone):
    phone = new_phone()
    approw_emulator.create_user(phone=phone, password="old-passw0rd")
    authentication.send_sms_code(phone)
    result = authentication.reset_password_by_phone_code(phone, approw_emulator.last_code(phone), "new-passw0rd")
    assert result["code"] == 200
    with pytest.raises(ApprowException):
        AuthenticationClient(auth_options()).login_by_phone_password(phone, "old-passw0rd")
    assert AuthenticationClient(auth_options()).login_by_phone_password(phone, "new-passw0rd")["phone"] == phone


def test_reset_password_by_first_login_token(authentication, auth_options, approw_emulator, unique):
    name = unique("first")
    admin = approw_emulator.client(approw_emulator.management_token())
    body = admin.graphql(GQL_CREATE, {"u": {"username": name, "password": approw_emulator.encrypt_password(
        "temp-passw0rd")}, "r": True})
    assert "errors" not in body, body
    with pytest.raises(ApprowException) as ei:
        authentication.login_by_username(name, "temp-passw0rd")
    assert ei.value.code == 1639 and ei.value.data["token"]
    token = ei.value.data["token"]
    assert authentication.reset_password_by_first_login_token(token, "mine-passw0rd")["code"] == 200
    assert authentication.login_by_username(name, "mine-passw0rd")["token"]
    with pytest.raises(ApprowException) as ei:                        # used once
        authentication.reset_password_by_first_login_token(token, "again-passw0rd")
    assert ei.value.code == 2207


def test_reset_password_by_force_reset_token(authentication, approw_emulator, unique):
    name = unique("force")
    user = approw_emulator.create_user(username=name, password="aged-passw0rd")
    approw_emulator.require_password_change(user["id"])
    with pytest.raises(ApprowException) as ei:
        authentication.login_by_username(name, "aged-passw0rd")
    assert ei.value.code == 1640
    token = ei.value.data["token"]
    with pytest.raises(ApprowException) as ei:
        authentication.reset_password_by_force_reset_token(token, "wrong-passw0rd", "fresh-passw0rd")
    assert ei.value.code == 2203
    with pytest.raises(ApprowException) as ei:                        # a token of the other kind
        authentication.reset_password_by_first_login_token(token, "fresh-passw0rd")
    assert ei.value.code == 2207
    result = authentication.reset_password_by_force_reset_token(token, "aged-passw0rd", "fresh-passw0rd")
    assert result["code"] == 200
    assert authentication.login_by_username(name, "fresh-passw0rd")["username"] == name


def test_refresh_token(authentication, auth_options, unique):
    name = unique()
    authentication.register_by_username(name, "passw0rd")
    old = authentication.login_by_username(name, "passw0rd")["token"]
    fresh = authentication.refresh_token()
    assert fresh["token"] != old and fresh["exp"] > fresh["iat"]
    assert authentication._token == fresh["token"]
    assert AuthenticationClient(auth_options(token=fresh["token"])).get_current_user()["username"] == name
    other = AuthenticationClient(auth_options()).refresh_token(old)    # a given token
    assert other["token"]
    with pytest.raises(ApprowException) as ei:
        AuthenticationClient(auth_options()).refresh_token()           # none at all
    assert ei.value.code == 2020


def _social_user(approw_emulator, provider, user_id_in_idp):
    admin = approw_emulator.client(approw_emulator.management_token())
    body = admin.graphql(GQL_CREATE, {"u": {"nickname": "social"}, "i": {
        "provider": provider, "userIdInIdp": user_id_in_idp, "isSocial": True}})
    assert "errors" not in body, body
    return body["data"]["createUser"]["id"]


def test_link_and_unlink_account(authentication, approw_emulator, unique):
    name = unique("primary")
    primary = approw_emulator.create_user(username=name, password="passw0rd")
    primary_token = authentication.login_by_username(name, "passw0rd")["token"]
    social_id = _social_user(approw_emulator, "wechat", unique("wx"))
    social_token = approw_emulator.user_token(social_id)

    assert authentication.link_account(primary_token, social_token) is True
    assert [i["provider"] for i in authentication.get_current_user()["identities"]] == ["wechat"]
    admin = approw_emulator.client(approw_emulator.management_token())
    gone = admin.graphql("query($id: String!) { user(id: $id) { id } }", {"id": social_id})
    assert gone["data"]["user"] is None                      # the social-only account is merged
    with pytest.raises(ApprowException) as ei:               # its token died with it
        authentication.link_account(primary_token, social_token)
    assert ei.value.code == 2207

    assert authentication.unlink_account(primary_token, "wechat") is True
    assert authentication.get_current_user()["identities"] == []
    with pytest.raises(ApprowException) as ei:
        authentication.unlink_account(primary_token, "wechat")
    assert ei.value.code == 2216
    assert primary["id"] == authentication._user["id"]


def test_unlink_refuses_the_last_login_method(authentication, approw_emulator, unique):
    social_id = _social_user(approw_emulator, "github", unique("gh"))
    token = approw_emulator.user_token(social_id)
    with pytest.raises(ApprowException) as ei:
        authentication.unlink_account(token, "github")
    assert ei.value.code == 2217
