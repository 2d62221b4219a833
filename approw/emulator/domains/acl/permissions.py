"""Evaluating permissions: what a set of subjects (see :mod:`.subjects`) may do.

Two sources give permissions: grants (``allow``, ``authorizeResource``) and the statements
of enabled policies assigned to a subject.  Grants only allow; statements allow or deny.
An action on a resource is *denied* when a DENY statement covers both, and *allowed* when it
is not denied and a grant or ALLOW statement covers both (see :mod:`.patterns`) — an
explicit DENY always wins.  Statement conditions are not evaluated.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

from ...store import Store
from ..policies import state as policies
from . import patterns, state

Entry = Dict[str, Any]  # {namespaceId, resource, actions, type (None for statements)}


class Permissions:
    """The grants and policy statements of some subjects, in one namespace or all."""

    def __init__(self, store: Store, subjects: Sequence[Tuple[str, str]], namespace_id: Optional[int] = None) -> None:
        self.store = store
        self.allow: List[Entry] = state.grants_of(store, subjects, namespace_id)
        self.deny: List[Entry] = []
        for statement in policies.statements_of(store, subjects, namespace_id):
            entry = {"namespaceId": statement["namespaceId"], "resource": statement["resource"],
                     "actions": statement["actions"], "type": None}
            (self.deny if statement.get("effect") == "DENY" else self.allow).append(entry)

    @staticmethod
    def _covers(entries: List[Entry], code: str, action: str) -> bool:
        return any(patterns.covers(e["resource"], code) and patterns.any_action_covers(e["actions"], action)
                   for e in entries)

    def denied(self, code: str, action: str) -> bool:
        return self._covers(self.deny, code, action)

    def allowed(self, code: str, action: str) -> bool:
        return not self.denied(code, action) and self._covers(self.allow, code, action)

    def _without_denied(self, code: str, actions: List[str]) -> List[str]:
        return [a for a in actions if not self.denied(code, a)]

    def actions_on(self, code: str) -> List[str]:
        """The actions granted on ``code`` (by grants or statements covering it), in order,
        less those denied."""
        found: Dict[str, None] = {}
        for entry in self.allow:
            if patterns.covers(entry["resource"], code):
                found.update(dict.fromkeys(entry["actions"]))
        return self._without_denied(code, list(found))

    def resources(self, resource_type: Optional[str] = None, kind: Optional[str] = None) -> List[Dict[str, Any]]:
        """One ``{code, type, actions, apiIdentifier}`` per resource code granted (actions of
        every path merged, denied ones removed), in the order first granted; only the items
        (``kind:<id>``) of ``kind`` when given."""
        definitions = state.definitions(self.store, sorted({e["namespaceId"] for e in self.allow}))
        items: Dict[str, Dict[str, Any]] = {}
        for entry in self.allow:
            code = entry["resource"]
            if kind is not None and (patterns.kind_of(code) != kind or code in (kind, kind + ":*")):
                continue
            item = items.get(code)
            if item is None:
                defined = (definitions.get((entry["namespaceId"], code))
                           or definitions.get((entry["namespaceId"], patterns.kind_of(code))))
                item = items[code] = {"code": code, "type": entry["type"] or (defined or {}).get("type") or "DATA",
                                      "actions": [], "apiIdentifier": defined and defined.get("apiIdentifier")}
            item["actions"] = list(dict.fromkeys(item["actions"] + entry["actions"]))
        out = []
        for item in items.values():
            kept = self._without_denied(item["code"], item["actions"])
            if kept or not item["actions"]:
                item["actions"] = kept
                if resource_type is None or item["type"] == resource_type:
                    out.append(item)
        return out
