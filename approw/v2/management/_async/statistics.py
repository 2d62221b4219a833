"""``management.statistics``: :class:`AsyncStatisticsManagementClient`, the pool's logs.

The user action log records what end users do (sign-ins, failed sign-ins, registrations,
changes to their own account); the audit log records the changes made with the management
API.  Both are listed newest first and can be filtered::

    management.statistics.list_user_actions(user_ids=[user_id], operation_names=["login"])
    management.statistics.list_audit_logs(operation_names=["createUser"], page=1, limit=50)
"""
from typing import Any, Callable, Dict, List, Optional, Sequence

from approw.v2.common.checks import checked, page_options
from approw.v2.common.shapes import AuditLog, AuditLogPage, UserActionLog, UserActionLogPage

from .base import AsyncManagementSubClient

__all__ = ["AsyncStatisticsManagementClient"]


def _get(entry: Any, *path: str) -> Any:
    """``entry[path[0]][path[1]]...``, or None where a part is missing."""
    for key in path:
        if not isinstance(entry, dict):
            return None
        entry = entry.get(key)
    return entry


def _user_action(entry: Any) -> UserActionLog:
    return {
        "userpoolId": _get(entry, "userpool_id"), "userId": _get(entry, "user", "id"),
        "username": _get(entry, "user", "displayName"), "cityName": _get(entry, "geoip", "city_name"),
        "regionName": _get(entry, "geoip", "region_name"), "clientIp": _get(entry, "geoip", "ip"),
        "operationDesc": _get(entry, "operation_desc"), "operationName": _get(entry, "operation_name"),
        "timestamp": _get(entry, "timestamp"), "appId": _get(entry, "app_id"),
        "appName": _get(entry, "app", "name"),
    }


def _audit_log(entry: Any) -> AuditLog:
    return {
        "userpoolId": _get(entry, "userpool_id"), "operatorType": _get(entry, "operator_type"),
        "operatorId": _get(entry, "operator_detail", "id"),
        "operatorName": _get(entry, "operator_detail", "displayName"),
        "operationName": _get(entry, "operation_name"), "cityName": _get(entry, "geoip", "city_name"),
        "regionName": _get(entry, "geoip", "region_name"), "clientIp": _get(entry, "geoip", "ip"),
        "resourceType": _get(entry, "resource_type"), "resourceDesc": _get(entry, "resource_desc"),
        "resource_arn": _get(entry, "resource_arn"), "timestamp": _get(entry, "timestamp"),
    }


def _query(client_ip: Optional[str], operation_names: Optional[Sequence[str]], operator_arns: List[str],
           page: Optional[int], limit: Optional[int]) -> Dict[str, Any]:
    page_options(page, limit)
    return {"clientip": client_ip, "page": page, "limit": limit,
            "operation_name": list(operation_names or []), "operator_arn": operator_arns}


class AsyncStatisticsManagementClient(AsyncManagementSubClient):
    """The user action log and the audit log, ``management_client.statistics`` (every call
    carries the management token)."""

    @checked
    async def list_user_actions(self, client_ip: Optional[str] = None,
                                operation_names: Optional[Sequence[str]] = None,
                                user_ids: Optional[Sequence[str]] = None,
                                page: Optional[int] = None,
                                limit: Optional[int] = None) -> Optional[UserActionLogPage]:
        """One page of the user action log, newest first, filtered.

        Args:
            client_ip: keep the entries from this IP address.
            operation_names: keep the entries of these operations (``login``, ``loginFailed``,
                ``register``, ...).
            user_ids: keep the entries of these users.
            page: the page, from 1 (default 1).
            limit: entries per page, 1 to 1000 (default 10).

        Returns:
            ``{totalCount, list}`` (a :class:`~approw.v2.common.shapes.pool.UserActionLogPage`
            dict); each :class:`~approw.v2.common.shapes.pool.UserActionLog` has ``userId``,
            ``username``, ``operationName``, ``operationDesc``, ``clientIp``, ``appId``,
            ``appName``, ``timestamp``, ...  ``None`` when an ``on_error`` option returned
            instead of raising.

        Raises:
            ApprowException: ``limit`` is 0 or above 1000 (2231).
            ApprowWrongArgumentException: ``page`` or ``limit`` is negative.
            ApprowArgumentTypeError: ``page`` or ``limit`` is not an int, or a filter list not a
                list of str.

        Example::

            log = management_client.statistics.list_user_actions(user_ids=[user_id], limit=50)
            for entry in log["list"]:
                print(entry["timestamp"], entry["operationName"])
        """
        arns = [f"arn:cn:approw:{self.options.user_pool_id}:user:{u}" for u in user_ids or []]
        page_: Optional[UserActionLogPage] = await self._page(
            "/api/v2/analysis/user-action", _query(client_ip, operation_names, arns, page, limit),
            _user_action)
        return page_

    @checked
    async def list_audit_logs(self, client_ip: Optional[str] = None,
                              operation_names: Optional[Sequence[str]] = None,
                              operator_arns: Optional[Sequence[str]] = None,
                              page: Optional[int] = None,
                              limit: Optional[int] = None) -> Optional[AuditLogPage]:
        """One page of the audit log (changes made with the management API), newest first, filtered.

        Args:
            client_ip: keep the entries from this IP address.
            operation_names: keep the entries of these operations (``createUser``,
                ``updateUserpool``, ...).
            operator_arns: keep the entries by these operators (ARNs).
            page: the page, from 1 (default 1).
            limit: entries per page, 1 to 1000 (default 10).

        Returns:
            ``{totalCount, list}`` (a :class:`~approw.v2.common.shapes.pool.AuditLogPage` dict);
            each :class:`~approw.v2.common.shapes.pool.AuditLog` has ``operatorType``,
            ``operatorId``, ``operatorName``, ``operationName``, ``resourceType``,
            ``resourceDesc``, ``resource_arn``, ``clientIp``, ``timestamp``, ...  ``None`` when
            an ``on_error`` option returned instead of raising.

        Raises:
            ApprowException: ``limit`` is 0 or above 1000 (2231).
            ApprowWrongArgumentException: ``page`` or ``limit`` is negative.
            ApprowArgumentTypeError: ``page`` or ``limit`` is not an int, or a filter list not a
                list of str.
        """
        page_: Optional[AuditLogPage] = await self._page(
            "/api/v2/analysis/audit",
            _query(client_ip, operation_names, list(operator_arns or []), page, limit), _audit_log)
        return page_

    async def _page(self, path: str, params: Dict[str, Any], convert: Callable[[Any], Any]) -> Any:
        """``{totalCount, list}`` of a log endpoint with each entry converted (``None`` when
        ``on_error`` returned)."""
        data = await self._rest("GET", path, params=params)
        if data is None:
            return None
        return {"totalCount": _get(data, "totalCount") or 0,
                "list": [convert(entry) for entry in _get(data, "list") or []]}
