"""A Flask backend protected by Approw.

    APPROW_HOST=https://YOUR_APP.approw.com APPROW_APP_ID=... APPROW_USER_POOL_ID=... \\
    APPROW_SECRET=... flask --app 'examples.flask_app:app_from_env()' run

The same routes as examples/fastapi_app.py: ``POST /signup``, ``POST /signin`` (answers
``{"token"}``), ``GET /me`` (the bearer token verified locally, then the user loaded from the
service), ``GET /books`` (permission ``books:read`` on ``books:*``), ``GET /admin/users``
(role ``admin``), ``POST /signout`` (tests/integrations/test_flask_app.py runs them against
the emulator with Flask's test client).
"""
from typing import Any, Dict, List, Tuple

from flask import Flask, g, request

from approw.integrations.core import ApprowSettings
from approw.integrations.flask import Approw, login_required, permission_required, role_required


def create_app(settings: ApprowSettings) -> Flask:
    app = Flask(__name__)
    approw = Approw(app, settings=settings)

    def credentials() -> Tuple[str, str]:
        body = request.get_json(silent=True) or {}
        return str(body.get("username") or ""), str(body.get("password") or "")

    @app.post("/signup")
    def signup() -> Tuple[Dict[str, Any], int]:
        user = approw.authentication().register_by_username(*credentials())
        return {"id": user["id"], "username": user["username"]}, 201

    @app.post("/signin")
    def signin() -> Dict[str, Any]:
        return {"token": approw.authentication().login_by_username(*credentials())["token"]}

    @app.get("/me")
    @login_required
    def me() -> Dict[str, Any]:
        user = g.approw_user
        profile = approw.authentication(user.token).get_current_user()
        return {"id": user.user_id, "username": profile["username"] if profile else None,
                "pool": user.user_pool_id, "app": user.app_id}

    @app.get("/books")
    @permission_required("books:*", "books:read")
    def books() -> List[str]:
        return ["The Left Hand of Darkness", "Solaris"]

    @app.get("/admin/users")
    @role_required("admin")
    def admin_users() -> List[Dict[str, Any]]:
        return [{"id": u["id"], "username": u["username"]} for u in approw.management.users.iter(limit=50)]

    @app.post("/signout")
    @login_required
    def signout() -> Dict[str, bool]:
        return {"signed_out": approw.authentication(g.approw_user.token).logout()}

    return app


def app_from_env() -> Flask:
    """The application configured by the ``APPROW_*`` environment variables."""
    return create_app(ApprowSettings.from_env())
