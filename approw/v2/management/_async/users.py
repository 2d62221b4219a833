"""``management.users``: :class:`AsyncUsersManagementClient`, the users of the pool."""
from typing import Any, Mapping, Optional

from approw.v2.common import operations as ops
from approw.v2.common.checks import checked
from approw.v2.common.shapes import CommonMessage, User, UserPage
from approw.v2.common.utils import (
    convert_nested_pagination_custom_data_list_to_dict,
    convert_user_custom_data,
    custom_data_params,
    pick_alias,
)
from approw.v2.exceptions import ApprowWrongArgumentException

from .base import AsyncManagementSubClient

__all__ = ["AsyncUsersManagementClient"]


class AsyncUsersManagementClient(AsyncManagementSubClient):
    """Manage the users of the pool (every call carries the management token)."""

    @checked
    async def list(self, page: int = 1, limit: int = 10, with_custom_data: bool = False) -> UserPage:
        """One page of users, ``{totalCount, list}``, newest first.  With ``with_custom_data``
        each user's ``customData`` is a ``{key: typed value}`` dict."""
        if not with_custom_data:
            return await self._exec(ops.users({"page": page, "limit": limit}))
        users = await self._exec(ops.usersWithCustomData({"page": page, "limit": limit}))
        convert_nested_pagination_custom_data_list_to_dict(users)
        return users

    @checked
    async def create(
        self,
        userInfo: Mapping[str, Any],  # noqa: N803 (reference name)
        keep_password: bool = False,
        custom_data: Optional[Mapping[str, Any]] = None,
    ) -> User:
        """Create a user from ``userInfo`` (``username``, ``email``, ``phone``, ``password``,
        profile fields, ...).  The password is encrypted before it is sent (the caller's dict is
        not changed).  ``keep_password=True`` stores an already hashed password as is
        (migration).  ``custom_data`` (``{key: value}``) sets custom fields; the returned
        user's ``customData`` is then a dict."""
        if userInfo.get("password"):
            userInfo = {**userInfo, "password": self._executor.encrypt_password(userInfo["password"])}
        params = custom_data_params(custom_data)
        if not custom_data:
            return await self._exec(ops.createUser(
                {"userInfo": userInfo, "keepPassword": keep_password, "params": params}))
        return convert_user_custom_data(await self._exec(ops.createUserWithCustomData(
            {"userInfo": userInfo, "keepPassword": keep_password, "params": params})))

    @checked
    async def detail(
        self,
        user_id: Optional[str] = None,
        with_custom_data: bool = False,
        *,
        userId: Optional[str] = None,  # noqa: N803 (old spelling, still accepted)
    ) -> Optional[User]:
        """The user with this ID (with ``identities``), or ``None``.  ``with_custom_data``:
        also ``customData`` as a ``{key: typed value}`` dict."""
        user_id = pick_alias(user_id, userId, "user_id", "userId")
        if not user_id:
            raise ApprowWrongArgumentException("user_id must be provided")
        if not with_custom_data:
            return await self._exec(ops.user({"id": user_id}))
        return convert_user_custom_data(await self._exec(ops.userWithCustomData({"id": user_id})))

    @checked
    async def update(self, userId: str, updates: Mapping[str, Any]) -> User:  # noqa: N803
        """Update a user's profile fields; a ``password`` in ``updates`` is encrypted before it
        is sent (the caller's dict is not changed)."""
        if updates.get("password"):
            updates = {**updates, "password": self._executor.encrypt_password(updates["password"])}
        return await self._exec(ops.updateUser({"id": userId, "input": updates}))

    @checked
    async def delete(self, userId: str) -> CommonMessage:  # noqa: N803 (reference name)
        """Delete a user; ``{code: 200, message}``."""
        return await self._exec(ops.deleteUser({"id": userId}))
