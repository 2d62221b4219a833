"""REST endpoints of the ACL domain (management token): resource definitions, revoking
grants, and the batch permission checks."""

from __future__ import annotations

from typing import Any, Dict, List, Optional
from urllib.parse import unquote

from ...context import RequestContext
from ...domain import Request, Route, read_only
from ...errors import invalid
from ...values import page_window, paginated
from ..namespaces import rules
from ..namespaces import state as namespaces
from ..policies import targets
from . import state
from .patterns import resource_type
from .resolvers import user_permissions


def _view(ctx: RequestContext, resource: Dict[str, Any]) -> Dict[str, Any]:
    return dict(resource, userPoolId=ctx.pool.id)


def _actions(value: Any) -> List[Dict[str, Any]]:
    """``[{name, description}]``: names non-empty and unique."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(a, dict) and isinstance(a.get("name"), str)
                                              and a["name"].strip() for a in value):
        raise invalid('actions must be a list of {"name": ..., "description": ...} with non-empty names')
    names = [a["name"] for a in value]
    if len(set(names)) != len(names):
        raise invalid("action names must be unique")
    return [{"name": a["name"], "description": rules.optional_text("description", a.get("description"))}
            for a in value]


def _required_type(value: Any) -> str:
    if value is None:
        raise invalid("type is required")
    return str(resource_type(value))


# --- resources -----------------------------------------------------------------------------


def create_resource(ctx: RequestContext, req: Request) -> Dict[str, Any]:
    ctx.require_admin()
    body = rules.body(req.body)
    fields = {
        "code": rules.check("Resource", body.get("code")),
        "type": _required_type(body.get("type")),
        "actions": _actions(body.get("actions")),
        "description": rules.optional_text("description", body.get("description")),
        "apiIdentifier": rules.optional_text("apiIdentifier", body.get("apiIdentifier")),
    }
    with ctx.store.tx():
        return _view(ctx, state.create_resource(ctx.store, namespaces.resolve(ctx.store, body.get("namespace")), fields))


def update_resource(ctx: RequestContext, req: Request) -> Dict[str, Any]:
    """Changes only what is given; ``actions`` replace the old ones."""
    ctx.require_admin()
    body = rules.body(req.body)
    changes: Dict[str, Any] = {}
    if body.get("type") is not None:
        changes["type"] = _required_type(body["type"])
    if body.get("actions") is not None:
        changes["actions"] = _actions(body["actions"])
    for key in ("description", "apiIdentifier"):
        if key in body:
            changes[key] = rules.optional_text(key, body[key])
    with ctx.store.tx():
        namespace = namespaces.resolve(ctx.store, body.get("namespace"))
        found = state.require_resource(ctx.store, namespace, unquote(req.params["code"]))
        state.update_resource(ctx.store, found["id"], changes)
        return _view(ctx, state.require_resource(ctx.store, namespace, found["code"]))


def list_resources(ctx: RequestContext, req: Request) -> Dict[str, Any]:
    ctx.require_admin()
    offset, limit = page_window(rules.page_args(req.query))
    namespace = namespaces.resolve(ctx.store, req.query.get("namespace"))
    total, items = state.resources(ctx.store, namespace["id"], resource_type(req.query.get("type") or None),
                                   offset, limit)
    return paginated(total, [_view(ctx, r) for r in items])


def delete_resource(ctx: RequestContext, req: Request) -> None:
    """Deletes the definition and every grant on its code (a kind's items too)."""
    ctx.require_admin()
    with ctx.store.tx():
        namespace = namespaces.resolve(ctx.store, req.query.get("namespace"))
        state.delete_resource(ctx.store, state.require_resource(ctx.store, namespace, unquote(req.params["code"])))


def resource_detail(ctx: RequestContext, req: Request) -> Optional[Dict[str, Any]]:
    """By ``id``, or by ``namespace`` and ``code``; not found: null."""
    ctx.require_admin()
    if req.query.get("id"):
        found = state.resource_by_id(ctx.store, req.query["id"])
    elif req.query.get("code"):
        namespace = namespaces.resolve(ctx.store, req.query.get("namespace"))
        found = state.resource(ctx.store, namespace["id"], req.query["code"])
    else:
        raise invalid("id, or namespace and code, is required")
    return None if found is None else _view(ctx, found)


def resource_by_code(ctx: RequestContext, req: Request) -> Optional[Dict[str, Any]]:
    ctx.require_admin()
    namespace = namespaces.resolve(ctx.store, req.query.get("namespace"))
    found = state.resource(ctx.store, namespace["id"], unquote(req.params["code"]))
    return None if found is None else _view(ctx, found)


# --- grants and checks -----------------------------------------------------------------------


def revoke_resource(ctx: RequestContext, req: Request) -> None:
    """Takes from each ``opts`` target its grants on every code ``resource`` covers (revoking
    a kind takes its items too; revoking an item leaves the kind); with ``actions``, only
    those.  Other targets keep theirs; unknown targets are skipped."""
    ctx.require_admin()
    body = rules.body(req.body)
    code = body.get("resource")
    if not isinstance(code, str) or not code:
        raise invalid("resource is required")
    opts = body.get("opts")
    if not isinstance(opts, list) or not all(isinstance(o, dict) and o.get("targetType") in targets.TYPES
                                             for o in opts):
        raise invalid("opts must be a list of {targetType, targetIdentifier[, actions]}")
    with ctx.store.tx():
        namespace = namespaces.resolve(ctx.store, body.get("namespace"))
        for opt in opts:
            target_id = targets.resolve(ctx.store, namespace, opt["targetType"], opt.get("targetIdentifier"))
            if target_id is not None:
                state.revoke(ctx.store, namespace["id"], (opt["targetType"], target_id), code, opt.get("actions"))


def _user_query(ctx: RequestContext, req: Request) -> Any:
    body = rules.body(req.body)
    if not isinstance(body.get("userId"), str):
        raise invalid("userId is required")
    namespace = namespaces.resolve(ctx.store, body.get("namespace"))
    return body, user_permissions(ctx, body["userId"], namespace["id"])


@read_only
def check_resource_permission_batch(ctx: RequestContext, req: Request) -> List[Dict[str, Any]]:
    """For each code of ``resources``, in order, ``{code, actions}`` when the user holds some
    action on it (codes the user holds nothing on are left out)."""
    ctx.require_admin()
    body, permissions = _user_query(ctx, req)
    codes = body.get("resources")
    if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
        raise invalid("resources must be a list of resource codes")
    out = []
    for code in codes:
        actions = permissions.actions_on(code)
        if actions:
            out.append({"code": code, "actions": actions})
    return out


@read_only
def resources_of_kind(ctx: RequestContext, req: Request) -> List[Dict[str, Any]]:
    """The items (``kind:<id>``) of one resource kind the user holds, ``{code, actions}``."""
    ctx.require_admin()
    body, permissions = _user_query(ctx, req)
    kind = body.get("resource")
    if not isinstance(kind, str) or not kind or ":" in kind:
        raise invalid("resource must be a resource kind such as books")
    return [{"code": r["code"], "actions": r["actions"]} for r in permissions.resources(kind=kind) if r["actions"]]


ROUTES: List[Route] = [
    ("POST", "/api/v2/resources", create_resource),
    ("GET", "/api/v2/resources", list_resources),
    ("GET", "/api/v2/resources/detail", resource_detail),
    ("GET", "/api/v2/resources/by-code/{code}", resource_by_code),
    ("POST", "/api/v2/resources/{code}", update_resource),
    ("DELETE", "/api/v2/resources/{code}", delete_resource),
    ("POST", "/api/v2/acl/revoke-resource", revoke_resource),
    ("POST", "/api/v2/acl/check-resource-permission-batch", check_resource_permission_batch),
    ("POST", "/api/v2/acl/get-authorized-resources-of-resource-kind", resources_of_kind),
]
