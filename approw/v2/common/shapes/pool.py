"""The user pool: its settings, environment variables, whitelists and logs."""
from typing import Any, Dict, List, Optional, TypedDict

__all__ = [
    "UserPool", "Env", "WhitelistEntry", "UserActionLog", "UserActionLogPage", "AuditLog",
    "AuditLogPage",
]


#: The user pool's settings (see the README for the fields).
UserPool = Dict[str, Any]


class Env(TypedDict, total=False):
    """An environment variable of the pool (read by pipeline functions): ``value`` is any
    JSON value."""

    id: str
    userPoolId: str
    key: str
    value: Any
    createdAt: str
    updatedAt: str


class WhitelistEntry(TypedDict, total=False):
    """A value on a registration whitelist (a username, e-mail address or phone number)."""

    value: str
    createdAt: Optional[str]
    updatedAt: Optional[str]


class UserActionLog(TypedDict, total=False):
    """One entry of the user action log: who did what (``operationName``, e.g. ``login``),
    from where (``clientIp``; ``cityName``/``regionName`` when the IP is located), through
    which application, and when (``timestamp``, ISO-8601)."""

    userpoolId: Optional[str]
    userId: Optional[str]
    username: Optional[str]
    cityName: Optional[str]
    regionName: Optional[str]
    clientIp: Optional[str]
    operationDesc: Optional[str]
    operationName: Optional[str]
    timestamp: Optional[str]
    appId: Optional[str]
    appName: Optional[str]


class UserActionLogPage(TypedDict, total=False):
    """One page of the user action log, newest first."""

    totalCount: int
    list: List[UserActionLog]


class AuditLog(TypedDict, total=False):
    """One entry of the audit log: a change made with the management API -- the operator,
    the operation, the resource it changed (``resourceType``, ``resourceDesc``,
    ``resource_arn``), where from and when."""

    userpoolId: Optional[str]
    operatorType: Optional[str]
    operatorId: Optional[str]
    operatorName: Optional[str]
    operationName: Optional[str]
    cityName: Optional[str]
    regionName: Optional[str]
    clientIp: Optional[str]
    resourceType: Optional[str]
    resourceDesc: Optional[str]
    resource_arn: Optional[str]
    timestamp: Optional[str]


class AuditLogPage(TypedDict, total=False):
    """One page of the audit log, newest first."""

    totalCount: int
    list: List[AuditLog]
