"""REST endpoints of the userpool domain: the public keys (password encryption, token
signatures) and the pool's environment variables."""

from __future__ import annotations

from typing import Any, Dict, List
from urllib.parse import unquote

from ...context import RequestContext
from ...domain import Raw, Request, Route
from ...errors import invalid
from ...values import common_message
from . import state

MAX_KEY_LENGTH = 256


def well_known(ctx: RequestContext, req: Request) -> Dict[str, Any]:
    return {"publicKey": ctx.pool.keys.public_key_pem}


def jwks(ctx: RequestContext, req: Request) -> Raw:
    """The token-signing keys (the current one first, then retired ones), cacheable for five
    minutes or until the next scheduled rotation, whichever comes first."""
    keys = ctx.pool.signing_keys()
    max_age = int(min(300, ctx.pool.config.key_rotation or 300))
    return Raw(keys.jwks(), headers=(("Cache-Control", "public, max-age=%d" % max_age),))


def list_env(ctx: RequestContext, req: Request) -> List[Dict[str, Any]]:
    ctx.require_admin()
    return state.envs(ctx.store, ctx.pool.id)


def add_env(ctx: RequestContext, req: Request) -> Dict[str, Any]:
    """``{key, value}``: ``value`` is any JSON value; an existing key gets the new value."""
    ctx.require_admin()
    body = req.body if isinstance(req.body, dict) else {}
    key = body.get("key")
    if not isinstance(key, str) or not key.strip() or len(key) > MAX_KEY_LENGTH:
        raise invalid("key must be a non-empty string of at most %d characters" % MAX_KEY_LENGTH)
    if "value" not in body:
        raise invalid("value is required (any JSON value)")
    return state.set_env(ctx.store, ctx.pool.id, key, body["value"])


def remove_env(ctx: RequestContext, req: Request) -> Raw:
    """The service answers a plain ``{code, message}`` here."""
    ctx.require_admin()
    key = unquote(req.params["key"])
    if not state.remove_env(ctx.store, key):
        raise invalid("no environment variable %r" % key)
    return Raw(common_message("Removed environment variable %r" % key))


ROUTES: List[Route] = [
    ("GET", "/api/v2/.well-known", well_known),
    ("GET", "/oidc/.well-known/jwks.json", jwks),
    ("GET", "/api/v2/env", list_env),
    ("POST", "/api/v2/env", add_env),
    ("DELETE", "/api/v2/env/{key}", remove_env),
]
