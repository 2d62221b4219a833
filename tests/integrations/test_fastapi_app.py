"""examples/fastapi_app.py through an ASGI client (httpx's ASGITransport), against the
emulator: sign-up, sign-in, the protected route, a permission, the admin list; and the
failures (missing, garbage, expired, revoked token, wrong audience, permission denied,
service down -> 503 with Retry-After when known)."""
import asyncio
import contextlib
import dataclasses

import httpx
import pytest

from web_helpers import bearer, challenge, load_example

example = load_example("fastapi_app.py")


@contextlib.asynccontextmanager
async def serve(settings):
    app = example.create_app(settings)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://app.test") as client:
            client.app = app
            yield client


def run(settings, scenario):
    async def main():
        async with serve(settings) as client:
            return await scenario(client)
    return asyncio.run(main())


def test_signup_signin_me_permission_admin_signout(settings, management, admin_role, unique):
    name, other = unique("fa"), unique("fb")

    async def scenario(client):
        created = await client.post("/signup", json={"username": name, "password": "pw-123456"})
        assert created.status_code == 201, created.text
        assert (await client.post("/signup", json={"username": name, "password": "pw-123456"})).status_code == 409
        assert (await client.post("/signup", json={"username": other, "password": "pw-123456"})).status_code == 201
        user_id = created.json()["id"]
        wrong = await client.post("/signin", json={"username": name, "password": "nope-nope"})
        assert wrong.status_code == 400 and wrong.json()["code"] == 2006
        token = (await client.post("/signin", json={"username": name, "password": "pw-123456"})).json()["token"]
        me = await client.get("/me", headers=bearer(token))
        assert me.status_code == 200 and me.json() == {
            "id": user_id, "username": name, "pool": settings.user_pool_id, "app": settings.app_id}

        denied = await client.get("/books", headers=bearer(token))
        assert denied.status_code == 403 and denied.json()["error"] == "insufficient_scope"
        assert 'error="insufficient_scope"' in challenge(denied)
        management.acl.allow("books:*", "books:read", user_id=user_id)
        still = await client.get("/books", headers=bearer(token))
        assert still.status_code == 403          # the cached answer, until invalidated
        client.app.state.approw.guard.invalidate(user_id)
        books = await client.get("/books", headers=bearer(token))
        assert books.status_code == 200 and books.json()

        assert (await client.get("/admin/users", headers=bearer(token))).status_code == 403
        management.roles.add_users(admin_role, [user_id])
        client.app.state.approw.guard.invalidate(user_id)
        listed = await client.get("/admin/users", headers=bearer(token))
        assert listed.status_code == 200
        names = {u["username"] for u in listed.json()}
        assert {name, other} <= names and len(listed.json()) == management.users.list()["totalCount"]

        out = await client.post("/signout", headers=bearer(token))
        assert out.json() == {"signed_out": True}
        revoked = await client.get("/me", headers=bearer(token))
        assert revoked.status_code == 401 and 'error="invalid_token"' in challenge(revoked)
        assert "revoked" in revoked.json()["error_description"]

    run(settings, scenario)


def test_refused_tokens(settings, emu, unique, signed):
    user = emu.create_user(username=unique("fr"), password="pw-123456")

    async def scenario(client):
        missing = await client.get("/me")
        assert missing.status_code == 401 and challenge(missing) == 'Bearer realm="approw"'
        assert (await client.get("/me", headers={"Authorization": "Basic abc"})).status_code == 401
        garbage = await client.get("/me", headers=bearer("garbage"))
        assert garbage.status_code == 401 and garbage.json()["error"] == "invalid_token"
        assert challenge(garbage).startswith('Bearer realm="approw", error="invalid_token", error_description="')
        expired = await client.get("/me", headers=bearer(emu.user_token(user["id"], expires_in=-120)))
        assert expired.status_code == 401 and expired.json()["code"] == 2206
        audience = await client.get("/me", headers=bearer(emu.user_token(user["id"], app_id="another-app")))
        assert audience.status_code == 401 and "aud" in audience.json()["error_description"]
        forged = signed(user["id"])            # well signed, but never issued: the service says so
        assert (await client.get("/me", headers=bearer(forged))).status_code == 401

    run(settings, scenario)


def test_permissions_and_roles_from_the_token_claims(settings, emu, unique, signed):
    user = emu.create_user(username=unique("fc"), password="pw-123456")
    local = dataclasses.replace(settings, check_revoked=False, user_pool_id=None, secret=None)
    granted = signed(user["id"], permissions=[{"resource": "books:*", "actions": ["books:*"]}], roles=["admin"])
    none = signed(user["id"], permissions=[], roles=[])

    async def scenario(client):
        assert (await client.get("/books", headers=bearer(granted))).status_code == 200
        assert (await client.get("/books", headers=bearer(none))).status_code == 403
        assert (await client.get("/admin/users", headers=bearer(none))).status_code == 403
        # the role is in the token, but listing users needs the management credentials
        unconfigured = await client.get("/admin/users", headers=bearer(granted))
        assert unconfigured.status_code == 400 and "secret" in unconfigured.json()["error_description"]

    run(local, scenario)


def test_service_down_is_503(settings, emu, dead_url, busy_url, unique):
    user = emu.create_user(username=unique("fd"), password="pw-123456")
    token = emu.user_token(user["id"])

    async def scenario(client):
        return await client.get("/me", headers=bearer(token))

    down = run(dataclasses.replace(settings, host=dead_url, timeout=2000), scenario)
    assert down.status_code == 503 and "retry-after" not in down.headers
    assert down.json()["error"] == "service_unavailable"
    busy = run(dataclasses.replace(settings, host=busy_url, timeout=2000), scenario)
    assert busy.status_code == 503 and busy.headers["retry-after"] == "120"


def test_plain_starlette(settings, emu, unique):
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from approw.integrations.starlette import Approw

    approw = Approw(settings)

    async def me(request):
        user = await approw.user(request)
        again = await approw.user(request)          # verified once per request
        return JSONResponse({"id": user.user_id, "same": user is again})

    async def maybe(request):
        user = await approw.optional_user(request)
        return JSONResponse({"id": user.user_id if user else None})

    app = Starlette(routes=[Route("/me", me), Route("/maybe", maybe)], lifespan=approw.lifespan)
    approw.install(app)
    user = emu.create_user(username=unique("st"), password="pw-123456")
    token = emu.user_token(user["id"])

    async def scenario():
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://app.test") as client:
                return [await client.get("/me", headers=bearer(token)), await client.get("/me"),
                        await client.get("/maybe"), await client.get("/maybe", headers=bearer("garbage"))]

    ok, missing, anonymous, garbage = asyncio.run(scenario())
    assert ok.json() == {"id": user["id"], "same": True}
    assert missing.status_code == 401 and anonymous.json() == {"id": None} and garbage.status_code == 401
