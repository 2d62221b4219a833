"""REST endpoints of the applications domain: applications and their secrets, sessions,
access policies and agreements (management token); the applications a user may use (the
user's token)."""

from __future__ import annotations

import time
from typing import Any, Dict, List, Optional

from ...context import RequestContext
from ...domain import Request, Route
from ...errors import NOT_FOUND, ApprowError
from ...values import page_window, paginated
from ..namespaces import rules as shared
from ..oidc import state as oidc
from ..sessions import state as sessions
from ..users import accounts
from ..users import state as users
from . import access, access_keys, agreements, apps, state


def _window(req: Request) -> Any:
    return page_window(shared.page_args(req.query))


def _app(ctx: RequestContext, req: Request) -> Dict[str, Any]:
    ctx.require_admin()
    return apps.require(ctx.store, req.params["id"])


# --- applications --------------------------------------------------------------------------


def list_apps(ctx: RequestContext, req: Request) -> Dict[str, Any]:
    ctx.require_admin()
    offset, limit = _window(req)
    total, found = state.page(ctx.store, offset, limit)
    return paginated(total, [apps.admin_view(ctx, a) for a in found])


def create_app(ctx: RequestContext, req: Request) -> Dict[str, Any]:
    """``{name, identifier, redirectUris, logo?, description?, defaultStrategy?, oidcConfig?}``."""
    ctx.require_admin()
    body = shared.body(req.body)
    return apps.admin_view(ctx, apps.create(ctx, apps.fields(body, partial=False), apps.protocol(body)))


def app_detail(ctx: RequestContext, req: Request) -> Optional[Dict[str, Any]]:
    """The application, or null."""
    ctx.require_admin()
    found = state.get(ctx.store, req.params["id"])
    return None if found is None else apps.admin_view(ctx, found)


def update_app(ctx: RequestContext, req: Request) -> Dict[str, Any]:
    """Change settings, e.g. ``{defaultStrategy}``, ``{permissionStrategy: {defaultStrategy}}`` or
    ``{oidcConfig: {...}}`` (the protocol settings)."""
    ctx.require_admin()
    body = shared.body(req.body)
    changes = apps.fields(body, partial=True)
    return apps.admin_view(ctx, apps.update(ctx, req.params["id"], changes, apps.protocol(body)))


def delete_app(ctx: RequestContext, req: Request) -> None:
    ctx.require_admin()
    apps.delete(ctx.store, req.params["id"])


def refresh_secret(ctx: RequestContext, req: Request) -> Dict[str, Any]:
    ctx.require_admin()
    return apps.admin_view(ctx, apps.refresh_secret(ctx.store, req.params["id"]))


def active_users(ctx: RequestContext, req: Request) -> Dict[str, Any]:
    """The users holding a live token issued for the application (signed in through it, or
    through its OpenID Provider), newest first."""
    app = _app(ctx, req)
    offset, limit = _window(req)
    now = int(time.time())
    where = "(%s OR %s)" % (sessions.live_users_sql(now), oidc.live_users_sql(now))
    total, found = users.users_where(ctx.store, where, [app["id"], app["id"]], "CREATEDAT_DESC", offset, limit)
    return paginated(total, [accounts.view(ctx, u) for u in found])


# --- access policies -----------------------------------------------------------------------


def access_records(ctx: RequestContext, req: Request) -> Dict[str, Any]:
    app = _app(ctx, req)
    offset, limit = _window(req)
    return access.records(ctx.store, app, offset, limit)


def change_access(ctx: RequestContext, req: Request) -> None:
    """``allow``, ``deny``, ``enable-effect``, ``disable-effect`` or ``revoke``:
    ``{targetType, targetIdentifiers, inheritByChildren?, namespace?}``."""
    action = req.params["action"]
    if action not in access.ACTIONS:
        raise ApprowError(NOT_FOUND, "No endpoint at %s %s" % (req.method, req.path))
    access.change(ctx.store, _app(ctx, req), action, shared.body(req.body))


# --- agreements ----------------------------------------------------------------------------


def create_agreement(ctx: RequestContext, req: Request) -> Dict[str, Any]:
    app = _app(ctx, req)
    given = agreements.fields(shared.body(req.body), partial=False)
    with ctx.store.tx():
        new_id = state.add_agreement(ctx.store, app["id"], given["title"], given["required"], given["lang"])
        return agreements.view(ctx.pool.id, agreements.require(ctx.store, app["id"], new_id))


def list_agreements(ctx: RequestContext, req: Request) -> Dict[str, Any]:
    app = _app(ctx, req)
    found = [agreements.view(ctx.pool.id, a) for a in state.agreements(ctx.store, app["id"])]
    return paginated(len(found), found)


def modify_agreement(ctx: RequestContext, req: Request) -> Dict[str, Any]:
    app = _app(ctx, req)
    changes = agreements.fields(shared.body(req.body), partial=True)
    with ctx.store.tx():
        found = agreements.require(ctx.store, app["id"], req.params["agreementId"])
        if changes:
            state.update_agreement(ctx.store, found["id"], changes)
        return agreements.view(ctx.pool.id, agreements.require(ctx.store, app["id"], found["id"]))


def delete_agreement(ctx: RequestContext, req: Request) -> None:
    app = _app(ctx, req)
    with ctx.store.tx():
        found = agreements.require(ctx.store, app["id"], req.params["agreementId"])
        state.delete_agreement(ctx.store, app["id"], found["id"])


def sort_agreements(ctx: RequestContext, req: Request) -> None:
    app = _app(ctx, req)
    agreements.sort(ctx.store, app["id"], shared.body(req.body).get("ids"))


# --- programmatic access accounts (AK/SK) --------------------------------------------------


def list_access_keys(ctx: RequestContext, req: Request) -> Dict[str, Any]:
    app = _app(ctx, req)
    offset, limit = _window(req)
    total, found = access_keys.page(ctx.store, app["id"], offset, limit)
    return paginated(total, [access_keys.view(ctx.pool.id, a) for a in found])


def create_access_key(ctx: RequestContext, req: Request) -> Dict[str, Any]:
    """``{tokenLifetime?, remarks?}``."""
    app = _app(ctx, req)
    body = shared.body(req.body)
    with ctx.store.tx():
        return access_keys.view(ctx.pool.id, access_keys.create(ctx.store, app["id"], body.get("tokenLifetime"),
                                                                body.get("remarks")))


def delete_access_key(ctx: RequestContext, req: Request) -> None:
    ctx.require_admin()
    access_keys.delete(ctx.store, req.query.get("id"))


def change_access_key(ctx: RequestContext, req: Request) -> Dict[str, Any]:
    """``{id, enabled}`` or ``{id, secret?}``."""
    ctx.require_admin()
    body = shared.body(req.body)
    return access_keys.view(ctx.pool.id, access_keys.change(ctx.store, body.get("id"), body))


# --- the user's side -----------------------------------------------------------------------


def my_applications(ctx: RequestContext, req: Request) -> Dict[str, Any]:
    """The applications the caller may use (by their access policies)."""
    user = ctx.require_user()
    offset, limit = _window(req)
    found = access.usable(ctx.store, user["id"])
    return paginated(len(found), [apps.public_view(ctx.pool.id, a) for a in found[offset:offset + limit]])


ROUTES: List[Route] = [
    ("GET", "/api/v2/applications", list_apps),
    ("POST", "/api/v2/applications", create_app),
    ("GET", "/api/v2/users/me/applications/allowed", my_applications),
    ("DELETE", "/api/v2/applications/programmatic-access-accounts", delete_access_key),
    ("PATCH", "/api/v2/applications/programmatic-access-accounts", change_access_key),
    ("GET", "/api/v2/applications/{id}/programmatic-access-accounts", list_access_keys),
    ("POST", "/api/v2/applications/{id}/programmatic-access-accounts", create_access_key),
    ("GET", "/api/v2/applications/{id}", app_detail),
    ("POST", "/api/v2/applications/{id}", update_app),
    ("DELETE", "/api/v2/applications/{id}", delete_app),
    ("PATCH", "/api/v2/application/{id}/refresh-secret", refresh_secret),
    ("GET", "/api/v2/applications/{id}/active-users", active_users),
    ("GET", "/api/v2/applications/{id}/authorization/records", access_records),
    ("POST", "/api/v2/applications/{id}/authorization/{action}", change_access),
    ("GET", "/api/v2/applications/{id}/agreements", list_agreements),
    ("POST", "/api/v2/applications/{id}/agreements", create_agreement),
    ("POST", "/api/v2/applications/{id}/agreements/sort", sort_agreements),
    ("PUT", "/api/v2/applications/{id}/agreements/{agreementId}", modify_agreement),
    ("DELETE", "/api/v2/applications/{id}/agreements/{agreementId}", delete_agreement),
]
