"""The scenarios the Flask and Django examples share (their routes are the same), run
through a small adapter over each framework's own test client: ``client.get(path,
headers=None)`` and ``client.post(path, json=None, headers=None)`` answering ``Answer``."""
from dataclasses import dataclass
from typing import Any, Mapping

from web_helpers import bearer


@dataclass
class Answer:
    status: int
    headers: Mapping[str, str]      # lower-case names
    body: Any

    @property
    def challenge(self):
        return self.headers.get("www-authenticate", "")


def signup_signin_me_permission_admin_signout(client, guard, settings, management, admin_role, name, other):
    created = client.post("/signup", json={"username": name, "password": "pw-123456"})
    assert created.status == 201, created.body
    assert client.post("/signup", json={"username": name, "password": "pw-123456"}).status == 409
    assert client.post("/signup", json={"username": other, "password": "pw-123456"}).status == 201
    user_id = created.body["id"]
    wrong = client.post("/signin", json={"username": name, "password": "nope-nope"})
    assert wrong.status == 400 and wrong.body["code"] == 2006
    token = client.post("/signin", json={"username": name, "password": "pw-123456"}).body["token"]
    me = client.get("/me", headers=bearer(token))
    assert me.status == 200 and me.body == {
        "id": user_id, "username": name, "pool": settings.user_pool_id, "app": settings.app_id}

    denied = client.get("/books", headers=bearer(token))
    assert denied.status == 403 and denied.body["error"] == "insufficient_scope"
    assert 'error="insufficient_scope"' in denied.challenge
    management.acl.allow("books:*", "books:read", user_id=user_id)
    assert client.get("/books", headers=bearer(token)).status == 403       # cached until invalidated
    guard.invalidate(user_id)
    books = client.get("/books", headers=bearer(token))
    assert books.status == 200 and books.body

    assert client.get("/admin/users", headers=bearer(token)).status == 403
    management.roles.add_users(admin_role, [user_id])
    guard.invalidate(user_id)
    listed = client.get("/admin/users", headers=bearer(token))
    assert listed.status == 200
    assert {name, other} <= {u["username"] for u in listed.body}
    assert len(listed.body) == management.users.list()["totalCount"]

    assert client.post("/signout", headers=bearer(token)).body == {"signed_out": True}
    revoked = client.get("/me", headers=bearer(token))
    assert revoked.status == 401 and 'error="invalid_token"' in revoked.challenge
    assert "revoked" in revoked.body["error_description"]


def refused_tokens(client, emu, user_id, forged):
    missing = client.get("/me")
    assert missing.status == 401 and missing.challenge == 'Bearer realm="approw"'
    assert client.get("/me", headers={"Authorization": "Basic abc"}).status == 401
    garbage = client.get("/me", headers=bearer("garbage"))
    assert garbage.status == 401 and garbage.body["error"] == "invalid_token"
    assert garbage.challenge.startswith('Bearer realm="approw", error="invalid_token", error_description="')
    expired = client.get("/me", headers=bearer(emu.user_token(user_id, expires_in=-120)))
    assert expired.status == 401 and expired.body["code"] == 2206
    audience = client.get("/me", headers=bearer(emu.user_token(user_id, app_id="another-app")))
    assert audience.status == 401 and "aud" in audience.body["error_description"]
    assert client.get("/me", headers=bearer(forged)).status == 401   # signed, never issued: the service says so


def claims_checks(client, granted, none):
    assert client.get("/books", headers=bearer(granted)).status == 200
    assert client.get("/books", headers=bearer(none)).status == 403
    assert client.get("/admin/users", headers=bearer(none)).status == 403
    unconfigured = client.get("/admin/users", headers=bearer(granted))
    assert unconfigured.status == 400 and "secret" in unconfigured.body["error_description"]


def service_down(down_client, busy_client, token):
    down = down_client.get("/me", headers=bearer(token))
    assert down.status == 503 and "retry-after" not in down.headers
    assert down.body["error"] == "service_unavailable"
    busy = busy_client.get("/me", headers=bearer(token))
    assert busy.status == 503 and busy.headers["retry-after"] == "120"
