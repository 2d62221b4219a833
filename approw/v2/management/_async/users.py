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
from approw.v2.common.helpers import (
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
    """The users of the pool, ``management_client.users``: accounts, sessions, and the users'
    roles, groups, policies, permissions and custom data (with the management token)."""

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
            ``{totalCount, list}``, the number of users in the pool and this page of them (a
            :class:`~approw.v2.common.shapes.users.UserPage` dict).

        Raises:
            ApprowArgumentTypeError: ``page`` or ``limit`` is not an int, or ``sort_by`` is not
                one of the four orders.

        Example::

            page = management_client.users.list(page=1, limit=50)
            print(page["totalCount"], [user["username"] for user in page["list"]])
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
        """Every user, ``limit`` per request, as :meth:`list` orders and filters them.

        A page is fetched only when the previous one has been consumed: ``for user in
        users.iter(limit=100)`` (``async for`` with the asyncio client).

        Args:
            limit: users per request.
            with_custom_data, sort_by, exclude_users_in_org: as in :meth:`list`.

        Returns:
            A pager yielding :class:`~approw.v2.common.shapes.users.User` dicts (``for`` with the
            sync client, ``async for`` with the asyncio one).

        Raises:
            ApprowWrongArgumentException: ``limit`` is not an int of at least 1 (at once); the
                other arguments are checked by the first request, as in :meth:`list`.
        """
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
        """The user with this ID, with ``identities``, or ``None`` when there is none.

        Args:
            user_id: the user's ID.
            with_custom_data: also ``customData``, a ``{key: typed value}`` dict.
            userId: the old spelling of ``user_id``.

        Returns:
            The user (a :class:`~approw.v2.common.shapes.users.User` dict with ``id``, ``username``,
            ``email``, ``phone``, ``status``, ``identities``, ...), or ``None`` for an unknown ID.

        Raises:
            ApprowWrongArgumentException: no ID, or both spellings with different values.
            ApprowArgumentTypeError: the ID is not a str.
        """
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
        """The user with this email (any case), username, phone, external ID or identity, or ``None``.

        With several criteria the user must match all of them.

        Args:
            email: the e-mail address, compared in any case.
            username: the username, compared exactly.
            phone: the phone number.
            external_id: the ID the user has in your own system (``externalId``).
            with_custom_data: also ``customData``, a ``{key: typed value}`` dict.
            identity: a linked external account, ``{"provider": ..., "userIdInIdp": ...}``.

        Returns:
            The user (a :class:`~approw.v2.common.shapes.users.User` dict), or ``None`` when no
            user matches.

        Raises:
            ApprowException: no criterion was given (2231).
            ApprowWrongArgumentException: ``identity`` has a field
                ``FindUserByIdentityInput`` does not know.
            ApprowArgumentTypeError: a criterion is not a str, or ``identity`` not a dict.
        """
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
        """One page of the users whose fields contain ``query``, in any case.

        Args:
            query: the text to look for.
            page: the page, from 1.
            limit: users per page.
            department_opts: keep members of these departments,
                ``[{"departmentId": ..., "includeChildrenDepartments": bool}]``.
            group_opts: keep members of these groups, ``[{"code": ...}]``.
            role_opts: keep holders of these roles, ``[{"code": ..., "namespace": ...}]``.
            with_custom_data: also each user's ``customData``, a ``{key: typed value}`` dict.
            fields: the fields to search; by default username, nickname, email, phone, company,
                name, given/family/middle name, profile and preferred username.

        Returns:
            ``{totalCount, list}`` (a :class:`~approw.v2.common.shapes.users.UserPage` dict).

        Raises:
            ApprowException: ``fields`` names a field users cannot be searched by (2015).
            NotFoundError: a department of ``department_opts`` does not exist (404).
            ApprowWrongArgumentException: an option dict has an unknown field.
            ApprowArgumentTypeError: ``query`` is not a str, ``page`` or ``limit`` not an int, an
                option list not a list of dicts.
        """
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
        """The users with these identifiers, in the order given; unknown ones are left out.

        Args:
            identifiers: at most 80 values of ``query_field``.
            query_field: what the identifiers are: ``id`` (the default), ``username``, ``phone``,
                ``email`` or ``externalId``.
            with_custom_data: also each user's ``customData``, a ``{key: typed value}`` dict.

        Returns:
            A list of :class:`~approw.v2.common.shapes.users.User` dicts (empty when none exists).

        Raises:
            ApprowException: more than 80 identifiers (2030).
            ApprowWrongArgumentException: ``query_field`` is not one of the five.
            ApprowArgumentTypeError: ``identifiers`` is not a list of str.
        """
        if query_field not in QUERY_FIELDS:
            raise ApprowWrongArgumentException(f"query_field must be one of {', '.join(QUERY_FIELDS)}")
        variables: ops.UserBatchVariables = {"ids": identifiers, "type": query_field}
        if not with_custom_data:
            return await self._exec(ops.userBatch(variables))
        return [convert_user_custom_data(u) for u in await self._exec(ops.userBatchWithCustomData(variables))]

    @checked
    async def batch(self, userIds: Sequence[str]) -> List[User]:  # noqa: N803 (reference name)
        """The users with these IDs (deprecated: use :meth:`batch_get`).

        Args:
            userIds: at most 80 user IDs.

        Returns:
            A list of :class:`~approw.v2.common.shapes.users.User` dicts, unknown IDs left out.

        Raises:
            ApprowException: more than 80 IDs (2030).
            ApprowArgumentTypeError: ``userIds`` is not a list of str.
        """
        return await self.batch_get(userIds)

    @checked
    async def exists(self, username: Optional[str] = None, email: Optional[str] = None,
                     phone: Optional[str] = None, external_id: Optional[str] = None) -> bool:
        """Whether a user with this username, email, phone or external ID exists.

        Args:
            username: compared exactly.
            email: compared in any case.
            phone: the phone number.
            external_id: the ID in your own system (``externalId``).

        Returns:
            ``True`` when a user matches every criterion given, else ``False`` (also with none).

        Raises:
            ApprowArgumentTypeError: a criterion is not a str.
        """
        return await self._exec(ops.isUserExists({
            "username": username, "email": email, "phone": phone, "externalId": external_id}))

    @checked
    async def list_archived_users(self, page: int = 1, limit: int = 10) -> UserPage:
        """One page of the archived users (status ``Archived``).

        Args:
            page: the page, from 1.
            limit: users per page.

        Returns:
            ``{totalCount, list}`` (a :class:`~approw.v2.common.shapes.users.UserPage` dict).

        Raises:
            ApprowArgumentTypeError: ``page`` or ``limit`` is not an int.
        """
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
            userInfo: ``username``, ``email``, ``phone`` (at least one identifier), ``password``
                and profile fields (``nickname``, ...), the fields of
                ``CreateUserInput``.  The password is encrypted
                before it is sent (the caller's dict is not changed).
            keep_password: store an already hashed password as is (a migration).
            custom_data: custom fields to set, ``{key: value}`` (defined with ``udf.set``); the
                returned user's ``customData`` is then a dict.
            identity: an external account to link, ``{"provider", "userIdInIdp", ...}``.
            reset_password_on_first_login: ask the user to change the password at the first
                sign-in.

        Returns:
            The new user (a :class:`~approw.v2.common.shapes.users.User` dict), with its ``id``.

        Raises:
            UserExistsError: the username, e-mail or phone belongs to another user (2026).
            ApprowException: ``userInfo`` has no identifier, or ``custom_data`` names a field that
                is not defined for users or a value of the wrong type (2231).
            ApprowWrongArgumentException: ``userInfo`` or ``identity`` has an unknown field.
            ApprowArgumentTypeError: ``userInfo`` is not a dict.

        Example::

            user = management_client.users.create(
                {"username": "bob", "password": "passw0rd", "nickname": "Bob"})
            print(user["id"])
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
            updates: the fields to change (those of
                ``UpdateUserInput``); a ``password`` is encrypted
                before it is sent (the caller's dict is not changed).

        Returns:
            The updated user (a :class:`~approw.v2.common.shapes.users.User` dict).

        Raises:
            UserNotFoundError: no user has this ID (2004).
            UserExistsError: the new username, e-mail or phone belongs to another user (2026).
            ApprowWrongArgumentException: ``updates`` has an unknown field.
            ApprowArgumentTypeError: ``userId`` is not a str or ``updates`` not a dict.
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
            ``{code, message}`` (a :class:`~approw.v2.common.shapes.common.CommonMessage` dict),
            ``code`` 200 when deleted; an unknown ID is not raised but answered with ``code``
            2210.

        Raises:
            ApprowArgumentTypeError: ``userId`` is not a str.
        """
        return await self._exec(ops.deleteUser({"id": userId}))

    @checked
    async def delete_many(self, userIds: Sequence[str]) -> CommonMessage:  # noqa: N803
        """Delete several users, with their memberships, grants and custom data.

        Args:
            userIds: the users' IDs.

        Returns:
            ``{code, message}`` (a :class:`~approw.v2.common.shapes.common.CommonMessage` dict),
            ``code`` 200 when every user was deleted, 2210 (not raised) when some ID is unknown.

        Raises:
            ApprowArgumentTypeError: ``userIds`` is not a list of str.
        """
        return await self._exec(ops.deleteUsers({"ids": userIds}))

    # ------------------------------------------------------------------ sessions
    @checked
    async def refresh_token(self, userId: str) -> RefreshedToken:  # noqa: N803 (reference name)
        """Issue a new token for a user (e.g. to act as them in a test).

        Args:
            userId: the user's ID.

        Returns:
            ``{token, iat, exp}`` (a :class:`~approw.v2.common.shapes.users.RefreshedToken`
            dict; ``iat`` and ``exp`` in seconds since the epoch).

        Raises:
            UserNotFoundError: no user has this ID (2004).
            ApprowArgumentTypeError: ``userId`` is not a str.
        """
        return await self._exec(ops.refreshToken({"id": userId}))

    @checked
    async def kick(self, user_ids: Sequence[Any]) -> bool:
        """End every session of these users: their tokens stop working.

        Args:
            user_ids: the users' IDs (unknown IDs are ignored).

        Returns:
            ``True`` when the service answered with code 200, else ``False``.

        Raises:
            ApprowArgumentTypeError: ``user_ids`` is not a list.
        """
        body = await self._rest("POST", "/api/v2/users/kick", json={"userIds": user_ids}, result="raw")
        return isinstance(body, dict) and body.get("code") == 200

    @checked
    async def logout(self, user_id: str, app_id: Optional[str] = None) -> bool:
        """End a user's sessions in one application, or in all of them.

        Args:
            user_id: the user's ID.
            app_id: the application; ``None`` for every application.

        Returns:
            ``True`` on success (also for a user without sessions); ``False`` when an
            ``on_error`` option returned instead of raising.

        Raises:
            ApprowArgumentTypeError: ``user_id`` or ``app_id`` is not a str.
        """
        return await self._rest_ok("GET", "/logout", params={"userId": user_id, "appId": app_id})

    @checked
    async def check_login_status(self, user_id: str, app_id: Optional[str] = None,
                                 device_id: Optional[str] = None) -> JSONDict:
        """Whether a user has a live session, and in which applications.

        Args:
            user_id: the user's ID.
            app_id: look only at this application's sessions.
            device_id: look only at this device's sessions.

        Returns:
            ``{isLogin, user, application: [apps]}``, ``isLogin`` a bool, ``user`` the
            user's profile.

        Raises:
            UserNotFoundError: no user has this ID (2004).
            ApprowArgumentTypeError: an argument is not a str.
        """
        status: JSONDict = await self._rest("GET", "/api/v2/users/login-status",
                                            params={"userId": user_id, "appId": app_id, "deviceId": device_id})
        return status

    # ------------------------------------------------------------------ organisations, logs
    @checked
    async def list_org(self, user_id: str) -> List[Any]:
        """The organisations a user belongs to.

        Args:
            user_id: the user's ID.

        Returns:
            One list per department the user is in, the path of nodes from the organisation's
            root to that department (an empty list when the user is in none).

        Raises:
            UserNotFoundError: no user has this ID (2004).
            ApprowArgumentTypeError: ``user_id`` is not a str.
        """
        orgs: List[Any] = await self._rest("GET", f"/api/v2/users/{quote(user_id, safe='')}/orgs")
        return orgs

    @checked
    async def list_department(self, user_id: str, org_id: Optional[str] = None) -> Optional[User]:
        """The departments a user belongs to.

        Args:
            user_id: the user's ID.
            org_id: keep the departments of this organisation.

        Returns:
            ``{"departments": {totalCount, list: [{department, isMainDepartment, joinedAt}]}}``,
            or ``None`` when no user has this ID.

        Raises:
            ApprowArgumentTypeError: ``user_id`` or ``org_id`` is not a str.
        """
        return await self._exec(ops.getUserDepartments({"id": user_id, "orgId": org_id}))

    @checked
    async def list_user_actions(
        self, page: int = 1, limit: int = 10, client_ip: Optional[str] = None,
        operation_name: Optional[str] = None, operato_arn: Optional[str] = None,
        *, operator_arn: Optional[str] = None,
    ) -> Optional[Paginated]:
        """One page of the pool's user action log (sign-ins, registrations, ...), newest first.

        Args:
            page: the page, from 1.
            limit: entries per page, at most 1000.
            client_ip: keep the entries from this IP address.
            operation_name: keep the entries of this operation (``login``, ``register``, ...).
            operato_arn: keep the entries of this user, by ARN (the reference's spelling; see
                also ``statistics.list_user_actions``).
            operator_arn: the same, correctly spelt.

        Returns:
            ``{totalCount, list}`` (a :class:`~approw.v2.common.shapes.common.Paginated` dict)
            with the entries as the service stores them; ``None`` when an ``on_error`` option
            returned instead of raising.

        Raises:
            ApprowException: ``limit`` is below 1 or above 1000 (2231).
            ApprowWrongArgumentException: both spellings of the ARN, with different values.
            ApprowArgumentTypeError: ``page`` or ``limit`` is not an int.
        """
        arn = pick_alias(operato_arn, operator_arn, "operato_arn", "operator_arn")
        data: Optional[Paginated] = await self._rest("GET", "/api/v2/analysis/user-action", params={
            "page": page, "limit": limit, "clientip": client_ip, "operation_name": operation_name,
            "operator_arn": arn})
        return data
