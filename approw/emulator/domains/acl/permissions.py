"""Evaluating permissions: what a set of subjects (see :mod:`.subjects`) may do.

Two sources give permissions: grants (``allow``, ``authorizeResource``) and the statements
of enabled policies assigned to a subject.  Grants only allow; statements allow or deny.
An action on a resource is *denied* when a DENY statement covers both, and *allowed* when it
is not denied and a grant or ALLOW statement covers both (see :mod:`.patterns`) — an
explicit DENY always wins.  A statement with a ``condition`` counts only when it holds for the
evaluation's parameters (:mod:`..policies.conditions`: the request's address, time and
application, the user evaluated).
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from ...store import Store
from ..namespaces import state as namespaces
from ..policies import conditions
from ..policies import state as policies
from ..users import state as users
from . import patterns, state

Entry = Dict[str, Any]  # {namespaceId, resource, actions, type (None for statements)}


class Permissions:
    """The grants and policy statements of some subjects, in one namespace or all."""

    def __init__(self, store: Store, subjects: Sequence[Tuple[str, str]], namespace_id: Optional[int] = None,
                 params: Optional[Mapping[str, Any]] = None) -> None:
        """``params``: the parameters statement conditions are evaluated with
        (``conditions.context``); without them only unconditional statements count."""
        self.store = store
        self.allow: List[Entry] = state.grants_of(store, subjects, namespace_id)
        self.deny: List[Entry] = []
        codes: Dict[int, Optional[str]] = {}
        for statement in policies.statements_of(store, subjects, namespace_id):
            if statement.get("condition"):
                ns = statement["namespaceId"]
                if ns not in codes:
                    found = namespaces.by_id(store, ns)
                    codes[ns] = found["code"] if found else None
                if params is None or not conditions.holds(statement["condition"], dict(params, Namespace=codes[ns])):
                    continue
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


def request_params(ctx: Any, target_type: Optional[str] = None, target_id: Optional[str] = None) -> Dict[str, Any]:
    """The condition parameters of a request (``ctx``, a ``RequestContext``) evaluating a
    target's permissions (a ``USER`` target is the ``UserId`` and ``User.<field>``)."""
    user = users.get_user(ctx.store, target_id) if target_type == "USER" else None
    return conditions.context(ctx.client_ip, ctx.app_id, user)
