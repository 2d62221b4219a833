"""Tables of the auth domain: the tokens of required password changes.

A sign-in refused because the user must change their password (at the first login, or a
change the pool forces) carries a token; ``resetPasswordByFirstLoginToken`` /
``resetPasswordByForceResetToken`` take it.  Tokens are random, stored as SHA-256 digests,
valid for :data:`RESET_TOKEN_LIFETIME` seconds and used once.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from typing import Any, Dict, Optional

from ...store import Store

DDL = """
CREATE TABLE IF NOT EXISTS password_reset_tokens (
    digest     TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    expires_at REAL NOT NULL
);
"""

RESET_TOKEN_LIFETIME = 3600


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_reset_token(store: Store, user_id: str, kind: str) -> str:
    token = secrets.token_urlsafe(32)
    now = time.time()
    with store.tx():
        store.run("DELETE FROM password_reset_tokens WHERE expires_at < ?", (now,))
        store.run("INSERT INTO password_reset_tokens (digest, user_id, kind, expires_at) VALUES (?, ?, ?, ?)",
                  (_digest(token), user_id, kind, now + RESET_TOKEN_LIFETIME))
    return token


def reset_token(store: Store, token: str) -> Optional[Dict[str, Any]]:
    row = store.fetch_one("SELECT user_id, kind, expires_at FROM password_reset_tokens WHERE digest = ?",
                          (_digest(token),))
    return None if row is None else dict(row)


def drop_reset_token(store: Store, token: str) -> bool:
    return bool(store.run("DELETE FROM password_reset_tokens WHERE digest = ?", (_digest(token),)))
