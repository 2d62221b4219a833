"""REST endpoints of the namespaces domain (management token): create, update, delete and
list the pool's namespaces, addressed by numeric id or by code."""

from __future__ import annotations

from typing import Any, Dict, List
from urllib.parse import unquote

from ...context import RequestContext
from ...domain import Request, Route
from ...errors import NAMESPACE_NOT_FOUND, NAMESPACE_UPDATE_NOT_FOUND, NO_PERMISSION, POOL_NOT_FOUND, ApprowError, invalid
from ...values import page_window
from ..applications import state as applications
from . import rules, state


def view(ctx: RequestContext, namespace: Dict[str, Any]) -> Dict[str, Any]:
    return dict(namespace, userPoolId=ctx.pool.id)


def _check_pool(ctx: RequestContext, req: Request) -> None:
    ctx.require_admin()
    if unquote(req.params["poolId"]) != ctx.pool.id:
        raise ApprowError(POOL_NOT_FOUND)


def _addressed(ctx: RequestContext, req: Request, missing: int) -> Dict[str, Any]:
    """The namespace of ``/{id}`` or ``/code/{code}``; unknown -> error ``missing``."""
    _check_pool(ctx, req)
    if "code" in req.params:
        found = state.by_code(ctx.store, unquote(req.params["code"]))
    else:
        text = unquote(req.params["id"])
        found = state.by_id(ctx.store, int(text)) if text.isdigit() else None
    if found is None:
        raise ApprowError(missing)
    return found


def _name(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise invalid("name must be a non-empty string")
    return value


def create_namespace(ctx: RequestContext, req: Request) -> Dict[str, Any]:
    _check_pool(ctx, req)
    body = rules.body(req.body)
    code = rules.check("Namespace", body.get("code"))
    name = _name(body.get("name"))
    description = rules.optional_text("description", body.get("description"))
    return view(ctx, state.create(ctx.store, code, name, description))


def _not_an_application(ctx: RequestContext, namespace: Dict[str, Any]) -> None:
    """An application's namespace (code: the application id) follows its application."""
    if applications.exists(ctx.store, namespace["code"]):
        raise ApprowError(NO_PERMISSION, "The namespace of application %s follows the application: change or "
                          "delete the application instead" % namespace["code"])


def update_namespace(ctx: RequestContext, req: Request) -> Dict[str, Any]:
    body = rules.body(req.body)
    with ctx.store.tx():
        namespace = _addressed(ctx, req, NAMESPACE_UPDATE_NOT_FOUND)
        _not_an_application(ctx, namespace)
        changes: Dict[str, Any] = {}
        if body.get("code") is not None and body["code"] != namespace["code"]:
            if namespace["isDefault"]:
                raise ApprowError(NO_PERMISSION, "The code of the default namespace cannot be changed")
            changes["code"] = rules.check("Namespace", body["code"])
        if body.get("name") is not None:
            changes["name"] = _name(body["name"])
        if "description" in body:
            changes["description"] = rules.optional_text("description", body["description"])
        state.update(ctx.store, namespace["id"], changes)
        updated = state.by_id(ctx.store, namespace["id"])
    assert updated is not None
    return view(ctx, updated)


def delete_namespace(ctx: RequestContext, req: Request) -> None:
    """Deletes the namespace with its roles, policies, resources and grants."""
    with ctx.store.tx():
        namespace = _addressed(ctx, req, NAMESPACE_NOT_FOUND)
        if namespace["isDefault"]:
            raise ApprowError(NO_PERMISSION, "The default namespace cannot be deleted")
        _not_an_application(ctx, namespace)
        state.delete(ctx.store, namespace["id"])


def list_namespaces(ctx: RequestContext, req: Request) -> Dict[str, Any]:
    """``{total, totalCount, list}``: the service names the count ``total`` here; both are sent."""
    _check_pool(ctx, req)
    offset, limit = page_window(rules.page_args(req.query))
    total, items = state.page(ctx.store, offset, limit)
    return {"total": total, "totalCount": total, "list": [view(ctx, n) for n in items]}


_BASE = "/api/v2/resource-namespace/{poolId}"
ROUTES: List[Route] = [
    ("POST", _BASE, create_namespace),
    ("GET", _BASE, list_namespaces),
    ("PUT", _BASE + "/code/{code}", update_namespace),
    ("DELETE", _BASE + "/code/{code}", delete_namespace),
    ("PUT", _BASE + "/{id}", update_namespace),
    ("DELETE", _BASE + "/{id}", delete_namespace),
]
