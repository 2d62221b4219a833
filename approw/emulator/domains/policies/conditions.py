"""Conditions of policy statements: checked when a policy is written, evaluated whenever its
statements are (``is_allowed`` and every listing of what a subject holds go through
``acl.permissions.Permissions``).

A statement's ``condition`` is a list of ``{param, operator, value}``; the statement applies
only when every item holds (AND); ``value`` may be one value or a list, and an item holds
when the parameter matches any of them (OR) -- for the negated operators (``...Not...``),
when it matches none.  A parameter the request does not have makes an item false, and a
negated one true.

Parameters: ``SourceIp`` (the request's client address), ``CurrentTime`` (now, UTC),
``UserId`` (the user whose permissions are evaluated), ``AppId`` (the application the
request names in ``x-approw-app-id``; for a programmatic access account, its application),
``Namespace`` (the code of the policy's namespace) and ``User.<field>`` (a field of that
user, e.g. ``User.email``, ``User.status``, ``User.emailVerified``).

Operators: ``StringEquals``, ``StringNotEquals``, ``StringEqualsIgnoreCase``,
``StringNotEqualsIgnoreCase``, ``StringLike``, ``StringNotLike`` (``*`` any text, ``?`` one
character), ``NumericEquals``, ``NumericNotEquals``, ``NumericLessThan``,
``NumericLessThanEquals``, ``NumericGreaterThan``, ``NumericGreaterThanEquals``,
``DateEquals``, ``DateNotEquals``, ``DateLessThan``, ``DateLessThanEquals``,
``DateGreaterThan``, ``DateGreaterThanEquals`` (ISO-8601 texts or epoch seconds),
``Bool``, ``IpAddress`` and ``NotIpAddress`` (addresses or CIDR blocks, IPv4 or IPv6).
Anything else is refused when the policy is created or updated (2231, naming the statement
and the item).
"""

from __future__ import annotations

import fnmatch
import ipaddress
import operator as op
import re
from datetime import datetime, timezone
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence

from ...errors import invalid

PARAMS = ("SourceIp", "CurrentTime", "UserId", "AppId", "Namespace")
_USER_PARAM = re.compile(r"User\.[A-Za-z][A-Za-z0-9_]*\Z")
_COMPARE: Dict[str, Callable[[Any, Any], bool]] = {
    "Equals": op.eq, "NotEquals": op.eq, "LessThan": op.lt, "LessThanEquals": op.le, "GreaterThan": op.gt,
    "GreaterThanEquals": op.ge}


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError("not a number: %r" % (value,))
    return float(value)


def _date(value: Any) -> float:
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)).timestamp()
    raise ValueError("not a date: %r" % (value,))


def _network(value: Any) -> Any:
    if not isinstance(value, str):
        raise ValueError("not an address: %r" % (value,))
    return ipaddress.ip_network(value, strict=False)


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise ValueError("not true or false: %r" % (value,))


class _Operator:
    """How one operator reads the policy's values and compares the request's value to one."""

    def __init__(self, read: Callable[[Any], Any], test: Callable[[Any, Any], bool], negated: bool,
                 read_actual: Optional[Callable[[Any], Any]] = None) -> None:
        self.read = read
        self.test = test
        self.negated = negated
        self.read_actual = read_actual or read

    def holds(self, actual: Any, values: Sequence[Any]) -> bool:
        if actual is None:
            return self.negated
        try:
            have = self.read_actual(actual)
        except ValueError:
            return self.negated
        matched = any(self.test(have, self.read(v)) for v in values)
        return not matched if self.negated else matched


def _operators() -> Dict[str, _Operator]:
    found: Dict[str, _Operator] = {}
    text = str
    found["StringEquals"] = _Operator(text, op.eq, False)
    found["StringNotEquals"] = _Operator(text, op.eq, True)
    found["StringEqualsIgnoreCase"] = _Operator(lambda v: str(v).casefold(), op.eq, False)
    found["StringNotEqualsIgnoreCase"] = _Operator(lambda v: str(v).casefold(), op.eq, True)
    found["StringLike"] = _Operator(text, lambda have, pattern: fnmatch.fnmatchcase(have, pattern), False)
    found["StringNotLike"] = _Operator(text, lambda have, pattern: fnmatch.fnmatchcase(have, pattern), True)
    for suffix, test in _COMPARE.items():
        negated = suffix == "NotEquals"
        found["Numeric" + suffix] = _Operator(_number, test, negated)
        found["Date" + suffix] = _Operator(_date, test, negated)
    found["Bool"] = _Operator(_bool, op.eq, False)
    found["IpAddress"] = _Operator(_network, lambda have, net: have in net, False, ipaddress.ip_address)
    found["NotIpAddress"] = _Operator(_network, lambda have, net: have in net, True, ipaddress.ip_address)
    return found


OPERATORS = _operators()


def _values(value: Any) -> List[Any]:
    return list(value) if isinstance(value, list) else [value]


def check(condition: Any, where: str) -> Optional[List[Dict[str, Any]]]:
    """A statement's ``condition`` as stored (None when absent); a malformed item -> 2231."""
    if condition is None:
        return None
    if not isinstance(condition, Sequence) or isinstance(condition, (str, bytes)):
        raise invalid("%s.condition must be a list of {param, operator, value}" % where)
    out = []
    for index, item in enumerate(condition):
        at = "%s.condition[%d]" % (where, index)
        if not isinstance(item, Mapping):
            raise invalid("%s must be {param, operator, value}" % at)
        param, name, value = item.get("param"), item.get("operator"), item.get("value")
        if param not in PARAMS and not (isinstance(param, str) and _USER_PARAM.match(param)):
            raise invalid("%s.param must be one of %s or User.<field>, got %r" % (at, ", ".join(PARAMS), param))
        operator = OPERATORS.get(name) if isinstance(name, str) else None
        if operator is None:
            raise invalid("%s.operator %r is not supported; use one of %s" % (at, name, ", ".join(OPERATORS)))
        values = _values(value)
        if not values or any(v is None or isinstance(v, (dict, list)) for v in values):
            raise invalid("%s.value must be a value or a non-empty list of values" % at)
        for v in values:
            try:
                operator.read(v)
            except ValueError as exc:
                raise invalid("%s.value: %s for %s" % (at, exc, name)) from None
        out.append(dict(item))
    return out


def context(client_ip: Optional[str], app_id: Optional[str], user: Optional[Mapping[str, Any]] = None,
            now: Optional[datetime] = None) -> Dict[str, Any]:
    """The parameters of one evaluation (``Namespace`` is added per statement)."""
    found: Dict[str, Any] = {"SourceIp": client_ip, "AppId": app_id,
                             "CurrentTime": now or datetime.now(timezone.utc)}
    if user is not None:
        found["UserId"] = user.get("id")
        found["User"] = user
    return found


def holds(condition: Optional[Sequence[Mapping[str, Any]]], params: Mapping[str, Any]) -> bool:
    """Whether every item of a stored condition holds for ``params`` (see :func:`context`)."""
    for item in condition or ():
        name = item["param"]
        actual = (params.get("User") or {}).get(name[5:]) if name.startswith("User.") else params.get(name)
        if not OPERATORS[item["operator"]].holds(actual, _values(item["value"])):
            return False
    return True
