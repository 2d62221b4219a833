"""``management.users`` -- :class:`UsersManagementClient` (API.md section 3.3)."""
from typing import Any, Mapping, Optional

from ..common.shapes import CommonMessage, Paginated, User
from ..common.utils import (
    convert_nested_pagination_custom_data_list_to_dict,
    convert_user_custom_data,
    custom_data_params,
    pick_alias,
)
from ..exceptions import ApprowWrongArgumentException
from .base import ManagementSubClient

__all__ = ["UsersManagementClient"]


class UsersManagementClient(ManagementSubClient):
    """Manage the users of the pool (every call carries the management token)."""

    def list(self, page: int = 1, limit: int = 10, with_custom_data: bool = False) -> Paginated:
        """One page of users, ``{totalCount, list}``.  With ``with_custom_data`` each user's
        ``customData`` is a ``{key: typed value}`` dict."""
        if not with_custom_data:
            return self._exec("users", {"page": page, "limit": limit})
        users = self._exec("usersWithCustomData", {"page": page, "limit": limit})
        convert_nested_pagination_custom_data_list_to_dict(users)
        return users

    def create(
        self,
        userInfo: Mapping[str, Any],  # noqa: N803 (reference name)
        keep_password: bool = False,
        custom_data: Optional[Mapping[str, Any]] = None,
    ) -> User:
        """Create a user from ``userInfo`` (``CreateUserInput``: ``username``, ``email``,
        ``phone``, ``password``, ...).  The password is encrypted before it is sent (the
        caller's dict is not changed).  ``keep_password=True`` stores an already hashed
        password as is (migration).  ``custom_data`` (``{key: value}``) sets custom fields;
        the returned user's ``customData`` is then a dict."""
        if not isinstance(userInfo, Mapping):
            raise ApprowWrongArgumentException("userInfo must be a dict")
        if userInfo.get("password"):
            userInfo = {**userInfo, "password": self._executor.encrypt_password(userInfo["password"])}
        variables = {"userInfo": userInfo, "keepPassword": keep_password,
                     "params": custom_data_params(custom_data)}
        if not custom_data:
            return self._exec("createUser", variables)
        return convert_user_custom_data(self._exec("createUserWithCustomData", variables))

    def detail(
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
            return self._exec("user", {"id": user_id})
        return convert_user_custom_data(self._exec("userWithCustomData", {"id": user_id}))

    def update(self, userId: str, updates: Mapping[str, Any]) -> User:  # noqa: N803
        """Update a user's profile fields (``UpdateUserInput``); a ``password`` in ``updates``
        is encrypted before it is sent (the caller's dict is not changed)."""
        if not isinstance(updates, Mapping):
            raise ApprowWrongArgumentException("updates must be a dict")
        if updates.get("password"):
            updates = {**updates, "password": self._executor.encrypt_password(updates["password"])}
        return self._exec("updateUser", {"id": userId, "input": updates})

    def delete(self, userId: str) -> CommonMessage:  # noqa: N803 (reference name)
        """Delete a user; ``{code: 200, message}``."""
        return self._exec("deleteUser", {"id": userId})
