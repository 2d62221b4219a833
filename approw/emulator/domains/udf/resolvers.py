"""User-defined fields and values.

Definitions exist for every target type; values are held for users, roles and the pool
itself (the targets the emulator stores; a role is addressed by its id, or by its code in
the ``default`` namespace; the pool by its id).  A user may read and write their own values with
their token; everything else needs the management token.
"""

from __future__ import annotations

from typing import Any, Dict, List, Tuple

from ...context import RequestContext
from ...domain import Resolvers
from ...errors import POOL_NOT_FOUND, UNSUPPORTED, USER_NOT_FOUND, ApprowError, invalid
from ...values import common_message
from ..namespaces import rules
from ..namespaces import state as namespaces
from ..roles import state as roles
from ..users.state import get_user
from . import customdata, state


def set_udf(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    ctx.require_admin()
    key = args["key"].strip()
    if not key:
        raise invalid("key must not be empty")
    state.set_udf(ctx.store, args["targetType"], key, args["dataType"], args["label"], args.get("options"))
    return {"targetType": args["targetType"], "dataType": args["dataType"], "key": key,
            "label": args["label"], "options": args.get("options")}


def udf(ctx: RequestContext, args: Dict[str, Any]) -> List[Dict[str, Any]]:
    ctx.require_admin()
    return state.udfs(ctx.store, args["targetType"])


def remove_udf(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    ctx.require_admin()
    if not state.remove_udf(ctx.store, args["targetType"], args["key"]):
        raise invalid("custom field %r is not defined for %s" % (args["key"], args["targetType"]))
    return common_message("Removed custom field %r" % args["key"])


def _target(ctx: RequestContext, target_type: str, target_id: str) -> str:
    """Authorise access to one target's values and check that it exists; returns the id its
    values are stored under (a role, addressed by id or by code in ``default``: its id)."""
    if target_type == "ROLE":
        ctx.require_admin()
        role = roles.by_id(ctx.store, target_id) or roles.get(ctx.store, _default_namespace(ctx)["id"], target_id)
        if role is None:
            raise rules.not_found("Role", target_id)
        return str(role["id"])
    if target_type == "USERPOOL":  # the pool's own custom data
        ctx.require_admin()
        if target_id != ctx.pool.id:
            raise ApprowError(POOL_NOT_FOUND)
        return target_id
    if target_type != "USER":
        raise ApprowError(
            UNSUPPORTED, "custom data of %s targets is not supported by the Approw emulator (USER, ROLE and "
            "USERPOOL only)" % target_type
        )
    ctx.require_admin_or_self(target_id)
    if get_user(ctx.store, target_id) is None:
        raise ApprowError(USER_NOT_FOUND)
    return target_id


def _default_namespace(ctx: RequestContext) -> Dict[str, Any]:
    return namespaces.resolve(ctx.store, None)


def udv(ctx: RequestContext, args: Dict[str, Any]) -> List[Dict[str, Any]]:
    target_id = _target(ctx, args["targetType"], args["targetId"])
    return state.udvs(ctx.store, args["targetType"], target_id)


def _write(ctx: RequestContext, target_type: str, target_id: str, items: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    target_id = _target(ctx, target_type, target_id)
    values = [(i["key"], customdata.parse_wire_value(i["key"], i.get("value"))) for i in items]
    customdata.write_values(ctx.store, target_type, target_id, customdata.check_values(ctx.store, target_type, values))
    return state.udvs(ctx.store, target_type, target_id)


def set_udv(ctx: RequestContext, args: Dict[str, Any]) -> List[Dict[str, Any]]:
    return _write(ctx, args["targetType"], args["targetId"], [args])


def set_udv_batch(ctx: RequestContext, args: Dict[str, Any]) -> List[Dict[str, Any]]:
    return _write(ctx, args["targetType"], args["targetId"], list(args.get("udvList") or []))


def remove_udv(ctx: RequestContext, args: Dict[str, Any]) -> List[Dict[str, Any]]:
    target_id = _target(ctx, args["targetType"], args["targetId"])
    state.remove_udv(ctx.store, args["targetType"], target_id, args["key"])
    return state.udvs(ctx.store, args["targetType"], target_id)


def set_udf_value_batch(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    """All values are checked before any is written."""
    ctx.require_admin()
    target_type = args["targetType"]
    per_target: Dict[str, List[Tuple[str, Any]]] = {}
    for item in args["input"]:
        target_id = _target(ctx, target_type, item["targetId"])
        value = customdata.parse_wire_value(item["key"], item["value"])
        per_target.setdefault(target_id, []).append((item["key"], value))
    checked = {t: customdata.check_values(ctx.store, target_type, v) for t, v in per_target.items()}
    with ctx.store.tx():
        for target_id, values in checked.items():
            customdata.write_values(ctx.store, target_type, target_id, values)
    return common_message("Saved %d value%s" % (len(args["input"]), "" if len(args["input"]) == 1 else "s"))


def udf_value_batch(ctx: RequestContext, args: Dict[str, Any]) -> List[Dict[str, Any]]:
    ctx.require_admin()
    out = []
    for target_id in args["targetIds"]:
        if target_id is None:
            continue
        stored_id = _target(ctx, args["targetType"], target_id)
        out.append({"targetId": target_id, "data": state.udvs(ctx.store, args["targetType"], stored_id)})
    return out


RESOLVERS: Resolvers = {
    "Query": {"udf": udf, "udv": udv, "udfValueBatch": udf_value_batch},
    "Mutation": {
        "setUdf": set_udf,
        "removeUdf": remove_udf,
        "setUdv": set_udv,
        "setUdvBatch": set_udv_batch,
        "removeUdv": remove_udv,
        "setUdfValueBatch": set_udf_value_batch,
    },
}
