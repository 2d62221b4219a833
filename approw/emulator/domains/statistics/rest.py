"""REST endpoints of the statistics domain: the user action log and the audit log, newest
first, with paging (``page``, ``limit``) and filters (``clientip``; ``operation_name`` and
``operator_arn``, each repeatable: an entry matches any of the values given)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from ...context import RequestContext
from ...domain import Request, Route
from ...errors import invalid
from ...values import page_window, paginated
from . import state

MAX_LIMIT = 1000


def _int(req: Request, name: str) -> Optional[int]:
    text = req.query.get(name)
    if text is None or text == "":
        return None
    try:
        return int(text)
    except ValueError:
        raise invalid("%s must be a number, got %r" % (name, text)) from None


def _listing(kind: str) -> Any:
    def listing(ctx: RequestContext, req: Request) -> Dict[str, Any]:
        ctx.require_admin()
        offset, limit = page_window({"page": _int(req, "page"), "limit": _int(req, "limit")})
        if limit > MAX_LIMIT:
            raise invalid("limit must be at most %d, got %d" % (MAX_LIMIT, limit))
        total, entries = state.page(
            ctx.store, kind, client_ip=req.query.get("clientip") or None,
            operations=[v for v in req.query_all("operation_name") if v],
            operators=[v for v in req.query_all("operator_arn") if v], offset=offset, limit=limit)
        return paginated(total, entries)

    listing.__name__ = "list_%s_logs" % kind
    return listing


ROUTES: List[Route] = [
    ("GET", "/api/v2/analysis/user-action", _listing("user")),
    ("GET", "/api/v2/analysis/audit", _listing("audit")),
]
