"""A FastAPI backend protected by Approw, with the asyncio clients.

    APPROW_HOST=https://YOUR_APP.approw.com APPROW_APP_ID=... APPROW_USER_POOL_ID=... \\
    APPROW_SECRET=... uvicorn --factory examples.fastapi_app:app_from_env

Routes: ``POST /signup`` and ``POST /signin`` (``{"username", "password"}``; sign-in answers
``{"token"}``), ``GET /me`` (the bearer token verified locally, then the user loaded from the
service), ``GET /books`` (needs the permission ``books:read`` on ``books:*``), ``GET
/admin/users`` (needs the role ``admin``; every user, fetched 50 per request) and ``POST
/signout``.  Errors: 401 for a missing or refused token, 403 for a denied permission, 503
when the identity service cannot be reached (tests/integrations/test_fastapi_app.py runs
all of it against the emulator).
"""
from typing import Any, Dict, List

from fastapi import Depends, FastAPI
from pydantic import BaseModel

from approw.integrations.fastapi import Approw, ApprowSettings, Principal


class Credentials(BaseModel):
    username: str
    password: str


def create_app(settings: ApprowSettings) -> FastAPI:
    approw = Approw(settings)
    app = FastAPI(lifespan=approw.lifespan)
    approw.install(app)
    app.state.approw = approw

    async def current_user(user: Principal = Depends(approw.user)) -> Dict[str, Any]:
        """The verified principal's profile, loaded from the service with its own token."""
        profile = await approw.authentication(user.token).get_current_user()
        return {"id": user.user_id, "username": profile["username"] if profile else None,
                "pool": user.user_pool_id, "app": user.app_id}

    @app.post("/signup", status_code=201)
    async def signup(body: Credentials) -> Dict[str, Any]:
        user = await approw.authentication().register_by_username(body.username, body.password)
        return {"id": user["id"], "username": user["username"]}

    @app.post("/signin")
    async def signin(body: Credentials) -> Dict[str, Any]:
        user = await approw.authentication().login_by_username(body.username, body.password)
        return {"token": user["token"]}

    @app.get("/me")
    async def me(profile: Dict[str, Any] = Depends(current_user)) -> Dict[str, Any]:
        return profile

    @app.get("/books")
    async def books(user: Principal = Depends(approw.require_permission("books:*", "books:read"))
                    ) -> List[str]:
        return ["The Left Hand of Darkness", "Solaris"]

    @app.get("/admin/users")
    async def admin_users(admin: Principal = Depends(approw.require_role("admin"))) -> List[Dict[str, Any]]:
        return [{"id": u["id"], "username": u["username"]} async for u in approw.management.users.iter(limit=50)]

    @app.post("/signout")
    async def signout(user: Principal = Depends(approw.user)) -> Dict[str, bool]:
        return {"signed_out": await approw.authentication(user.token).logout()}

    return app


def app_from_env() -> FastAPI:
    """The application configured by the ``APPROW_*`` environment variables."""
    return create_app(ApprowSettings.from_env())
