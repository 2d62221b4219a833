"""Tables of the OpenID Provider: browser sessions, authorization codes, issued tokens.

* ``op_sessions``: a sign-in at the provider's login form (the ``sid`` of its cookie and of
  the ID tokens issued in it); ended by RP-initiated logout.
* ``op_codes``: authorization codes, single use, short-lived; a code presented twice revokes
  every token issued from it (RFC 6749 section 4.1.2).
* ``op_tokens``: access and refresh tokens by ``key`` (the ``jti`` of a JWT access token, the
  token itself when opaque); a ``grant_id`` ties together the tokens of one authorization.
  ``user_id`` is NULL for client-credentials tokens.  Deleting a user deletes all of theirs.
* ``op_clients``: each application's settings as a client that differ from the defaults
  (JSON); they go with the application.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any, Dict, List, Optional

from ...store import Store, dumps

DDL = """
CREATE TABLE IF NOT EXISTS op_sessions (
    sid       TEXT PRIMARY KEY,
    user_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    auth_time INTEGER NOT NULL,
    expires   INTEGER NOT NULL,
    ended     INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS op_codes (
    code             TEXT PRIMARY KEY,
    grant_id         TEXT NOT NULL,
    protocol         TEXT NOT NULL,
    client_id        TEXT NOT NULL,
    user_id          TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    redirect_uri     TEXT,
    scope            TEXT NOT NULL,
    nonce            TEXT,
    challenge        TEXT,
    challenge_method TEXT,
    sid              TEXT,
    auth_time        INTEGER NOT NULL,
    offline          INTEGER NOT NULL,
    expires          INTEGER NOT NULL,
    used             INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS op_tokens (
    key       TEXT PRIMARY KEY,
    kind      TEXT NOT NULL,
    grant_id  TEXT NOT NULL,
    protocol  TEXT NOT NULL,
    client_id TEXT NOT NULL,
    user_id   TEXT REFERENCES users (id) ON DELETE CASCADE,
    scope     TEXT NOT NULL,
    nonce     TEXT,
    sid       TEXT,
    auth_time INTEGER,
    iat       INTEGER NOT NULL,
    exp       INTEGER NOT NULL,
    revoked   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS op_tokens_grant ON op_tokens (grant_id);
CREATE TABLE IF NOT EXISTS op_clients (
    app_id   TEXT PRIMARY KEY REFERENCES applications (id) ON DELETE CASCADE,
    settings TEXT NOT NULL
);
"""

_CODE_COLUMNS = ("code", "grant_id", "protocol", "client_id", "user_id", "redirect_uri", "scope", "nonce",
                 "challenge", "challenge_method", "sid", "auth_time", "offline", "expires")
_TOKEN_COLUMNS = ("key", "kind", "grant_id", "protocol", "client_id", "user_id", "scope", "nonce", "sid",
                  "auth_time", "iat", "exp")


def _row(row: Optional[sqlite3.Row]) -> Optional[Dict[str, Any]]:
    return None if row is None else dict(row)


# --- sessions --------------------------------------------------------------------------------


def add_session(store: Store, sid: str, user_id: str, auth_time: int, expires: int) -> None:
    store.run("INSERT INTO op_sessions (sid, user_id, auth_time, expires) VALUES (?, ?, ?, ?)",
              (sid, user_id, auth_time, expires))


def live_session(store: Store, sid: Optional[str], now: int) -> Optional[Dict[str, Any]]:
    if not sid:
        return None
    return _row(store.fetch_one(
        "SELECT * FROM op_sessions WHERE sid = ? AND ended = 0 AND expires > ?", (sid, now)))


def end_session(store: Store, sid: str) -> bool:
    return bool(store.run("UPDATE op_sessions SET ended = 1 WHERE sid = ? AND ended = 0", (sid,)))


# --- codes -----------------------------------------------------------------------------------


def add_code(store: Store, record: Dict[str, Any]) -> None:
    store.run("INSERT INTO op_codes (%s) VALUES (%s)" % (", ".join(_CODE_COLUMNS), ", ".join("?" * len(_CODE_COLUMNS))),
              tuple(record[c] for c in _CODE_COLUMNS))


def take_code(store: Store, code: str) -> Optional[Dict[str, Any]]:
    """The code's record, marked used in the same transaction (``used`` tells whether it had
    been used before)."""
    with store.tx():
        record = _row(store.fetch_one("SELECT * FROM op_codes WHERE code = ?", (code,)))
        if record is not None and not record["used"]:
            store.run("UPDATE op_codes SET used = 1 WHERE code = ?", (code,))
    return record


def purge(store: Store, now: int) -> None:
    """Forget expired codes, tokens and sessions."""
    with store.tx():
        store.run("DELETE FROM op_codes WHERE expires <= ?", (now - 3600,))
        store.run("DELETE FROM op_tokens WHERE exp <= ?", (now,))
        store.run("DELETE FROM op_sessions WHERE expires <= ?", (now,))


# --- tokens ----------------------------------------------------------------------------------


def add_token(store: Store, record: Dict[str, Any]) -> None:
    store.run("INSERT INTO op_tokens (%s) VALUES (%s)" % (", ".join(_TOKEN_COLUMNS), ", ".join("?" * len(_TOKEN_COLUMNS))),
              tuple(record.get(c) for c in _TOKEN_COLUMNS))


def get_token(store: Store, key: str) -> Optional[Dict[str, Any]]:
    return _row(store.fetch_one("SELECT * FROM op_tokens WHERE key = ?", (key,)))


def revoke_token(store: Store, key: str) -> bool:
    return bool(store.run("UPDATE op_tokens SET revoked = 1 WHERE key = ? AND revoked = 0", (key,)))


def revoke_grant(store: Store, grant_id: str) -> int:
    return store.run("UPDATE op_tokens SET revoked = 1 WHERE grant_id = ? AND revoked = 0", (grant_id,))


def revoke_client(store: Store, client_id: str) -> int:
    """Revoke every token issued to a client (its application is being deleted)."""
    return store.run("UPDATE op_tokens SET revoked = 1 WHERE client_id = ? AND revoked = 0", (client_id,))


def live_users_sql(now: int) -> str:
    """SQL over ``users`` (``?`` = the client id) selecting the users holding a live access or
    refresh token of a client; ``now`` is inlined."""
    return "id IN (SELECT user_id FROM op_tokens WHERE client_id = ? AND revoked = 0 AND exp > %d)" % now


# --- client settings -------------------------------------------------------------------------


def client_settings(store: Store, app_id: str) -> Optional[Dict[str, Any]]:
    row = store.fetch_one("SELECT settings FROM op_clients WHERE app_id = ?", (app_id,))
    return None if row is None else dict(json.loads(row["settings"]))


def set_client_settings(store: Store, app_id: str, settings: Dict[str, Any]) -> None:
    store.run("INSERT INTO op_clients (app_id, settings) VALUES (?, ?) ON CONFLICT (app_id) DO UPDATE SET "
              "settings = excluded.settings", (app_id, dumps(settings)))


# --- a user's live grants (the console) ------------------------------------------------------


def live_tokens_of(store: Store, user_id: str, now: int) -> List[Dict[str, Any]]:
    return [dict(r) for r in store.fetch_all(
        "SELECT client_id, kind, iat, exp FROM op_tokens WHERE user_id = ? AND revoked = 0 AND exp > ? "
        "ORDER BY iat DESC", (user_id, now))]


def end_user(store: Store, user_id: str) -> int:
    """Revoke every token of a user and end their provider sessions; returns the tokens revoked."""
    with store.tx():
        store.run("UPDATE op_sessions SET ended = 1 WHERE user_id = ? AND ended = 0", (user_id,))
        return store.run("UPDATE op_tokens SET revoked = 1 WHERE user_id = ? AND revoked = 0", (user_id,))
