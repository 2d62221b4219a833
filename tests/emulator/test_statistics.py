"""The statistics domain through HTTP: the analysis endpoints (paging, repeatable filters,
errors, who may read them) and what gets logged -- sign-ins of every kind, and changes in
the request path (GraphQL mutations and REST calls, by the management token or a user)."""

from urllib.parse import urlencode

import pytest

from browser import Browser
from token_helpers import LOGIN

USER_ACTIONS = "/api/v2/analysis/user-action"
AUDIT = "/api/v2/analysis/audit"


@pytest.fixture()
def emu(approw_emulator_fresh):
    return approw_emulator_fresh


def _login(emu, c, username, password):
    return c.graphql(LOGIN, {"i": {"username": username, "password": emu.encrypt_password(password)}})


def _names(body):
    assert body["code"] == 200, body
    return [e["operation_name"] for e in body["data"]["list"]]


def test_entries_paging_and_filters(emu):
    users = [emu.create_user(username="u%d" % i, password="pw123456") for i in range(3)]
    with emu.client() as c:
        for i in range(3):
            _login(emu, c, "u%d" % i, "pw123456")
        _login(emu, c, "u0", "wrong")
    with emu.client(emu.management_token()) as c:
        status, body = c.get(USER_ACTIONS)
        assert status == 200 and body["data"]["totalCount"] == 4 and len(body["data"]["list"]) == 4
        entry = body["data"]["list"][-1]
        assert entry["operation_name"] == "login" and entry["user"]["id"] == users[0]["id"]
        assert entry["operator_arn"] == "arn:cn:approw:%s:user:%s" % (emu.user_pool_id, users[0]["id"])
        assert entry["geoip"]["ip"] == entry["clientip"] == "127.0.0.1" and entry["app_id"] == emu.app_id
        assert entry["userpool_id"] == emu.user_pool_id and entry["timestamp"].endswith("Z")
        arns = "&".join("operator_arn=arn:cn:approw:%s:user:%s" % (emu.user_pool_id, u["id"]) for u in users[:2])
        assert _names(c.get(USER_ACTIONS + "?" + arns)[1]) == ["loginFailed", "login", "login"]
        assert _names(c.get(USER_ACTIONS + "?operation_name=loginFailed&operation_name=nothing")[1]) == \
            ["loginFailed"]
        assert _names(c.get(USER_ACTIONS + "?page=2&limit=3")[1]) == ["login"]
        assert _names(c.get(USER_ACTIONS + "?page=0&limit=1")[1]) == ["loginFailed"]       # page 0 = page 1
        assert _names(c.get(USER_ACTIONS + "?clientip=10.9.9.9")[1]) == []
        assert _names(c.get(USER_ACTIONS + "?operation_name=&clientip=")[1]) == _names(c.get(USER_ACTIONS)[1])
        for bad in ("?page=x", "?limit=0", "?limit=1001"):
            assert c.get(USER_ACTIONS + bad)[1]["code"] == 2231, bad


def test_who_may_read_the_logs(emu):
    user = emu.create_user(username="bob", password="pw123456")
    with emu.client(emu.user_token(user["id"])) as c:
        assert c.get(USER_ACTIONS)[1]["code"] == 1001 and c.get(AUDIT)[1]["code"] == 1001
    with emu.client() as c:
        assert c.get(USER_ACTIONS)[1]["code"] == 2020


def test_changes_are_logged_in_the_request_path(emu):
    admin = emu.management_token()
    with emu.client(admin) as c:
        created = c.graphql('mutation { createUser(userInfo: {username: "bob", password: "%s"}) { id arn } }'
                            % emu.encrypt_password("pw123456"))["data"]["createUser"]
        c.graphql('{ users { totalCount } }')                                                  # reads
        assert c.post("/api/v2/users/batch", {"ids": [created["id"]]})[1]["code"] == 200      # a POST that reads
        refused = c.graphql('mutation { createUser(userInfo: {username: "bob"}) { id } }')        # refused
        assert refused["errors"][0]["message"]["code"] == 2026
        assert c.post("/api/v2/env", {"key": "k", "value": 1})[1]["code"] == 200              # REST
        assert c.request("DELETE", "/api/v2/env/k")[1]["code"] == 200
        body = c.get(AUDIT)[1]
    assert _names(body) == ["removeEnv", "addEnv", "createUser"]
    entry = body["data"]["list"][-1]
    assert entry["operator_type"] == "admin" and entry["resource_type"] == "user"
    assert entry["resource_arn"] == created["arn"] and entry["resource_desc"] == "bob"
    assert entry["operator_arn"] == "arn:cn:approw:%s:userpool:%s" % (emu.user_pool_id, emu.user_pool_id)
    assert entry["operator_detail"]["displayName"] == "Administrator"
    with emu.client(emu.user_token(created["id"])) as c:                                      # a user's own change
        c.graphql('mutation { updateUser(id: "%s", input: {nickname: "B"}) { id } }' % created["id"])
    with emu.client(admin) as c:
        assert _names(c.get(USER_ACTIONS)[1]) == ["updateUser"]
        assert len(c.get(AUDIT)[1]["data"]["list"]) == 3


def test_sign_in_paths_are_logged(emu):
    emu.create_user(username="bob", password="pw123456", email="bob@example.com")
    with emu.client() as c:
        body = c.graphql('mutation($a: String!, $p: String!) { loginBySubAccount(account: $a, password: $p) '
                         '{ id } }', {"a": "bob@example.com", "p": "nope"})
        assert body["errors"][0]["message"]["code"] == 2006
        c.graphql('mutation { registerByUsername(input: {username: "amy", password: "%s", forceLogin: true}) '
                  '{ id } }' % emu.encrypt_password("pw123456"))
        c.graphql('mutation { loginByEmail(input: {email: "x@example.com", password: "%s", clientIp: "10.1.1.1"}) '
                  '{ id } }' % emu.encrypt_password("pw123456"))
    with emu.client(emu.management_token()) as c:
        body = c.get(USER_ACTIONS)[1]
    assert _names(body) == ["loginFailed", "login", "register", "loginFailed"]
    assert body["data"]["list"][0]["clientip"] == "10.1.1.1" and body["data"]["list"][0]["user"] is None
    assert body["data"]["list"][3]["operation_desc"] == "Incorrect password"


def test_the_login_page_is_logged_and_locked_out(emu):
    emu.create_user(username="olga", password="pw-olga")
    with emu.client(emu.management_token()) as c:
        c.graphql('mutation { updateUserpool(input: {loginFailCheck: {enabled: true, limit: 2}}) { id } }')
    url = "%s/oidc/auth?%s" % (emu.url, urlencode({
        "client_id": emu.app_id, "redirect_uri": "https://app.example.test/cb", "response_type": "code",
        "state": "s1", "scope": "openid"}))
    browser = Browser()
    page = browser.submit(browser.get(url), username="olga", password="pw-olga")
    assert page.status == 302                                                   # signed in
    browser = Browser()
    page = browser.get(url)
    for _ in range(2):
        page = browser.submit(page, username="olga", password="nope")
        assert "Incorrect" in page.text
    page = browser.submit(page, username="olga", password="pw-olga")
    assert page.status == 200 and "Too many failed sign-ins" in page.text
    with emu.client(emu.management_token()) as c:
        assert _names(c.get(USER_ACTIONS)[1]) == ["loginFailed", "loginFailed", "loginFailed", "login"]
