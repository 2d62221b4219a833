"""REST endpoints of the userpool domain: the public keys (password encryption, token signatures)."""

from __future__ import annotations

from typing import Any, Dict, List

from ...context import RequestContext
from ...domain import Raw, Request, Route


def well_known(ctx: RequestContext, req: Request) -> Dict[str, Any]:
    return {"publicKey": ctx.pool.keys.public_key_pem}


def jwks(ctx: RequestContext, req: Request) -> Raw:
    """The token-signing keys (the current one first, then retired ones), cacheable for five
    minutes or until the next scheduled rotation, whichever comes first."""
    keys = ctx.pool.signing_keys()
    max_age = int(min(300, ctx.pool.config.key_rotation or 300))
    return Raw(keys.jwks(), headers=(("Cache-Control", "public, max-age=%d" % max_age),))


ROUTES: List[Route] = [
    ("GET", "/api/v2/.well-known", well_known),
    ("GET", "/oidc/.well-known/jwks.json", jwks),
]
