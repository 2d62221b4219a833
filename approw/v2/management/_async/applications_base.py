"""The base of the parts of ``AsyncApplicationsManagementClient``: application URLs and the
``acl`` / ``roles`` clients its resource and role helpers delegate to."""
from typing import Union

from approw.v2.common.helpers import path_segment

from .acl import AsyncAclManagementClient
from .base import AsyncManagementSubClient
from .roles import AsyncRolesManagementClient

__all__ = ["AsyncApplicationsBase"]


class AsyncApplicationsBase(AsyncManagementSubClient):
    """Application URLs and delegates (set by ``AsyncApplicationsManagementClient``)."""

    _acl: AsyncAclManagementClient
    _roles: AsyncRolesManagementClient

    @staticmethod
    def _app_url(app_id: str, *rest: Union[int, str]) -> str:
        """``/api/v2/applications/{app_id}[/rest...]``, each part escaped."""
        return "/".join(["/api/v2/applications", path_segment(app_id)] + [path_segment(r) for r in rest])
