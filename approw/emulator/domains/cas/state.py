"""Table of the CAS domain: service tickets (``ST-...``), single use, short-lived.

A ticket is bound to the application and the service URL it was issued for and to the user; ``primary`` says
whether it came from a sign-in with the login form (what ``renew=true`` validation asks for)
rather than from an existing session.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from ...store import Store

DDL = """
CREATE TABLE IF NOT EXISTS cas_tickets (
    ticket  TEXT PRIMARY KEY,
    app_id  TEXT NOT NULL,
    service TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    primary_login INTEGER NOT NULL,
    expires INTEGER NOT NULL
);
"""


def add_ticket(store: Store, ticket: str, app_id: str, service: str, user_id: str, primary: bool,
               expires: int) -> None:
    store.run("INSERT INTO cas_tickets (ticket, app_id, service, user_id, primary_login, expires) "
              "VALUES (?, ?, ?, ?, ?, ?)", (ticket, app_id, service, user_id, int(primary), expires))


def take_ticket(store: Store, ticket: str) -> Optional[Dict[str, Any]]:
    """The ticket's record, deleted in the same transaction: a ticket is validated once,
    whatever the outcome."""
    with store.tx():
        row = store.fetch_one("SELECT * FROM cas_tickets WHERE ticket = ?", (ticket,))
        if row is not None:
            store.run("DELETE FROM cas_tickets WHERE ticket = ?", (ticket,))
    return None if row is None else dict(row)


def purge(store: Store, now: int) -> None:
    store.run("DELETE FROM cas_tickets WHERE expires <= ?", (now,))
