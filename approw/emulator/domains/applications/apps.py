"""Applications: what they are called, how they are shown, creating, changing, deleting them
and their secrets.

An application has a ``name``, an ``identifier`` (the subdomain it would be served on:
letters, digits and ``-``, at most 63 characters, unique in the pool regardless of case),
``redirectUris`` (absolute http(s) URIs), an optional ``description`` (at most 140
characters) and ``logo``, its own id and client secret, and a default access strategy.
Each application has a namespace (permission group) whose code is its id: its roles and
resources live there.  Deleting an application deletes that namespace with everything in
it, its access policies and agreements, and ends the sessions issued for it.  The pool's
default application cannot be deleted.
"""

from __future__ import annotations

import re
from typing import Any, Dict, Optional

from ...context import RequestContext
from ...errors import APP_NOT_FOUND, NO_PERMISSION, ApprowError, invalid
from ...store import Store
from ...tokens import object_id, random_secret
from ...values import now_iso
from ..namespaces import state as namespaces
from ..oidc import clients as oidc_clients
from ..oidc import state as oidc
from ..sessions import state as sessions
from . import state

STRATEGIES = ("ALLOW_ALL", "DENY_ALL")
ILLEGAL_NAME = 2007
ILLEGAL_DESCRIPTION = 2013
DOMAIN_TAKEN = 2039
_IDENTIFIER = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?", re.ASCII)
DEFAULT_APP = {"name": "Approw emulator app", "identifier": "emulator",
               "description": "The application of the emulated user pool",
               "logo": "https://usercontents.approw.cn/approw-logo.png"}


# --- shapes --------------------------------------------------------------------------------


def public_view(pool_id: str, app: Dict[str, Any]) -> Dict[str, Any]:
    """An application as end users see it (no secret, no settings)."""
    return {"id": app["id"], "name": app["name"], "identifier": app["identifier"], "description": app["description"],
            "logo": app["logo"], "domain": app["identifier"], "protocol": "oidc", "userPoolId": pool_id}


def admin_view(ctx: RequestContext, app: Dict[str, Any]) -> Dict[str, Any]:
    """An application as the management API shows it, with its protocol settings (``oidcConfig``)."""
    out = public_view(ctx.pool.id, app)
    out.update(secret=app["secret"], redirectUris=app["redirectUris"], isDefault=app["isDefault"],
               permissionStrategy={"enabled": True, "defaultStrategy": app["defaultStrategy"]},
               oidcConfig=oidc_clients.wire_view(oidc_clients.settings(ctx, app["id"])),
               createdAt=app["createdAt"], updatedAt=app["updatedAt"])
    return out


def protocol(body: Dict[str, Any]) -> Dict[str, Any]:
    """The protocol settings of a request body (``oidcConfig``) as settings changes; a bad key 2231."""
    if body.get("oidcConfig") is None:
        return {}
    try:
        return oidc_clients.from_wire(body["oidcConfig"])
    except ValueError as exc:
        raise invalid(str(exc)) from None


def _configure(ctx: RequestContext, app_id: str, changes: Dict[str, Any]) -> None:
    if changes:
        try:
            oidc_clients.configure(ctx, app_id, **changes)
        except (ValueError, TypeError) as exc:
            raise invalid("oidcConfig: %s" % exc) from None


# --- checks --------------------------------------------------------------------------------


def _strategy(body: Dict[str, Any]) -> Optional[str]:
    """``defaultStrategy``, top-level or in ``permissionStrategy``; None when absent."""
    nested = body.get("permissionStrategy")
    if nested is not None and not isinstance(nested, dict):
        raise invalid("permissionStrategy must be an object")
    value = body.get("defaultStrategy", (nested or {}).get("defaultStrategy"))
    if value is not None and value not in STRATEGIES:
        raise invalid("defaultStrategy must be ALLOW_ALL or DENY_ALL, got %r" % (value,))
    return value


def fields(body: Dict[str, Any], *, partial: bool) -> Dict[str, Any]:
    """The application settings given in a request body, checked (all of ``name``,
    ``identifier`` and ``redirectUris`` are required unless ``partial``)."""
    out: Dict[str, Any] = {}
    if body.get("name") is not None or not partial:
        name = body.get("name")
        if not isinstance(name, str) or not name.strip() or len(name) > 128:
            raise ApprowError(ILLEGAL_NAME, "name must be a non-empty string of at most 128 characters")
        out["name"] = name
    if body.get("identifier") is not None or not partial:
        identifier = body.get("identifier")
        if not isinstance(identifier, str) or not _IDENTIFIER.fullmatch(identifier):
            raise invalid("identifier must be 1 to 63 letters, digits or '-' (not first or last), got %r"
                          % (identifier,))
        out["identifier"] = identifier
    if body.get("redirectUris") is not None or not partial:
        uris = body.get("redirectUris")
        if not isinstance(uris, list) or not all(oidc_clients.absolute_http(u) for u in uris):
            raise invalid("redirectUris must be a list of absolute http(s) URIs without fragment")
        out["redirectUris"] = list(dict.fromkeys(uris))
    if body.get("description") is not None:
        if not isinstance(body["description"], str) or len(body["description"]) > 140:
            raise ApprowError(ILLEGAL_DESCRIPTION, "description must be a string of at most 140 characters")
        out["description"] = body["description"]
    if body.get("logo") is not None:
        if not isinstance(body["logo"], str):
            raise invalid("logo must be a string (a URL)")
        out["logo"] = body["logo"]
    strategy = _strategy(body)
    if strategy is not None:
        out["defaultStrategy"] = strategy
    return out


def require(store: Store, app_id: Any) -> Dict[str, Any]:
    """The application; unknown -> error 2011."""
    app = state.get(store, app_id)
    if app is None:
        raise ApprowError(APP_NOT_FOUND, "Application %r does not exist" % (app_id,))
    return app


def _taken(identifier: Any) -> ApprowError:
    return ApprowError(DOMAIN_TAKEN, "Identifier %r is already used by another application" % (identifier,))


# --- changes -------------------------------------------------------------------------------


def _namespace(store: Store, app: Dict[str, Any]) -> None:
    """Give the application its namespace (code: its id) unless it has one."""
    if namespaces.by_code(store, app["id"]) is None:
        namespaces.create(store, app["id"], app["name"], "The roles and resources of application %s" % app["name"])


def ensure_default(store: Store, app_id: str, secret: str, created_at: str) -> None:
    """The pool's default application, created with the pool (and with an older state)."""
    with store.tx():
        app = dict(DEFAULT_APP, id=app_id, secret=secret, createdAt=created_at)
        state.ensure_default(store, app)
        _namespace(store, app)


def create(ctx: RequestContext, settings: Dict[str, Any], client: Dict[str, Any], *, app_id: Optional[str] = None,
           secret: Optional[str] = None) -> Dict[str, Any]:
    """A new application from checked ``settings`` (:func:`fields`) and protocol settings
    (:func:`protocol`), with its namespace (``app_id`` and ``secret``: random unless given)."""
    store = ctx.store
    app = dict(settings, id=app_id or object_id(), secret=secret or random_secret(), createdAt=now_iso())
    with store.tx():
        try:
            state.insert(store, app)
        except state.IdentifierTaken:
            raise _taken(app["identifier"]) from None
        _namespace(store, app)
        _configure(ctx, app["id"], client)
    return require(store, app["id"])


def update(ctx: RequestContext, app_id: str, changes: Dict[str, Any], client: Dict[str, Any]) -> Dict[str, Any]:
    store = ctx.store
    with store.tx():
        require(store, app_id)
        _configure(ctx, app_id, client)
        if changes:
            try:
                state.update(store, app_id, changes)
            except state.IdentifierTaken:
                raise _taken(changes.get("identifier")) from None
            namespace = namespaces.by_code(store, app_id)
            if "name" in changes and namespace is not None:
                namespaces.update(store, namespace["id"], {"name": changes["name"]})
        return require(store, app_id)


def refresh_secret(store: Store, app_id: str) -> Dict[str, Any]:
    """A new client secret; the old one stops working at once."""
    with store.tx():
        require(store, app_id)
        state.set_secret(store, app_id, random_secret())
        return require(store, app_id)


def delete(store: Store, app_id: str) -> None:
    with store.tx():
        app = require(store, app_id)
        if app["isDefault"]:
            raise ApprowError(NO_PERMISSION, "The default application of the pool cannot be deleted")
        namespace = namespaces.by_code(store, app_id)
        if namespace is not None:
            namespaces.delete(store, namespace["id"])
        state.delete(store, app_id)
        sessions.revoke_app_tokens(store, app_id)
        oidc.revoke_client(store, app_id)
