"""Tables of the MFA domain: users' TOTP authenticators, pending second-factor challenges
(the ``mfaToken`` of a login that needs one) and the factors each application requires.

Other domains read these through the functions below (the MFA administration of the
management API works on the same authenticator records).
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

from ...store import Store, dumps
from ...tokens import object_id
from ...values import now_iso

DDL = """
CREATE TABLE IF NOT EXISTS mfa_authenticators (
    id            TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    type          TEXT NOT NULL,
    secret        TEXT NOT NULL,
    recovery_code TEXT,
    enabled       INTEGER NOT NULL,
    last_step     INTEGER NOT NULL DEFAULT -1,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    UNIQUE (user_id, type)
);
CREATE TABLE IF NOT EXISTS mfa_challenges (
    jti        TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    app_id     TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS mfa_app_factors (
    app_id  TEXT PRIMARY KEY,
    factors TEXT NOT NULL
);
"""

#: Second factors an application can require.
FACTORS = ("OTP", "SMS", "EMAIL")


# --- authenticators ----------------------------------------------------------------------


def authenticator(store: Store, user_id: str, kind: str = "totp") -> Optional[Dict[str, Any]]:
    row = store.fetch_one("SELECT * FROM mfa_authenticators WHERE user_id = ? AND type = ?", (user_id, kind))
    return None if row is None else dict(row)


def authenticator_by_id(store: Store, authenticator_id: str) -> Optional[Dict[str, Any]]:
    row = store.fetch_one("SELECT * FROM mfa_authenticators WHERE id = ?", (authenticator_id,))
    return None if row is None else dict(row)


def view(record: Dict[str, Any]) -> Dict[str, Any]:
    """An authenticator as the API shows it."""
    return {
        "id": record["id"],
        "userId": record["user_id"],
        "enable": bool(record["enabled"]),
        "secret": record["secret"],
        "authenticatorType": record["type"],
        "recoveryCode": record["recovery_code"],
        "createdAt": record["created_at"],
        "updatedAt": record["updated_at"],
    }


def put_authenticator(store: Store, user_id: str, secret: str, recovery_code: Optional[str], *,
                      enabled: bool, kind: str = "totp") -> Dict[str, Any]:
    """Create or replace the user's authenticator of ``kind`` (a new secret starts afresh)."""
    now = now_iso()
    with store.tx():
        store.run(
            "INSERT INTO mfa_authenticators (id, user_id, type, secret, recovery_code, enabled, last_step, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, -1, ?, ?) ON CONFLICT (user_id, type) DO UPDATE SET "
            "secret = excluded.secret, recovery_code = excluded.recovery_code, enabled = excluded.enabled, "
            "last_step = -1, updated_at = excluded.updated_at",
            (object_id(), user_id, kind, secret, recovery_code, int(enabled), now, now),
        )
        found = authenticator(store, user_id, kind)
    assert found is not None
    return found


def enable(store: Store, authenticator_id: str, step: int) -> None:
    store.run("UPDATE mfa_authenticators SET enabled = 1, last_step = ?, updated_at = ? WHERE id = ?",
              (step, now_iso(), authenticator_id))


def set_enabled(store: Store, authenticator_id: str, enabled: bool) -> None:
    """Switch an authenticator on or off (an administrator's change: no code is checked)."""
    store.run("UPDATE mfa_authenticators SET enabled = ?, updated_at = ? WHERE id = ?",
              (int(enabled), now_iso(), authenticator_id))


def use_step(store: Store, authenticator_id: str, step: int) -> bool:
    """Record that the code of ``step`` was used; False if that step (or a later one) was."""
    return bool(store.run("UPDATE mfa_authenticators SET last_step = ? WHERE id = ? AND last_step < ?",
                          (step, authenticator_id, step)))


def use_recovery_code(store: Store, authenticator_id: str, code: str) -> bool:
    """Spend the recovery code (it works once); False if it is not the current one."""
    return bool(store.run(
        "UPDATE mfa_authenticators SET recovery_code = NULL, updated_at = ? WHERE id = ? AND recovery_code = ?",
        (now_iso(), authenticator_id, code),
    ))


def remove_authenticator(store: Store, user_id: str, kind: str = "totp") -> bool:
    return bool(store.run("DELETE FROM mfa_authenticators WHERE user_id = ? AND type = ?", (user_id, kind)))


def totp_enabled(store: Store, user_id: str) -> bool:
    row = store.fetch_one("SELECT enabled FROM mfa_authenticators WHERE user_id = ? AND type = 'totp'", (user_id,))
    return bool(row and row["enabled"])


# --- challenges (mfaToken) ---------------------------------------------------------------


def add_challenge(store: Store, jti: str, user_id: str, app_id: str, expires_at: int) -> None:
    store.run("INSERT INTO mfa_challenges (jti, user_id, app_id, expires_at) VALUES (?, ?, ?, ?)",
              (jti, user_id, app_id, expires_at))


def challenge(store: Store, jti: str) -> Optional[Dict[str, Any]]:
    row = store.fetch_one("SELECT * FROM mfa_challenges WHERE jti = ?", (jti,))
    return None if row is None else dict(row)


def count_failure(store: Store, jti: str) -> int:
    store.run("UPDATE mfa_challenges SET attempts = attempts + 1 WHERE jti = ?", (jti,))
    found = challenge(store, jti)
    return 0 if found is None else int(found["attempts"])


def end_challenge(store: Store, jti: str) -> bool:
    return bool(store.run("DELETE FROM mfa_challenges WHERE jti = ?", (jti,)))


def purge_challenges(store: Store, now: int) -> None:
    store.run("DELETE FROM mfa_challenges WHERE expires_at < ?", (now,))


# --- application settings ----------------------------------------------------------------


def app_factors(store: Store, app_id: str) -> List[str]:
    row = store.fetch_one("SELECT factors FROM mfa_app_factors WHERE app_id = ?", (app_id,))
    return [] if row is None else list(json.loads(row["factors"]))


def set_app_factors(store: Store, app_id: str, factors: List[str]) -> None:
    if factors:
        store.run(
            "INSERT INTO mfa_app_factors (app_id, factors) VALUES (?, ?) "
            "ON CONFLICT (app_id) DO UPDATE SET factors = excluded.factors",
            (app_id, dumps(factors)),
        )
    else:
        store.run("DELETE FROM mfa_app_factors WHERE app_id = ?", (app_id,))
