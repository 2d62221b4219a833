"""End-user authentication: registration, password login, current user, password changes."""

from __future__ import annotations

import time
from typing import Any, Dict, Optional

import pytest

pytest.importorskip("graphql")

FIELDS = "id username email phone nickname token loginsCount lastLogin lastIP registerSource company"
REGISTER_USERNAME = "mutation($i: RegisterByUsernameInput!) { registerByUsername(input: $i) { %s } }" % FIELDS
REGISTER_EMAIL = "mutation($i: RegisterByEmailInput!) { registerByEmail(input: $i) { %s } }" % FIELDS
LOGIN_USERNAME = "mutation($i: LoginByUsernameInput!) { loginByUsername(input: $i) { %s } }" % FIELDS
LOGIN_EMAIL = "mutation($i: LoginByEmailInput!) { loginByEmail(input: $i) { %s } }" % FIELDS
LOGIN_PHONE = "mutation($i: LoginByPhonePasswordInput!) { loginByPhonePassword(input: $i) { %s } }" % FIELDS
UPDATE_PASSWORD = "mutation($n: String!, $o: String) { updatePassword(newPassword: $n, oldPassword: $o) { id } }"


def unique(prefix: str) -> str:
    return "%s%d" % (prefix, time.monotonic_ns())


class Auth:
    """An end-user client: no management token."""

    def __init__(self, emu: Any) -> None:
        self.emu = emu
        self.c = emu.client()

    def call(self, doc: str, inp: Dict[str, Any], token: Optional[str] = None) -> Dict[str, Any]:
        if "password" in inp and inp["password"] is not None:
            inp = dict(inp, password=self.emu.encrypt_password(inp["password"]))
        return self.c.graphql(doc, {"i": inp}, token=token)

    def ok(self, doc: str, inp: Dict[str, Any]) -> Dict[str, Any]:
        body = self.call(doc, inp)
        assert "errors" not in body, body
        return next(iter(body["data"].values()))


def error(body: Dict[str, Any]) -> Dict[str, Any]:
    assert body.get("errors"), body
    return body["errors"][0]["message"]


@pytest.fixture(scope="module")
def auth(approw_emulator):
    a = Auth(approw_emulator)
    yield a
    a.c.close()


# --- registration -------------------------------------------------------------------------------


def test_register_by_username_returns_the_user_without_a_token(auth):
    name = unique("reg")
    user = auth.ok(REGISTER_USERNAME, {"username": name, "password": "pw-reg-1", "profile": {"nickname": "Nick",
                                                                                             "company": "ACME"}})
    assert user["username"] == name and user["nickname"] == "Nick" and user["company"] == "ACME"
    assert user["token"] is None and user["loginsCount"] == 0 and user["lastLogin"] is None
    assert user["registerSource"] == ["basic:username-password"]
    assert error(auth.call(REGISTER_USERNAME, {"username": name, "password": "pw"}))["code"] == 2026


def test_register_by_email(auth):
    address = unique("Reg.Mail") + "@Example.COM"
    user = auth.ok(REGISTER_EMAIL, {"email": address, "password": "pw-reg-2"})
    assert user["email"] == address.lower() and user["token"] is None
    assert user["registerSource"] == ["basic:email"]
    assert error(auth.call(REGISTER_EMAIL, {"email": address.upper(), "password": "pw"}))["code"] == 2026


@pytest.mark.parametrize("address", ["no-at-sign", "two@@example.com", "x@nodot", "sp ace@example.com"])
def test_self_registration_checks_the_email_format(auth, address):
    assert error(auth.call(REGISTER_EMAIL, {"email": address, "password": "pw"}))["code"] == 2003


def test_force_login_logs_in_and_generate_token_only_issues_a_token(auth):
    forced = auth.ok(REGISTER_USERNAME, {"username": unique("force"), "password": "pw-f-1", "forceLogin": True,
                                         "clientIp": "10.1.2.3"})
    assert forced["token"] and forced["loginsCount"] == 1 and forced["lastLogin"] and forced["lastIP"] == "10.1.2.3"
    generated = auth.ok(REGISTER_EMAIL, {"email": unique("gen") + "@example.com", "password": "pw-g-1",
                                         "generateToken": True})
    assert generated["token"] and generated["loginsCount"] == 0 and generated["lastLogin"] is None
    for token in (forced["token"], generated["token"]):
        status, me = auth.c.get("/api/v2/users/me", token=token)
        assert me["code"] == 200


def test_registration_needs_an_encrypted_non_empty_password(auth):
    assert error(auth.call(REGISTER_USERNAME, {"username": unique("empty"), "password": ""}))["code"] == 2032
    body = auth.c.graphql(REGISTER_USERNAME, {"i": {"username": unique("plain"), "password": "plain"}})
    assert error(body)["code"] == 2016


def test_register_accepts_context_and_records_the_client_ip(auth):
    user = auth.ok(REGISTER_USERNAME, {"username": unique("ctx"), "password": "pw-c-1", "context": '{"a": 1}',
                                       "clientIp": "192.0.2.7"})
    assert user["lastIP"] == "192.0.2.7"


# --- login --------------------------------------------------------------------------------------


def test_login_by_username_counts_logins(auth):
    name = unique("login")
    auth.ok(REGISTER_USERNAME, {"username": name, "password": "pw-l-1"})
    first = auth.ok(LOGIN_USERNAME, {"username": name, "password": "pw-l-1"})
    second = auth.ok(LOGIN_USERNAME, {"username": name, "password": "pw-l-1", "clientIp": "198.51.100.9"})
    assert first["token"] and second["token"] and first["token"] != second["token"]
    assert (first["loginsCount"], second["loginsCount"]) == (1, 2)
    assert first["lastIP"] == "127.0.0.1" and second["lastIP"] == "198.51.100.9"
    assert second["lastLogin"] >= first["lastLogin"]


def test_unknown_user_is_2004_and_wrong_password_2006(auth):
    assert error(auth.call(LOGIN_USERNAME, {"username": unique("ghost"), "password": "x"})) == {
        "code": 2004, "message": "User does not exist"}
    name = unique("wrongpw")
    auth.ok(REGISTER_USERNAME, {"username": name, "password": "right-pw"})
    assert error(auth.call(LOGIN_USERNAME, {"username": name, "password": "wrong-pw"})) == {
        "code": 2006, "message": "Incorrect password"}
    assert error(auth.call(LOGIN_USERNAME, {"username": name.upper(), "password": "right-pw"}))["code"] == 2004


def test_login_by_email_is_case_insensitive(auth):
    address = unique("login.mail") + "@example.com"
    user = auth.ok(REGISTER_EMAIL, {"email": address, "password": "pw-e-1"})
    logged = auth.ok(LOGIN_EMAIL, {"email": address.upper(), "password": "pw-e-1"})
    assert logged["id"] == user["id"] and logged["token"]


@pytest.mark.parametrize(
    "doc, field, value",
    [
        (LOGIN_USERNAME, "username", "auto-user-%d"),
        (LOGIN_EMAIL, "email", "Auto.%d@Example.com"),
        (LOGIN_PHONE, "phone", "+1777%d"),
    ],
)
def test_auto_register_creates_and_logs_in(auth, doc, field, value):
    value = value % time.monotonic_ns()
    user = auth.ok(doc, {field: value, "password": "pw-auto-1", "autoRegister": True})
    assert user["token"] and user["loginsCount"] == 1
    assert user[field] == (value.lower() if field == "email" else value)
    again = auth.ok(doc, {field: value, "password": "pw-auto-1", "autoRegister": True})
    assert again["id"] == user["id"] and again["loginsCount"] == 2
    assert error(auth.call(doc, {field: value, "password": "other", "autoRegister": True}))["code"] == 2006


def test_login_by_phone_password(auth, approw_emulator):
    phone = unique("+1888")
    created = approw_emulator.create_user(phone=phone, password="pw-phone-1")
    assert auth.ok(LOGIN_PHONE, {"phone": phone, "password": "pw-phone-1"})["id"] == created["id"]


def test_a_user_without_password_cannot_log_in_with_one(auth, approw_emulator):
    name = unique("nopw")
    approw_emulator.create_user(username=name)
    assert error(auth.call(LOGIN_USERNAME, {"username": name, "password": ""}))["code"] == 2006


def test_a_blocked_user_cannot_log_in(auth, approw_emulator):
    name = unique("blocked")
    user = approw_emulator.create_user(username=name, password="pw-b-1")
    with approw_emulator.client(approw_emulator.management_token()) as admin:
        admin.graphql('mutation($id: String) { updateUser(id: $id, input: {blocked: true}) { id } }', {"id": user["id"]})
    assert error(auth.call(LOGIN_USERNAME, {"username": name, "password": "pw-b-1"})) == {
        "code": 2005, "message": "User has been locked"}


# --- current user -------------------------------------------------------------------------------


def test_current_user_returns_the_request_token(auth):
    name = unique("me")
    login = auth.ok(REGISTER_USERNAME, {"username": name, "password": "pw-me-1", "forceLogin": True})
    status, body = auth.c.get("/api/v2/users/me", token=login["token"])
    assert status == 200 and body["code"] == 200
    user = body["data"]
    assert user["id"] == login["id"] and user["username"] == name
    assert user["token"] == login["token"] and user["password"] is None
    assert user["tokenExpiredAt"] and user["loginsCount"] == 1 and user["identities"] == []


@pytest.mark.parametrize("token", [None, "", "garbage", "a.b.c"])
def test_current_user_without_a_valid_token_is_2020(auth, token):
    status, body = auth.c.get("/api/v2/users/me", token=token)
    assert status == 200 and body == {"code": 2020, "message": "Not logged in yet, no permission to access this request"}


# --- passwords ----------------------------------------------------------------------------------


def test_update_password(auth, approw_emulator):
    name = unique("chpw")
    token = auth.ok(REGISTER_USERNAME, {"username": name, "password": "old-pw-1", "forceLogin": True})["token"]
    enc = approw_emulator.encrypt_password

    def update(new: str, old: Optional[str], tok: Optional[str] = token) -> Dict[str, Any]:
        return auth.c.graphql(UPDATE_PASSWORD, {"n": enc(new), "o": enc(old) if old is not None else None}, token=tok)

    assert error(update("new-pw-2", "old-pw-1", tok=None))["code"] == 2020
    assert error(update("new-pw-2", None))["code"] == 2201
    assert error(update("new-pw-2", "not-it"))["code"] == 2203
    assert error(update("", "old-pw-1"))["code"] == 2231
    assert "errors" not in update("new-pw-2", "old-pw-1")
    assert error(auth.call(LOGIN_USERNAME, {"username": name, "password": "old-pw-1"}))["code"] == 2006
    assert auth.ok(LOGIN_USERNAME, {"username": name, "password": "new-pw-2"})["token"]


def test_a_user_without_password_may_set_one_without_the_old(auth, approw_emulator):
    name = unique("setpw")
    user = approw_emulator.create_user(username=name)
    token = approw_emulator.user_token(user["id"])
    body = auth.c.graphql(UPDATE_PASSWORD, {"n": approw_emulator.encrypt_password("first-pw-1")}, token=token)
    assert body["data"]["updatePassword"]["id"] == user["id"]
    assert auth.ok(LOGIN_USERNAME, {"username": name, "password": "first-pw-1"})["id"] == user["id"]


@pytest.mark.parametrize("password, valid", [("", False), ("Passw0rd!", True), ("x", True)])
def test_check_password_strength(auth, password, valid):
    body = auth.c.graphql("query($p: String!) { checkPasswordStrength(password: $p) { valid message } }",
                          {"p": password})
    result = body["data"]["checkPasswordStrength"]
    assert result["valid"] is valid and result["message"]


def test_concurrent_logins_of_one_user_are_all_counted(approw_emulator_fresh):
    import threading

    emu = approw_emulator_fresh
    user = emu.create_user(username="busy", password="pw-busy-1")
    tokens, failures = set(), []

    def work() -> None:
        with emu.client() as c:
            for _ in range(10):
                body = c.graphql(LOGIN_USERNAME, {"i": {"username": "busy", "password": emu.encrypt_password("pw-busy-1")}})
                if "errors" in body:
                    failures.append(body)
                else:
                    tokens.add(body["data"]["loginByUsername"]["token"])

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not failures and len(tokens) == 40
    with emu.client(emu.management_token()) as c:
        body = c.graphql('query($id: String) { user(id: $id) { loginsCount } }', {"id": user["id"]})
    assert body["data"]["user"]["loginsCount"] == 40
