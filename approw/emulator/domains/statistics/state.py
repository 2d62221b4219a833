"""Table of the statistics domain: the log of user actions and management changes.

One row per entry: the columns the listings filter on, and the entry itself as the
endpoints return it (JSON).  ``kind`` is ``user`` (the user action log) or ``audit`` (the audit
log).  The newest :data:`MAX_ENTRIES` are kept.
"""

from __future__ import annotations

import itertools
import json
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ...store import Store, dumps

DDL = """
CREATE TABLE IF NOT EXISTS analysis_logs (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    kind           TEXT NOT NULL,
    operation_name TEXT NOT NULL,
    operator_arn   TEXT,
    user_id        TEXT,
    client_ip      TEXT,
    at             REAL NOT NULL,
    entry          TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS analysis_logs_kind ON analysis_logs (kind, seq);
CREATE INDEX IF NOT EXISTS analysis_logs_user ON analysis_logs (user_id, operation_name, at);
CREATE INDEX IF NOT EXISTS analysis_logs_ip ON analysis_logs (client_ip, operation_name, at);
"""

MAX_ENTRIES = 100_000
_PURGE_EVERY = 1000
_added = itertools.count(1)


def add(store: Store, kind: str, entry: Dict[str, Any], user_id: Optional[str], at: float) -> None:
    store.run(
        "INSERT INTO analysis_logs (kind, operation_name, operator_arn, user_id, client_ip, at, entry) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (kind, entry["operation_name"], entry.get("operator_arn"), user_id, entry.get("clientip"), at,
         dumps(entry)),
    )
    if next(_added) % _PURGE_EVERY == 0:
        store.run("DELETE FROM analysis_logs WHERE seq <= (SELECT MAX(seq) FROM analysis_logs) - ?", (MAX_ENTRIES,))


def page(store: Store, kind: str, *, client_ip: Optional[str], operations: Sequence[str],
         operators: Sequence[str], offset: int, limit: int) -> Tuple[int, List[Dict[str, Any]]]:
    """``(total, entries)``: one page of the ``kind`` log, newest first, filtered."""
    where = ["kind = ?"]
    params: List[Any] = [kind]
    if client_ip is not None:
        where.append("client_ip = ?")
        params.append(client_ip)
    for column, values in (("operation_name", operations), ("operator_arn", operators)):
        if values:
            where.append("%s IN (%s)" % (column, ", ".join("?" * len(values))))
            params.extend(values)
    clause = " AND ".join(where)
    with store.locked():  # the count and the page from the same state
        counted = store.fetch_one("SELECT COUNT(*) FROM analysis_logs WHERE " + clause, params)
        total = counted[0] if counted else 0
        rows = store.fetch_all("SELECT entry FROM analysis_logs WHERE %s ORDER BY seq DESC LIMIT ? OFFSET ?"
                               % clause, params + [limit, offset])
    return int(total), [json.loads(r[0]) for r in rows]


def failed_logins(store: Store, user_id: str, since: float) -> int:
    """Failed sign-ins of a user after ``since`` and after their last successful one."""
    row = store.fetch_one(
        "SELECT COUNT(*) FROM analysis_logs WHERE user_id = ? AND operation_name = 'loginFailed' AND at > ? "
        "AND seq > COALESCE((SELECT MAX(seq) FROM analysis_logs WHERE user_id = ? AND operation_name = 'login'), 0)",
        (user_id, since, user_id),
    )
    return int(row[0]) if row else 0


def registrations(store: Store, client_ip: str, since: float) -> int:
    """Registrations from one IP address after ``since``."""
    row = store.fetch_one(
        "SELECT COUNT(*) FROM analysis_logs WHERE client_ip = ? AND operation_name = 'register' AND at > ?",
        (client_ip, since),
    )
    return int(row[0]) if row else 0
