"""REST endpoints of the userpool domain: the public keys (password encryption, token signatures)."""

from __future__ import annotations

from typing import Any, Dict, List

from ...context import RequestContext
from ...domain import Raw, Request, Route


def well_known(ctx: RequestContext, req: Request) -> Dict[str, Any]:
    return {"publicKey": ctx.pool.keys.public_key_pem}


def jwks(ctx: RequestContext, req: Request) -> Raw:
    return Raw(ctx.pool.keys.jwks())


ROUTES: List[Route] = [
    ("GET", "/api/v2/.well-known", well_known),
    ("GET", "/oidc/.well-known/jwks.json", jwks),
]
