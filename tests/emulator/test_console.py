"""The web console over plain HTTP: who may use it (loopback, pool secret, CSRF, same origin,
no CORS, no framing) and every page answering (the browser flows are in
test_console_browser.py)."""
import http.client
import re
from urllib.parse import urlencode, urlsplit

import pytest

pytest.importorskip("graphql")

from approw.emulator.domains.console import guard  # noqa: E402

UI = "/_emulator/ui"


class Http:
    def __init__(self, emu):
        self.netloc = urlsplit(emu.url).netloc
        self.cookie = None

    def request(self, method, path, form=None, **headers):
        conn = http.client.HTTPConnection(self.netloc, timeout=10)
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookie:
            headers["Cookie"] = self.cookie
        try:
            conn.request(method, path, body=body, headers=headers)
            answer = conn.getresponse()
            return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read().decode()
        finally:
            conn.close()

    def sign_in(self, secret):
        status, headers, _ = self.request("POST", UI + "/signin", {"secret": secret, "next": UI + "/users"})
        assert status == 303 and headers["location"] == UI + "/users"
        self.cookie = headers["set-cookie"].split(";", 1)[0]

    def csrf(self, path=UI + "/users"):
        return re.search(r'name="csrf" value="([^"]+)"', self.request("GET", path)[2]).group(1)


@pytest.fixture()
def web(approw_emulator_fresh):
    return approw_emulator_fresh, Http(approw_emulator_fresh)


def test_sign_in_with_the_pool_secret_only(web):
    emu, client = web
    status, headers, _ = client.request("GET", UI + "/users")
    assert status == 303 and headers["location"].startswith(UI + "/signin?next=")
    status, _, body = client.request("POST", UI + "/signin", {"secret": "wrong"})
    assert status == 401 and "not the secret" in body
    status, headers, _ = client.request("POST", UI + "/signin", {"secret": emu.secret, "next": "https://evil.test/"})
    assert headers["location"] == UI + "/"                                # never off the console
    client.sign_in(emu.secret)
    assert "HttpOnly" in client.request("POST", UI + "/signin", {"secret": emu.secret})[1]["set-cookie"]
    status, headers, _ = client.request("GET", UI + "/signout")
    assert status == 303 and "Max-Age=0" in headers["set-cookie"]
    assert client.request("GET", UI + "/users")[0] == 303                  # the session ended


def test_every_page_answers_without_cors_and_unframed(web):
    emu, client = web
    client.sign_in(emu.secret)
    emu.create_user(username="pages", email="p@example.test")
    user_id = emu.create_user(username="detail")["id"]
    for path in ("/", "/users", "/users?q=pag", "/users/" + user_id, "/access", "/orgs", "/apps", "/outbox",
                 "/outbox.json", "/tokens", "/activity", "/console.js"):
        status, headers, body = client.request("GET", UI + path)
        assert status == 200, (path, body[:200])
        assert "access-control-allow-origin" not in headers, path
        if path != "/console.js":
            assert headers["x-frame-options"] == "DENY" and "frame-ancestors 'none'" in headers[
                "content-security-policy"]
    assert client.request("OPTIONS", UI + "/users", Origin="https://evil.test")[0] == 403
    assert "access-control-allow-origin" in client.request("GET", "/api/v2/.well-known")[1]   # the API keeps CORS
    assert client.request("GET", UI + "/users/nope")[0] == 404


def test_posts_need_the_csrf_token_and_the_same_origin(web):
    emu, client = web
    client.sign_in(emu.secret)
    form = {"username": "csrf-victim"}
    assert client.request("POST", UI + "/users/create", form)[0] == 403
    assert client.request("POST", UI + "/users/create", dict(form, csrf="forged"))[0] == 403
    token = client.csrf()
    status, _, _ = client.request("POST", UI + "/users/create", dict(form, csrf=token), Origin="https://evil.test")
    assert status == 403
    status, headers, _ = client.request("POST", UI + "/users/create", dict(form, csrf=token),
                                        Origin="http://" + client.netloc)
    assert status == 303 and "/users/" in headers["location"]
    anonymous = Http(emu)
    assert anonymous.request("POST", UI + "/users/create", dict(form, csrf=token))[0] == 403


def test_loopback_only():
    assert guard.is_loopback("127.0.0.1") and guard.is_loopback("::1") and guard.is_loopback("127.8.9.10")
    assert not guard.is_loopback("10.0.0.1") and not guard.is_loopback("") and not guard.is_loopback(None)
    assert not guard.is_loopback("::ffff:10.0.0.1") and not guard.is_loopback("not an address")


def test_user_actions_over_http(web):
    emu, client = web
    client.sign_in(emu.secret)
    user = emu.create_user(username="acted", password="first-pass")
    token = client.csrf()
    base = "%s/users/%s" % (UI, user["id"])
    assert client.request("POST", base + "/password", {"csrf": token, "password": "second-pass"})[0] == 303
    from approw.emulator.domains.users import accounts
    from approw.emulator.context import RequestContext

    ctx = RequestContext(emu.pool, lambda name: None, "127.0.0.1")
    assert accounts.check_password(ctx, user["id"], "second-pass")
    emu.user_token(user["id"])
    assert "API token" in client.request("GET", base)[2]
    status, headers, _ = client.request("POST", base + "/kick", {"csrf": token})
    assert "1%20token" in headers["location"]
    assert client.request("POST", base + "/block", {"csrf": token, "blocked": "1"})[0] == 303
    assert emu.client().get("/api/v2/users/" + user["id"], token=emu.management_token())[1]["data"]["blocked"]
    assert client.request("POST", base + "/delete", {"csrf": token})[0] == 303
    assert client.request("GET", base)[0] == 404


def test_issue_and_decode_tokens(web):
    emu, client = web
    client.sign_in(emu.secret)
    user = emu.create_user(username="tokened")
    page = client.request("GET", UI + "/tokens?user=" + user["id"])[2]
    assert "Issue a user token for " + user["id"] in page
    status, _, body = client.request("POST", UI + "/tokens", {"csrf": client.csrf(UI + "/tokens"), "issue": "1",
                                                              "user": user["id"]})
    assert status == 200 and "Token issued" in body and "Valid: signed by this emulator" in body
    expired = emu.user_token(user["id"], expires_in=-60)
    body = client.request("POST", UI + "/tokens", {"csrf": client.csrf(UI + "/tokens"), "token": expired})[2]
    assert "but expired" in body and "&quot;sub&quot;: &quot;%s&quot;" % user["id"] in body
    body = client.request("POST", UI + "/tokens", {"csrf": client.csrf(UI + "/tokens"), "token": "a.b"})[2]
    assert "Not a JWT" in body
    body = client.request("POST", UI + "/tokens", {"csrf": client.csrf(UI + "/tokens"),
                                                   "token": "e30.e30.c2ln"})[2]
    assert "Not a valid token of this emulator" in body
