"""``management.users``: :class:`AsyncUsersManagementClient`, the users of the pool.

The class is assembled from three modules: this one (accounts: create, find, change, delete,
sessions), ``users_access`` (roles, groups, policies and permissions of a user) and
``users_custom_data`` (custom data).
"""
from typing import TYPE_CHECKING, Any, List, Literal, Mapping, Optional, Sequence
from urllib.parse import quote

from approw.v2.common import operations as ops
from approw.v2.common import checks
from approw.v2.common.checks import checked
from approw.v2.common.shapes import (
    CommonMessage,
    JSONDict,
    Paginated,
    RefreshedToken,
    User,
    UserPage,
)
from approw.v2.common.utils import (
    convert_nested_pagination_custom_data_list_to_dict,
    convert_user_custom_data,
    custom_data_params,
    pick_alias,
)
from approw.v2.exceptions import ApprowWrongArgumentException

from .base import AsyncManagementSubClient
from .users_access import AsyncUserAccessMethods
from .users_custom_data import AsyncUserCustomDataMethods

if TYPE_CHECKING:
    from approw.v2.common._async.paging import AsyncPager
    from approw.v2.common.inputs import CreateUserIdentityInput, CreateUserInput, FindUserByIdentityInput, SearchUserDepartmentOpt, SearchUserGroupOpt, SearchUserRoleOpt, UpdateUserInput
else:  # plain dicts at run time, checked by checks.input_object
    CreateUserIdentityInput = CreateUserInput = FindUserByIdentityInput = SearchUserDepartmentOpt = SearchUserGroupOpt = SearchUserRoleOpt = UpdateUserInput = Mapping

__all__ = ["AsyncUsersManagementClient"]

SortBy = Literal["CREATEDAT_DESC", "CREATEDAT_ASC", "UPDATEDAT_DESC", "UPDATEDAT_ASC"]
QUERY_FIELDS = ("id", "username", "phone", "email", "externalId")


class AsyncUsersManagementClient(AsyncUserAccessMethods, AsyncUserCustomDataMethods, AsyncManagementSubClient):
    """Manage the users of the pool (every call carries the management token)."""

    # ------------------------------------------------------------------ listing and lookup
    @checked
    async def list(self, page: int = 1, limit: int = 10, with_custom_data: bool = False,
                   sort_by: Optional[SortBy] = None,
                   exclude_users_in_org: Optional[bool] = None) -> UserPage:
        """One page of the pool's users, newest first unless ``sort_by`` says otherwise.

        Args:
            page: the page, from 1.
            limit: users per page.
            with_custom_data: also each user's ``customData``, a ``{key: typed value}`` dict.
            sort_by: ``CREATEDAT_DESC`` (the default), ``CREATEDAT_ASC``,
                ``UPDATEDAT_DESC`` or ``UPDATEDAT_ASC``.
            exclude_users_in_org: leave out users who belong to an organisation.

        Returns:
            ``{totalCount, list}``: the number of users in the pool and this page of them (a
            :class:`~approw.v2.common.shapes.users.UserPage` dict).

        Raises:
            ApprowArgumentTypeError: ``page`` or ``limit`` is not an int.
        """
        variables: ops.UsersVariables = {
            "page": page, "limit": limit, "sortBy": sort_by, "excludeUsersInOrg": exclude_users_in_org}
        if not with_custom_data:
            return await self._exec(ops.users(variables))
        users = await self._exec(ops.usersWithCustomData(variables))
        convert_nested_pagination_custom_data_list_to_dict(users)
        return users

    def iter(self, limit: int = 100, with_custom_data: bool = False, sort_by: Optional[SortBy] = None,
             exclude_users_in_org: Optional[bool] = None) -> "AsyncPager[User]":
        """Every user, ``limit`` per request, as :meth:`list` orders and filters them: ``for
        user in users.iter(limit=100)`` (``async for`` with the asyncio client); a page is
        fetched only when the previous one has been consumed."""
        from approw.v2.common._async.paging import AsyncPager

        return AsyncPager(self.list, limit=limit, with_custom_data=with_custom_data, sort_by=sort_by,
                          exclude_users_in_org=exclude_users_in_org)

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
    async def find(self, email: Optional[str] = None, username: Optional[str] = None,
                   phone: Optional[str] = None, external_id: Optional[str] = None,
                   with_custom_data: bool = False,
                   identity: Optional[FindUserByIdentityInput] = None) -> Optional[User]:
        """The user with this email (any case), username, phone, external ID or ``identity``
        (``{"provider": ..., "userIdInIdp": ...}``), or ``None``; with several criteria the
        user must match all of them."""
        if identity is not None:
            checks.input_object("FindUserByIdentityInput", identity, "identity")
        variables: ops.FindUserVariables = {
            "email": email, "username": username, "phone": phone, "externalId": external_id, "identity": identity}
        if not with_custom_data:
            return await self._exec(ops.findUser(variables))
        return convert_user_custom_data(await self._exec(ops.findUserWithCustomData(variables)))

    @checked
    async def search(self, query: str, page: int = 1, limit: int = 10,
                     department_opts: Optional[Sequence[SearchUserDepartmentOpt]] = None,
                     group_opts: Optional[Sequence[SearchUserGroupOpt]] = None,
                     role_opts: Optional[Sequence[SearchUserRoleOpt]] = None,
                     with_custom_data: bool = False,
                     fields: Optional[Sequence[str]] = None) -> UserPage:
        """Users whose fields contain ``query`` (any case): by default username, nickname,
        email, phone, company, name, given/family/middle name, profile and preferred username;
        ``fields`` chooses others.  ``group_opts`` (``[{"code": ...}]``), ``role_opts``
        (``[{"code": ..., "namespace": ...}]``) and ``department_opts``
        (``[{"departmentId": ..., "includeChildrenDepartments": bool}]``) keep only members."""
        for type_name, opts, where in (("SearchUserDepartmentOpt", department_opts, "department_opts"),
                                       ("SearchUserGroupOpt", group_opts, "group_opts"),
                                       ("SearchUserRoleOpt", role_opts, "role_opts")):
            if opts is not None:
                checks.input_objects(type_name, opts, where)
        variables: ops.SearchUserVariables = {
            "query": query, "fields": fields, "page": page, "limit": limit,
            "departmentOpts": department_opts, "groupOpts": group_opts, "roleOpts": role_opts}
        if not with_custom_data:
            return await self._exec(ops.searchUser(variables))
        users = await self._exec(ops.searchUserWithCustomData(variables))
        convert_nested_pagination_custom_data_list_to_dict(users)
        return users

    @checked
    async def batch_get(self, identifiers: Sequence[str], query_field: str = "id",
                        with_custom_data: bool = False) -> List[User]:
        """The users with these identifiers (at most 80), in the order given; unknown ones are
        left out.  ``query_field``: ``id``, ``username``, ``phone``, ``email`` or
        ``externalId``."""
        if query_field not in QUERY_FIELDS:
            raise ApprowWrongArgumentException(f"query_field must be one of {', '.join(QUERY_FIELDS)}")
        variables: ops.UserBatchVariables = {"ids": identifiers, "type": query_field}
        if not with_custom_data:
            return await self._exec(ops.userBatch(variables))
        return [convert_user_custom_data(u) for u in await self._exec(ops.userBatchWithCustomData(variables))]

    @checked
    async def batch(self, userIds: Sequence[str]) -> List[User]:  # noqa: N803 (reference name)
        """The users with these IDs (deprecated: :meth:`batch_get`)."""
        return await self.batch_get(userIds)

    @checked
    async def exists(self, username: Optional[str] = None, email: Optional[str] = None,
                     phone: Optional[str] = None, external_id: Optional[str] = None) -> bool:
        """Whether a user with this username (exact case), email (any case), phone or external
        ID exists."""
        return await self._exec(ops.isUserExists({
            "username": username, "email": email, "phone": phone, "externalId": external_id}))

    @checked
    async def list_archived_users(self, page: int = 1, limit: int = 10) -> UserPage:
        """One page of archived users (status ``Archived``)."""
        return await self._exec(ops.archivedUsers({"page": page, "limit": limit}))

    # ------------------------------------------------------------------ changes
    @checked
    async def create(
        self,
        userInfo: CreateUserInput,  # noqa: N803 (reference name)
        keep_password: bool = False,
        custom_data: Optional[Mapping[str, Any]] = None,
        identity: Optional[CreateUserIdentityInput] = None,
        reset_password_on_first_login: Optional[bool] = None,
    ) -> User:
        """Create a user.

        Args:
            userInfo: ``username``, ``email``, ``phone`` (at least one), ``password`` and
                profile fields (``nickname``, ...).  The password is encrypted before it is
                sent (the caller's dict is not changed).
            keep_password: store an already hashed password as is (a migration).
            custom_data: custom fields to set, ``{key: value}``; the returned user's
                ``customData`` is then a dict.
            identity: an external account to link, ``{"provider", "userIdInIdp", ...}``.
            reset_password_on_first_login: ask the user to change the password at the first
                sign-in.

        Returns:
            The new user (a :class:`~approw.v2.common.shapes.users.User` dict).

        Raises:
            UserExistsError: the username, e-mail or phone belongs to another user (2026).
            ApprowWrongArgumentException: ``userInfo`` is not a mapping.
        """
        checks.input_object("CreateUserInput", userInfo, "userInfo")
        if identity is not None:
            checks.input_object("CreateUserIdentityInput", identity, "identity")
        password = userInfo.get("password")
        if password:
            userInfo = {**userInfo, "password": self._executor.encrypt_password(password)}
        variables: ops.CreateUserVariables = {
            "userInfo": userInfo, "keepPassword": keep_password, "params": custom_data_params(custom_data),
            "identity": identity, "resetPasswordOnFirstLogin": reset_password_on_first_login}
        if not custom_data:
            return await self._exec(ops.createUser(variables))
        return convert_user_custom_data(await self._exec(ops.createUserWithCustomData(variables)))

    @checked
    async def update(self, userId: str, updates: UpdateUserInput) -> User:  # noqa: N803
        """Update a user's profile fields.

        Args:
            userId: the user's ID.
            updates: the fields to change; a ``password`` is encrypted before it is sent (the
                caller's dict is not changed).

        Returns:
            The updated user.

        Raises:
            UserExistsError: the new username, e-mail or phone belongs to another user (2026).
        """
        checks.input_object("UpdateUserInput", updates, "updates")
        password = updates.get("password")
        if password:
            updates = {**updates, "password": self._executor.encrypt_password(password)}
        return await self._exec(ops.updateUser({"id": userId, "input": updates}))

    @checked
    async def delete(self, userId: str) -> CommonMessage:  # noqa: N803 (reference name)
        """Delete a user, with their memberships, grants and custom data.

        Args:
            userId: the user's ID.

        Returns:
            ``{code: 200, message}``.
        """
        return await self._exec(ops.deleteUser({"id": userId}))

    @checked
    async def delete_many(self, userIds: Sequence[str]) -> CommonMessage:  # noqa: N803
        """Delete several users; ``{code: 200, message}``."""
        return await self._exec(ops.deleteUsers({"ids": userIds}))

    # ------------------------------------------------------------------ sessions
    @checked
    async def refresh_token(self, userId: str) -> RefreshedToken:  # noqa: N803 (reference name)
        """A new token for a user: ``{token, iat, exp}``."""
        return await self._exec(ops.refreshToken({"id": userId}))

    @checked
    async def kick(self, user_ids: Sequence[Any]) -> bool:
        """End every session of these users (their tokens stop working); ``True`` on success."""
        body = await self._rest("POST", "/api/v2/users/kick", json={"userIds": user_ids}, result="raw")
        return isinstance(body, dict) and body.get("code") == 200

    @checked
    async def logout(self, user_id: str, app_id: Optional[str] = None) -> bool:
        """End a user's sessions in one application (``app_id``) or in all; ``True`` on success."""
        return await self._rest_ok("GET", "/logout", params={"userId": user_id, "appId": app_id})

    @checked
    async def check_login_status(self, user_id: str, app_id: Optional[str] = None,
                                 device_id: Optional[str] = None) -> JSONDict:
        """Whether a user has a live session: ``{isLogin, user, application: [apps]}``
        (restricted to one application with ``app_id``)."""
        status: JSONDict = await self._rest("GET", "/api/v2/users/login-status",
                                            params={"userId": user_id, "appId": app_id, "deviceId": device_id})
        return status

    # ------------------------------------------------------------------ organisations, logs
    @checked
    async def list_org(self, user_id: str) -> List[Any]:
        """The organisations a user belongs to: one path (root node to department) per
        department."""
        orgs: List[Any] = await self._rest("GET", f"/api/v2/users/{quote(user_id, safe='')}/orgs")
        return orgs

    @checked
    async def list_department(self, user_id: str, org_id: Optional[str] = None) -> Optional[User]:
        """A user's departments, as ``{"departments": {totalCount, list: [{department,
        isMainDepartment, joinedAt}]}}`` (``None`` for an unknown user); ``org_id`` keeps those
        of one organisation."""
        return await self._exec(ops.getUserDepartments({"id": user_id, "orgId": org_id}))

    @checked
    async def list_user_actions(
        self, page: int = 1, limit: int = 10, client_ip: Optional[str] = None,
        operation_name: Optional[str] = None, operato_arn: Optional[str] = None,
        *, operator_arn: Optional[str] = None,
    ) -> Optional[Paginated]:
        """One page of the pool's user action log (sign-ins, registrations, ...), filtered by
        client IP, operation name and operator ARN (``operator_arn``; the reference's
        ``operato_arn`` spelling works too)."""
        arn = pick_alias(operato_arn, operator_arn, "operato_arn", "operator_arn")
        data: Optional[Paginated] = await self._rest("GET", "/api/v2/analysis/user-action", params={
            "page": page, "limit": limit, "clientip": client_ip, "operation_name": operation_name,
            "operator_arn": arn})
        return data
