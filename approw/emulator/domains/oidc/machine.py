"""The ``client_credentials`` grant: tokens for programmatic access accounts (AK/SK).

The client is an account of an application (``client_id`` = access key, ``client_secret`` =
secret key, in the form or with HTTP Basic); a disabled account is refused.  ``scope`` lists
``resource:action`` items: the text after the last ``:`` is the action, the rest the resource
code (``books:1:read`` is ``read`` on ``books:1``).  An item is granted when the account (an
``AK_SK`` target) is allowed the action -- or ``<kind>:<action>``, e.g. ``books:read`` -- on the
resource in the application's namespace, by grants or by policies (their conditions
evaluated); the others come back in ``rejected_scope``.  Nothing granted: ``invalid_scope``.
The token lives for the account's ``tokenLifetime``; its ``sub`` and ``client_id`` are the
access key, its ``aud`` the application.
"""

from __future__ import annotations

import hmac
import os
from dataclasses import replace
from typing import Any, Dict, Optional, Tuple

from ...context import RequestContext
from ...domain import Request
from ...tokens import b64url
from ..acl import patterns
from ..acl.permissions import Permissions
from ..applications import access_keys
from ..namespaces import state as namespaces
from ..policies import conditions
from . import clients, issue
from .clients import OAuthError


def _split(item: str) -> Optional[Tuple[str, str]]:
    resource, sep, action = item.rpartition(":")
    if not sep or not resource or not action:
        return None
    return resource, action


def application_of(ctx: RequestContext, record: Dict[str, Any]) -> Optional[str]:
    """The application of the access key a token was issued to (None: not an access key's)."""
    if record.get("user_id") is not None:
        return None
    account = access_keys.get(ctx.store, record.get("client_id"))
    return None if account is None else str(account["appId"])


def client_credentials(ctx: RequestContext, req: Request, form: Dict[str, str], now: int) -> Dict[str, Any]:
    access_key, secret, basic = clients.presented(req)
    account = access_keys.get(ctx.store, access_key)
    if account is None:
        if clients.client(ctx, access_key) is not None:
            raise OAuthError("unauthorized_client", "client_credentials is for programmatic access accounts "
                             "(AK/SK) of an application, not for the application itself")
        raise OAuthError("invalid_client", "Unknown access key", 401, basic=basic)
    if secret is None or not hmac.compare_digest(secret.encode("utf-8"), account["secret"].encode("utf-8")):
        raise OAuthError("invalid_client", "Wrong secret key", 401, basic=basic)
    if not account["enabled"]:
        raise OAuthError("invalid_client", "This programmatic access account is disabled", 401, basic=basic)
    items = list(dict.fromkeys((form.get("scope") or "").split()))
    if not items:
        raise OAuthError("invalid_scope", "scope is required: resource:action items separated by spaces")
    namespace = namespaces.by_code(ctx.store, account["appId"])
    permissions = Permissions(ctx.store, [("AK_SK", account["id"])], namespace["id"] if namespace else -1,
                              conditions.context(ctx.client_ip, account["appId"]))
    granted = []
    for item in items:
        parts = _split(item)
        if parts is None:
            continue
        resource, action = parts
        kind_action = "%s:%s" % (patterns.kind_of(resource), action)
        if permissions.allowed(resource, action) or permissions.allowed(resource, kind_action):
            granted.append(item)
    rejected = [s for s in items if s not in granted]
    if not granted:
        raise OAuthError("invalid_scope", "no scope item is granted to this access key (rejected: %s)"
                         % " ".join(rejected))
    app = replace(clients.settings(ctx, account["appId"]), access_token_lifetime=account["tokenLifetime"])
    grant = issue.Grant(b64url(os.urandom(12)), issue.OIDC, account["id"], None, " ".join(granted))
    token, expires_in = issue.access_token(ctx, app, grant, now, audience=account["appId"])
    return {"access_token": token, "token_type": "Bearer", "expires_in": expires_in, "scope": grant.scope,
            "rejected_scope": " ".join(rejected)}
