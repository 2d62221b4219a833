"""Programmatic access accounts (AK/SK): machine clients of an application.

An account has an access key (its ``id``, the ``client_id`` of the ``client_credentials``
grant), a secret key (``secret``), a token lifetime (seconds, 1 s to 10 years; default
600), ``remarks`` and an ``enabled`` flag (a disabled account is refused at the token
endpoint).  It is an ``AK_SK`` target of grants and policies (identified by its access key);
what it is granted in the application's namespace decides the scope of its tokens.  Deleting
the account, or its application, removes its grants and policy assignments.

Table ``app_access_keys`` (triggers clear the grants and assignments of a deleted account).
"""

from __future__ import annotations

import sqlite3
from typing import Any, Dict, List, Optional, Tuple

from ...errors import NOT_FOUND, ApprowError, invalid
from ...store import Store
from ...tokens import object_id, random_secret
from ...values import now_iso

DDL = """
CREATE TABLE IF NOT EXISTS app_access_keys (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    id             TEXT NOT NULL UNIQUE,
    app_id         TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    secret         TEXT NOT NULL,
    enabled        INTEGER NOT NULL DEFAULT 1,
    token_lifetime INTEGER NOT NULL,
    remarks        TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS app_access_keys_gone AFTER DELETE ON app_access_keys BEGIN
    DELETE FROM grants WHERE target_type = 'AK_SK' AND target_id = OLD.id;
    DELETE FROM policy_assignments WHERE target_type = 'AK_SK' AND target_id = OLD.id;
END;
"""

DEFAULT_TOKEN_LIFETIME = 600
_MAX_LIFETIME = 10 * 366 * 86400
_SELECT = ("SELECT id, app_id, secret, enabled, token_lifetime, remarks, created_at, updated_at "
           "FROM app_access_keys")


def _account(row: sqlite3.Row) -> Dict[str, Any]:
    return {"id": row["id"], "appId": row["app_id"], "secret": row["secret"], "enabled": bool(row["enabled"]),
            "tokenLifetime": row["token_lifetime"], "remarks": row["remarks"], "createdAt": row["created_at"],
            "updatedAt": row["updated_at"]}


def view(pool_id: str, account: Dict[str, Any]) -> Dict[str, Any]:
    """An account as the management API shows it (also as ``accessKey`` and ``secretKey``)."""
    return dict(account, userPoolId=pool_id, accessKey=account["id"], secretKey=account["secret"])


def get(store: Store, account_id: Any) -> Optional[Dict[str, Any]]:
    if not isinstance(account_id, str) or not account_id:
        return None
    row = store.fetch_one(_SELECT + " WHERE id = ?", (account_id,))
    return None if row is None else _account(row)


def require(store: Store, account_id: Any) -> Dict[str, Any]:
    found = get(store, account_id)
    if found is None:
        raise ApprowError(NOT_FOUND, "Programmatic access account %r does not exist" % (account_id,))
    return found


def page(store: Store, app_id: str, offset: int, limit: int) -> Tuple[int, List[Dict[str, Any]]]:
    """``(total, one page)`` of an application's accounts, newest first."""
    with store.locked() as conn:
        total = conn.execute("SELECT count(*) FROM app_access_keys WHERE app_id = ?", (app_id,)).fetchone()[0]
        rows = conn.execute(_SELECT + " WHERE app_id = ? ORDER BY seq DESC LIMIT ? OFFSET ?",
                            (app_id, limit, offset)).fetchall()
    return total, [_account(r) for r in rows]


def token_lifetime(value: Any) -> int:
    if value is None:
        return DEFAULT_TOKEN_LIFETIME
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= _MAX_LIFETIME:
        raise invalid("tokenLifetime must be a number of seconds from 1 to %d, got %r" % (_MAX_LIFETIME, value))
    return value


def create(store: Store, app_id: str, lifetime: Any, remarks: Any, *, account_id: Optional[str] = None,
           secret: Optional[str] = None, enabled: bool = True) -> Dict[str, Any]:
    """A new account (id and secret random unless given, e.g. by a seed)."""
    if remarks is not None and (not isinstance(remarks, str) or len(remarks) > 1000):
        raise invalid("remarks must be a string of at most 1000 characters")
    account_id, now = account_id or object_id(), now_iso()
    if get(store, account_id) is not None:
        raise invalid("programmatic access account %s exists already" % account_id)
    store.run("INSERT INTO app_access_keys (id, app_id, secret, enabled, token_lifetime, remarks, created_at, "
              "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
              (account_id, app_id, secret or random_secret(), enabled, token_lifetime(lifetime), remarks, now, now))
    return require(store, account_id)


def change(store: Store, account_id: Any, body: Dict[str, Any]) -> Dict[str, Any]:
    """``{id, enabled}`` switches the account on or off; ``{id, secret}`` sets its secret key
    (a new random one for an empty or absent ``secret`` with no ``enabled``)."""
    with store.tx():
        found = require(store, account_id)
        if "enabled" in body and body["enabled"] is not None:
            if not isinstance(body["enabled"], bool):
                raise invalid("enabled must be true or false")
            store.run("UPDATE app_access_keys SET enabled = ?, updated_at = ? WHERE id = ?",
                      (body["enabled"], now_iso(), found["id"]))
        else:
            secret = body.get("secret") or random_secret()
            if not isinstance(secret, str) or not 8 <= len(secret) <= 256 or not secret.isprintable():
                raise invalid("secret must be 8 to 256 printable characters")
            if secret == found["secret"]:
                raise invalid("the new secret must differ from the current one")
            store.run("UPDATE app_access_keys SET secret = ?, updated_at = ? WHERE id = ?",
                      (secret, now_iso(), found["id"]))
        return require(store, found["id"])


def delete(store: Store, account_id: Any) -> None:
    with store.tx():
        found = require(store, account_id)
        store.run("DELETE FROM app_access_keys WHERE id = ?", (found["id"],))
