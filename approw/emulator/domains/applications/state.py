"""Tables of the applications domain: the pool's applications, their access policies and
their agreements.

* ``applications``: id, secret (the client secret), ``identifier`` (its subdomain, unique
  regardless of case), settings, and the default access strategy (``ALLOW_ALL`` or
  ``DENY_ALL``).  The pool's default application is the row with ``is_default``; it is
  created with the pool and cannot be deleted.
* ``app_access_policies``: one row per application and target (a user, role, group or
  organisation node, stored by internal id as grants are): ``ALLOW`` or ``DENY``, enabled or
  not, and for a node whether its descendants' members are covered too.  A policy goes with
  its target (triggers on the users, roles, groups and org_nodes tables).
* ``app_agreements``: the terms shown at sign-up, numbered ids, in ``sort_order``.

Deleting an application deletes its policies and agreements (foreign keys).
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ...store import Store, dumps
from ...values import now_iso

DDL = """
CREATE TABLE IF NOT EXISTS applications (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    id               TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL,
    identifier       TEXT NOT NULL UNIQUE COLLATE NOCASE,
    description      TEXT,
    logo             TEXT,
    redirect_uris    TEXT NOT NULL DEFAULT '[]',
    secret           TEXT NOT NULL,
    default_strategy TEXT NOT NULL DEFAULT 'ALLOW_ALL',
    is_default       INTEGER NOT NULL DEFAULT 0,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS app_access_policies (
    seq                 INTEGER PRIMARY KEY AUTOINCREMENT,
    app_id              TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    target_type         TEXT NOT NULL,
    target_id           TEXT NOT NULL,
    effect              TEXT NOT NULL,
    enabled             INTEGER NOT NULL DEFAULT 1,
    inherit_by_children INTEGER NOT NULL DEFAULT 0,
    assigned_at         TEXT NOT NULL,
    UNIQUE (app_id, target_type, target_id)
);
CREATE TRIGGER IF NOT EXISTS app_access_of_users AFTER DELETE ON users BEGIN
    DELETE FROM app_access_policies WHERE target_type = 'USER' AND target_id = OLD.id;
END;
CREATE TRIGGER IF NOT EXISTS app_access_of_roles AFTER DELETE ON roles BEGIN
    DELETE FROM app_access_policies WHERE target_type = 'ROLE' AND target_id = OLD.id;
END;
CREATE TRIGGER IF NOT EXISTS app_access_of_groups AFTER DELETE ON groups BEGIN
    DELETE FROM app_access_policies WHERE target_type = 'GROUP' AND target_id = OLD.id;
END;
CREATE TRIGGER IF NOT EXISTS app_access_of_nodes AFTER DELETE ON org_nodes BEGIN
    DELETE FROM app_access_policies WHERE target_type = 'ORG' AND target_id = OLD.id;
END;
CREATE TABLE IF NOT EXISTS app_agreements (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    app_id     TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    title      TEXT NOT NULL,
    required   INTEGER NOT NULL,
    lang       TEXT NOT NULL,
    sort_order INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS app_agreements_app ON app_agreements (app_id, sort_order);
"""

# API field -> applications column, for the settings an update may change.
APP_COLUMNS = {"name": "name", "identifier": "identifier", "description": "description", "logo": "logo",
               "redirectUris": "redirect_uris", "defaultStrategy": "default_strategy"}
_SELECT = ("SELECT id, name, identifier, description, logo, redirect_uris, secret, default_strategy, is_default, "
           "created_at, updated_at FROM applications")


class IdentifierTaken(Exception):
    """Another application has this identifier."""


def _app(row: sqlite3.Row) -> Dict[str, Any]:
    return {"id": row["id"], "name": row["name"], "identifier": row["identifier"],
            "description": row["description"], "logo": row["logo"], "redirectUris": json.loads(row["redirect_uris"]),
            "secret": row["secret"], "defaultStrategy": row["default_strategy"], "isDefault": bool(row["is_default"]),
            "createdAt": row["created_at"], "updatedAt": row["updated_at"]}


# --- applications --------------------------------------------------------------------------


def insert(store: Store, app: Dict[str, Any]) -> None:
    """Add an application (keys of :func:`get`'s dicts); a taken identifier raises
    :class:`IdentifierTaken`."""
    try:
        store.run(
            "INSERT INTO applications (id, name, identifier, description, logo, redirect_uris, secret, "
            "default_strategy, is_default, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (app["id"], app["name"], app["identifier"], app.get("description"), app.get("logo"),
             dumps(app.get("redirectUris") or []), app["secret"], app.get("defaultStrategy") or "ALLOW_ALL",
             bool(app.get("isDefault")), app["createdAt"], app["createdAt"]))
    except sqlite3.IntegrityError:
        raise IdentifierTaken(app["identifier"]) from None


def ensure_default(store: Store, app: Dict[str, Any]) -> bool:
    """Add the pool's default application unless it exists; True when it was added."""
    if get(store, app["id"]) is not None:
        return False
    insert(store, dict(app, isDefault=True))
    return True


def get(store: Store, app_id: Any) -> Optional[Dict[str, Any]]:
    if not isinstance(app_id, str):
        return None
    row = store.fetch_one(_SELECT + " WHERE id = ?", (app_id,))
    return None if row is None else _app(row)


def exists(store: Store, app_id: str) -> bool:
    return store.fetch_one("SELECT 1 FROM applications WHERE id = ?", (app_id,)) is not None


def secret(store: Store, app_id: str) -> Optional[str]:
    """The application's current client secret (None: no such application)."""
    row = store.fetch_one("SELECT secret FROM applications WHERE id = ?", (app_id,))
    return None if row is None else str(row["secret"])


def page(store: Store, offset: int, limit: Optional[int]) -> Tuple[int, List[Dict[str, Any]]]:
    """``(total, one page)``: the default application first, then the oldest first."""
    with store.locked() as conn:
        total = conn.execute("SELECT count(*) FROM applications").fetchone()[0]
        sql = _SELECT + " ORDER BY is_default DESC, seq"
        params: Tuple[Any, ...] = ()
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params = (limit, offset)
        rows = conn.execute(sql, params).fetchall()
    return total, [_app(r) for r in rows]


def update(store: Store, app_id: str, changes: Dict[str, Any]) -> None:
    """Write ``changes`` (keys of ``APP_COLUMNS``); a taken identifier raises :class:`IdentifierTaken`."""
    columns = [APP_COLUMNS[k] for k in APP_COLUMNS if k in changes] + ["updated_at"]
    values = [dumps(changes[k]) if k == "redirectUris" else changes[k] for k in APP_COLUMNS if k in changes]
    try:
        store.run("UPDATE applications SET %s WHERE id = ?" % ", ".join("%s = ?" % c for c in columns),
                  values + [now_iso(), app_id])
    except sqlite3.IntegrityError:
        raise IdentifierTaken(changes.get("identifier")) from None


def set_secret(store: Store, app_id: str, new_secret: str) -> None:
    store.run("UPDATE applications SET secret = ?, updated_at = ? WHERE id = ?", (new_secret, now_iso(), app_id))


def delete(store: Store, app_id: str) -> bool:
    return bool(store.run("DELETE FROM applications WHERE id = ? AND is_default = 0", (app_id,)))


# --- access policies -----------------------------------------------------------------------


def set_policy(store: Store, app_id: str, target: Tuple[str, str], effect: str, inherit: bool) -> None:
    """Allow or deny a target (replacing what it had), enabled."""
    store.run(
        "INSERT INTO app_access_policies (app_id, target_type, target_id, effect, enabled, inherit_by_children, "
        "assigned_at) VALUES (?, ?, ?, ?, 1, ?, ?) ON CONFLICT (app_id, target_type, target_id) DO UPDATE SET "
        "effect = excluded.effect, enabled = 1, inherit_by_children = excluded.inherit_by_children, "
        "assigned_at = excluded.assigned_at", (app_id, target[0], target[1], effect, inherit, now_iso()))


def has_policy(store: Store, app_id: str, target: Tuple[str, str]) -> bool:
    return store.fetch_one("SELECT 1 FROM app_access_policies WHERE app_id = ? AND target_type = ? AND target_id = ?",
                           (app_id, target[0], target[1])) is not None


def enable_policy(store: Store, app_id: str, target: Tuple[str, str], enabled: bool) -> None:
    store.run("UPDATE app_access_policies SET enabled = ? WHERE app_id = ? AND target_type = ? AND target_id = ?",
              (enabled, app_id, target[0], target[1]))


def delete_policy(store: Store, app_id: str, target: Tuple[str, str]) -> None:
    store.run("DELETE FROM app_access_policies WHERE app_id = ? AND target_type = ? AND target_id = ?",
              (app_id, target[0], target[1]))


def policies(store: Store, app_id: str, identifier_sql: str, offset: int = 0, limit: Optional[int] = None,
             enabled_only: bool = False) -> Tuple[int, List[sqlite3.Row]]:
    """``(total, rows)`` of an application's policies, oldest first, each with ``identifier``
    (``identifier_sql`` over ``target_type`` / ``target_id``)."""
    where = "app_id = ?" + (" AND enabled = 1" if enabled_only else "")
    with store.locked() as conn:
        total = conn.execute("SELECT count(*) FROM app_access_policies WHERE " + where, (app_id,)).fetchone()[0]
        sql = ("SELECT target_type, target_id, effect, enabled, inherit_by_children, assigned_at, %s AS identifier "
               "FROM app_access_policies WHERE %s ORDER BY seq"
               % (identifier_sql % {"t": "target_type", "i": "target_id"}, where))
        params: Tuple[Any, ...] = (app_id,)
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += (limit, offset)
        return total, conn.execute(sql, params).fetchall()


def open_to_all(store: Store, app_id: str) -> Optional[bool]:
    """Whether every user may use the application without looking at who they are (ALLOW_ALL
    and no enabled DENY policy); None for an unknown application."""
    row = store.fetch_one(
        "SELECT default_strategy = 'ALLOW_ALL' AND NOT EXISTS (SELECT 1 FROM app_access_policies p "
        "WHERE p.app_id = a.id AND p.enabled = 1 AND p.effect = 'DENY') AS open FROM applications a WHERE id = ?",
        (app_id,))
    return None if row is None else bool(row["open"])


# --- agreements ----------------------------------------------------------------------------

_AGREEMENT_SELECT = "SELECT id, app_id, title, required, lang, sort_order, created_at, updated_at FROM app_agreements"


def _agreement(row: sqlite3.Row) -> Dict[str, Any]:
    return {"id": row["id"], "appId": row["app_id"], "title": row["title"], "required": bool(row["required"]),
            "lang": row["lang"], "order": row["sort_order"], "createdAt": row["created_at"],
            "updatedAt": row["updated_at"]}


def add_agreement(store: Store, app_id: str, title: str, required: bool, lang: str) -> int:
    """A new agreement, last in order; returns its id."""
    now = now_iso()
    store.run("INSERT INTO app_agreements (app_id, title, required, lang, sort_order, created_at, updated_at) "
              "VALUES (?, ?, ?, ?, (SELECT coalesce(max(sort_order), 0) + 1 FROM app_agreements WHERE app_id = ?), "
              "?, ?)", (app_id, title, required, lang, app_id, now, now))
    row = store.fetch_one("SELECT max(id) AS id FROM app_agreements WHERE app_id = ?", (app_id,))
    assert row is not None
    return int(row["id"])


def agreement(store: Store, app_id: str, agreement_id: int) -> Optional[Dict[str, Any]]:
    row = store.fetch_one(_AGREEMENT_SELECT + " WHERE app_id = ? AND id = ?", (app_id, agreement_id))
    return None if row is None else _agreement(row)


def agreements(store: Store, app_id: str) -> List[Dict[str, Any]]:
    return [_agreement(r) for r in store.fetch_all(_AGREEMENT_SELECT + " WHERE app_id = ? ORDER BY sort_order, id",
                                                   (app_id,))]


def update_agreement(store: Store, agreement_id: int, changes: Dict[str, Any]) -> None:
    columns = [c for c in ("title", "required", "lang") if c in changes]
    store.run("UPDATE app_agreements SET %s, updated_at = ? WHERE id = ?" % ", ".join("%s = ?" % c for c in columns),
              [changes[c] for c in columns] + [now_iso(), agreement_id])


def delete_agreement(store: Store, app_id: str, agreement_id: int) -> bool:
    return bool(store.run("DELETE FROM app_agreements WHERE app_id = ? AND id = ?", (app_id, agreement_id)))


def sort_agreements(store: Store, ids: Sequence[int]) -> None:
    for position, agreement_id in enumerate(ids, 1):
        store.run("UPDATE app_agreements SET sort_order = ? WHERE id = ?", (position, agreement_id))
