"""Approw for FastAPI: the Starlette integration's methods are FastAPI dependencies::

    from fastapi import Depends, FastAPI
    from approw.integrations.fastapi import Approw, ApprowSettings, Principal

    approw = Approw(ApprowSettings.from_env())
    app = FastAPI(lifespan=approw.lifespan)
    approw.install(app)

    @app.get("/me")
    async def me(user: Principal = Depends(approw.user)) -> dict:
        return {"id": user.user_id}

    @app.get("/books", dependencies=[Depends(approw.require_permission("books", "books:read"))])
    async def books() -> list: ...

``approw.user`` verifies the bearer token locally and yields a
:class:`~approw.integrations.core.Principal`; ``require_permission(resource, action,
namespace=...)`` and ``require_role(code)`` add a check (403 when it fails); ``install(app)``
answers the SDK's errors (401 with ``WWW-Authenticate: Bearer error="invalid_token"``, 403
``insufficient_scope``, 503 with ``Retry-After`` when known).
"""
import fastapi  # noqa: F401  (this module is for FastAPI applications: fail early without it)

from .core import ApprowSettings, AsyncGuard, Principal
from .starlette import Approw

__all__ = ["Approw", "ApprowSettings", "AsyncGuard", "Principal"]
