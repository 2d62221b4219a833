"""What every area of the end-user client shares: options, executor, and the session state.

Session state: ``_user`` (the current user) and ``_token`` (its token, initialised from
``options.token``).  Register, login, ``get_current_user`` and ``update_profile`` store the
user they return; when that user carries no token (e.g. register without ``generate_token``)
the previous token is kept.  ``logout`` clears both.  Methods that need a logged-in user first
call ``get_current_user()`` (``_check_logged_in``).
"""
from __future__ import annotations

from approw.v2.authentication.types import AuthenticationClientOptions
from approw.v2.common._async.graphql import AsyncGraphqlClient
from approw.v2.common._async.rest import AsyncRestClient
from approw.v2.common.checks import checked
from approw.v2.common.options import ShowsOptions
from approw.v2.common.helpers import context_json, custom_data_params, pick_alias
from approw.v2.exceptions import ApprowException, ApprowHTTPError, ApprowWrongArgumentException

# For type checkers only: ``typing`` costs more to import than the SDK itself, and the
# shapes and input objects are TypedDicts (plain dicts at run time).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, Mapping, Optional

    from approw.v2.common._async.executor import AsyncExecutor
    from approw.v2.common.executor_base import RestResult
    from approw.v2.common.operation import Call, R
    from approw.v2.common.shapes import User

__all__ = ["AsyncAuthenticationBase"]


class AsyncAuthenticationBase(ShowsOptions):
    """Options, executor and session state of an end-user client (the areas derive from it)."""

    graphqlClient: AsyncGraphqlClient
    restClient: AsyncRestClient

    def __init__(self, options: AuthenticationClientOptions) -> None:
        if not isinstance(options, AuthenticationClientOptions):
            raise ApprowWrongArgumentException("options must be an AuthenticationClientOptions")
        self.options = options
        from approw.v2.common._async.executor import AsyncExecutor  # with the C core: on first use

        self._executor = AsyncExecutor(options, send_app_id=True)
        self.graphqlClient = AsyncGraphqlClient(self._executor)
        self.restClient = AsyncRestClient(self._executor)
        self._user: Optional[User] = None
        self._token: Optional[str] = options.token or None

    # ------------------------------------------------------------------ state
    def _set_current_user(self, user: Optional[User]) -> None:
        self._user = user
        if user and user.get("token"):
            self._token = user["token"]

    def _clear_current_user(self) -> None:
        self._user = None
        self._token = None

    def _get_token(self) -> Optional[str]:
        return self._token

    def _set_token(self, token: Optional[str]) -> None:
        self._token = token

    async def _check_logged_in(self) -> User:
        """The current user, fetched from the server; raises when nobody is logged in."""
        user = await self.get_current_user()
        if not user:
            raise ApprowException(2020, "Please Login First")
        if not isinstance(user.get("id"), str):
            raise ApprowHTTPError(500, "the answer of /api/v2/users/me has no user id")
        return user

    # ------------------------------------------------------------------ executor access
    async def _exec(self, call: Call[R], token: Optional[str] = None) -> R:
        """Run an operation with its variables (``token``: send ``Authorization: Bearer``)."""
        return await self._executor.call(call, token)

    async def _rest(
        self,
        method: str,
        url: str,
        *,
        token: Optional[str] = None,
        json: Optional[Any] = None,
        data: Optional[Mapping[str, Any]] = None,
        params: Optional[Mapping[str, Any]] = None,
        result: RestResult = "unwrap",
        basic_token: Optional[str] = None,
    ) -> Any:
        """A REST call (``token``: send ``Authorization: Bearer``, ``basic_token``: ``Basic``;
        see ``Executor.rest``)."""
        return await self._executor.rest(method, url, token=token, json=json, data=data,
                                         params=params, result=result, basic_token=basic_token)

    async def _login(self, call: Call[User]) -> User:
        """Register/login: run the operation, store and return the user."""
        user = await self._exec(call)
        self._set_current_user(user)
        return user

    async def _rest_login(self, url: str, body: Mapping[str, Any], token: Optional[str] = None
                          ) -> Optional[User]:
        """A REST sign-in (LDAP, AD, a second factor): the user of the envelope, stored as the
        current user; ``None`` when ``on_error`` returns instead of raising."""
        user: Optional[User] = await self._rest("POST", url, token=token, json=dict(body))
        if user is not None:
            self._set_current_user(user)
        return user

    async def _rest_ok(self, url: str, body: Mapping[str, Any], token: Optional[str]) -> bool:
        """A REST call answered by success or failure: ``True`` for code 200; otherwise the
        error goes to ``on_error`` (which raises by default) and the result is ``False``."""
        answer = await self._rest("POST", url, token=token, json=dict(body), result="raw")
        code = answer.get("code") if isinstance(answer, dict) else None
        if code == 200:
            return True
        message = answer.get("message") if isinstance(answer, dict) else None
        self._executor.report(500 if code is None else code,
                              message or "the server answered without a result code",
                              data=answer.get("data") if isinstance(answer, dict) else None)
        return False

    # ------------------------------------------------------------------ current user
    @checked
    async def get_current_user(self, token: Optional[str] = None) -> Optional[User]:
        """The logged-in user, fetched from the service; it becomes the current user.

        Args:
            token: a user token to ask with (default: the stored token).

        Returns:
            The user (a :class:`~approw.v2.common.shapes.users.User` dict) with the token
            it was fetched with; ``None`` if ``on_error`` returns instead of raising.

        Raises:
            TokenInvalidError: no token, or it is no longer valid (2020).
            ApprowHTTPError: the answer is not a user.
        """
        user: Optional[User] = await self._rest("GET", "/api/v2/users/me", token=token or self._token)
        if user is not None:
            if not isinstance(user, dict):
                raise ApprowHTTPError(500, "the answer of /api/v2/users/me is not a user")
            self._set_current_user(user)
        return user


def client_extras(
    client_ip: Optional[str],
    clientIp: Optional[str],  # noqa: N803
    custom_data: Optional[Mapping[str, Any]],
    context: Optional[Mapping[str, Any]],
) -> Dict[str, Any]:
    """The trailing ``clientIp``, ``params`` and ``context`` fields of register/login inputs."""
    if client_ip is None and clientIp is None and custom_data is None and context is None:
        return {"clientIp": None, "params": None, "context": None}  # the usual call: no work
    return {
        "clientIp": pick_alias(client_ip, clientIp, "client_ip", "clientIp"),
        "params": custom_data_params(custom_data),
        "context": context_json(context),
    }
