"""Tables of the verification domain: the outbox and the codes it carries.

``outbox`` keeps every message the emulator "sent" instead of an SMS or e-mail provider
(recipient, scene, code, time), newest last.  ``verification_codes`` holds the live code of
each (channel, recipient, scene): a new message replaces it, using it deletes it.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from ...store import Store

DDL = """
CREATE TABLE IF NOT EXISTS outbox (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    channel    TEXT NOT NULL,
    recipient  TEXT NOT NULL,
    scene      TEXT NOT NULL,
    code       TEXT NOT NULL,
    sent_at    REAL NOT NULL,
    expires_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS outbox_recipient ON outbox (recipient, seq);
CREATE TABLE IF NOT EXISTS verification_codes (
    channel    TEXT NOT NULL,
    recipient  TEXT NOT NULL,
    scene      TEXT NOT NULL,
    code       TEXT NOT NULL,
    expires_at REAL NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (channel, recipient, scene)
);
"""


def last_sent(store: Store, channel: str, recipient: str) -> Optional[float]:
    """When the last message of ``channel`` went to ``recipient`` (any scene)."""
    row = store.fetch_one(
        "SELECT max(sent_at) AS at FROM outbox WHERE channel = ? AND recipient = ?", (channel, recipient)
    )
    return None if row is None else row["at"]


def add_message(store: Store, channel: str, recipient: str, scene: str, code: str, now: float, expires_at: float) -> None:
    """Record a sent message and make ``code`` the live code of its (channel, recipient, scene)."""
    store.run(
        "INSERT INTO verification_codes (channel, recipient, scene, code, expires_at, attempts) "
        "VALUES (?, ?, ?, ?, ?, 0) ON CONFLICT (channel, recipient, scene) DO UPDATE SET "
        "code = excluded.code, expires_at = excluded.expires_at, attempts = 0",
        (channel, recipient, scene, code, expires_at),
    )
    store.run(
        "INSERT INTO outbox (channel, recipient, scene, code, sent_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
        (channel, recipient, scene, code, now, expires_at),
    )


def live_code(store: Store, channel: str, recipient: str, scene: str) -> Optional[Dict[str, Any]]:
    row = store.fetch_one(
        "SELECT code, expires_at, attempts FROM verification_codes WHERE channel = ? AND recipient = ? AND scene = ?",
        (channel, recipient, scene),
    )
    return None if row is None else dict(row)


def count_attempt(store: Store, channel: str, recipient: str, scene: str) -> int:
    """Count one wrong guess at a live code; returns the attempts so far."""
    store.run(
        "UPDATE verification_codes SET attempts = attempts + 1 WHERE channel = ? AND recipient = ? AND scene = ?",
        (channel, recipient, scene),
    )
    code = live_code(store, channel, recipient, scene)
    return 0 if code is None else int(code["attempts"])


def drop_code(store: Store, channel: str, recipient: str, scene: str) -> None:
    store.run(
        "DELETE FROM verification_codes WHERE channel = ? AND recipient = ? AND scene = ?",
        (channel, recipient, scene),
    )


def messages(store: Store, recipient: Optional[str] = None) -> List[Dict[str, Any]]:
    """The outbox, oldest first (only messages to ``recipient`` when given)."""
    sql = "SELECT seq, channel, recipient, scene, code, sent_at, expires_at FROM outbox"
    params: List[Any] = []
    if recipient is not None:
        sql += " WHERE recipient = ?"
        params.append(recipient)
    return [dict(r) for r in store.fetch_all(sql + " ORDER BY seq", params)]


def age(store: Store, recipient: Optional[str], seconds: float) -> int:
    """Move the messages and live codes of ``recipient`` (or all) ``seconds`` into the past,
    as if that much time had gone by; returns how many live codes were aged."""
    where, params = ("", ()) if recipient is None else (" WHERE recipient = ?", (recipient,))
    store.run("UPDATE outbox SET sent_at = sent_at - ?, expires_at = expires_at - ?" + where,
              (seconds, seconds) + params)
    return store.run("UPDATE verification_codes SET expires_at = expires_at - ?" + where, (seconds,) + params)
