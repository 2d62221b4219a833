"""REST endpoints of the users domain: one user, a batch of users (management token)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from ...context import RequestContext
from ...domain import Request, Route, flag, read_only
from ...errors import BATCH_TOO_LARGE, ApprowError, invalid
from . import accounts, state
from .resolvers import BATCH_LIMIT


def user_detail(ctx: RequestContext, req: Request) -> Optional[Dict[str, Any]]:
    ctx.require_admin()
    user = state.get_user(ctx.store, req.params["id"])
    return None if user is None else accounts.view(ctx, user, with_custom_data=flag(req.query.get("with_custom_data")))


@read_only
def user_batch(ctx: RequestContext, req: Request) -> List[Dict[str, Any]]:
    ctx.require_admin()
    body = req.body if isinstance(req.body, dict) else {}
    ids = body.get("ids")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise invalid("ids must be a list of strings")
    if len(ids) > BATCH_LIMIT:
        raise ApprowError(BATCH_TOO_LARGE)
    field = accounts.LOOKUP_FIELDS.get(body.get("type") or "id")
    if field is None:
        raise invalid("type must be one of %s" % ", ".join(accounts.LOOKUP_FIELDS))
    keys = [accounts.normalize({field: v})[field] for v in ids]
    found = state.users_by(ctx.store, field, keys)
    with_custom = bool(body.get("withCustomData"))
    return [accounts.view(ctx, found[k], with_custom_data=with_custom) for k in keys if k in found]


ROUTES: List[Route] = [
    ("POST", "/api/v2/users/batch", user_batch),
    ("GET", "/api/v2/users/{id}", user_detail),
]
