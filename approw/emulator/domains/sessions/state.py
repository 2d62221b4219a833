"""Table of the sessions domain: every issued user token, by ``jti``.

A user token is usable while its record exists unrevoked: logout revokes one token,
kicking a user revokes all of theirs, deleting a user deletes their records (foreign key).
Expired records are purged now and then; the JWT's own ``exp`` rejects them meanwhile.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from ...store import Store

DDL = """
CREATE TABLE IF NOT EXISTS tokens (
    jti     TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    app_id  TEXT,
    iat     INTEGER NOT NULL,
    exp     INTEGER NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS tokens_user ON tokens (user_id);
"""


def record_token(store: Store, jti: str, user_id: str, app_id: Optional[str], iat: int, exp: int) -> None:
    store.run(
        "INSERT INTO tokens (jti, user_id, app_id, iat, exp) VALUES (?, ?, ?, ?, ?)",
        (jti, user_id, app_id, iat, exp),
    )


def token_usable(store: Store, jti: Any, user_id: Any) -> bool:
    """True when ``jti`` was issued to ``user_id`` and has not been revoked."""
    if not isinstance(jti, str) or not isinstance(user_id, str):
        return False
    row = store.fetch_one("SELECT revoked FROM tokens WHERE jti = ? AND user_id = ?", (jti, user_id))
    return row is not None and not row["revoked"]


def revoke_token(store: Store, jti: str) -> bool:
    return bool(store.run("UPDATE tokens SET revoked = 1 WHERE jti = ? AND revoked = 0", (jti,)))


def revoke_user_tokens(store: Store, user_id: str, app_id: Optional[str] = None) -> int:
    """Revoke a user's tokens (those issued for ``app_id`` only, when given)."""
    if app_id is None:
        return store.run("UPDATE tokens SET revoked = 1 WHERE user_id = ? AND revoked = 0", (user_id,))
    return store.run(
        "UPDATE tokens SET revoked = 1 WHERE user_id = ? AND app_id = ? AND revoked = 0", (user_id, app_id)
    )


def session_apps(store: Store, user_id: str, now: int) -> List[str]:
    """Applications for which a user holds a live (unexpired, unrevoked) token."""
    rows = store.fetch_all(
        "SELECT DISTINCT app_id FROM tokens WHERE user_id = ? AND revoked = 0 AND exp > ? ORDER BY app_id",
        (user_id, now),
    )
    return [r[0] for r in rows]


def revoke_app_tokens(store: Store, app_id: str) -> int:
    """Revoke every token issued for an application (it is being deleted)."""
    return store.run("UPDATE tokens SET revoked = 1 WHERE app_id = ? AND revoked = 0", (app_id,))


def live_users_sql(now: int) -> str:
    """SQL over ``users`` (``?`` = the application id) selecting the users holding a live
    token of an application; ``now`` is inlined."""
    return "id IN (SELECT user_id FROM tokens WHERE app_id = ? AND revoked = 0 AND exp > %d)" % now


def purge_tokens(store: Store, now: int) -> int:
    return store.run("DELETE FROM tokens WHERE exp <= ?", (now,))


def live_tokens_of(store: Store, user_id: str, now: int) -> List[Dict[str, Any]]:
    """A user's live (unrevoked, unexpired) tokens, newest first: ``{jti, app_id, iat, exp}``."""
    return [dict(r) for r in store.fetch_all(
        "SELECT jti, app_id, iat, exp FROM tokens WHERE user_id = ? AND revoked = 0 AND exp > ? ORDER BY iat DESC",
        (user_id, now))]
