"""``AuthenticationClient``: acting as an end user (API.md section 3.1).

Session state (API.md section 2.7): ``_user`` (the current user) and ``_token`` (its token,
initialised from ``options.token``).  Register, login, ``get_current_user`` and
``update_profile`` store the user they return; when that user carries no token (e.g. register
without ``generate_token``) the previous token is kept (as the Java SDK does).  ``logout``
clears both.  Methods that need a logged-in user first call ``get_current_user()``.
"""
from typing import Any, Dict, Mapping, Optional, cast

from ..common.executor import Executor, RestResult, Variables
from ..common.graphql import GraphqlClient
from ..common.rest import RestClient
from ..common.shapes import JSONDict, LoginStatus, User
from ..common.utils import context_json, custom_data_params, pick_alias
from ..exceptions import ApprowException, ApprowWrongArgumentException
from .types import AuthenticationClientOptions

__all__ = ["AuthenticationClient"]


class AuthenticationClient:
    """Register, log in and act as one end user.  Create a new client per web request (clients
    are cheap: they share the process-wide HTTP session and its keep-alive connections), so
    users' login state never mixes.
    """

    def __init__(self, options: AuthenticationClientOptions) -> None:
        if not isinstance(options, AuthenticationClientOptions):
            raise ApprowWrongArgumentException("options must be an AuthenticationClientOptions")
        self.options = options
        self._executor = Executor(options, send_app_id=True)
        self.graphqlClient = GraphqlClient(self._executor)
        self.restClient = RestClient(self._executor)
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

    def _check_logged_in(self) -> User:
        """The current user, fetched from the server; raises when nobody is logged in."""
        user = self.get_current_user()
        if not user:
            raise ApprowException(2020, "Please Login First")
        return user

    # ------------------------------------------------------------------ executor access
    def _exec(self, operation: str, variables: Variables = None, token: Optional[str] = None) -> JSONDict:
        """Run a catalogued GraphQL operation (``token``: send ``Authorization: Bearer``)."""
        return cast(JSONDict, self._executor.call(operation, variables, token))

    def _rest(self, method: str, url: str, *, result: RestResult = "unwrap", **kwargs: Any) -> Any:
        return self._executor.rest(method, url, result=result, **kwargs)

    def _login(self, operation: str, user_input: Dict[str, Any]) -> User:
        """Register/login: run ``operation`` with ``{input}``, store and return the user."""
        user = self._exec(operation, {"input": user_input})
        self._set_current_user(user)
        return user

    # ------------------------------------------------------------------ current user
    def get_current_user(self, token: Optional[str] = None) -> Optional[User]:
        """The logged-in user (``GET /api/v2/users/me`` with ``token`` or the stored token),
        which becomes the current user.  ``None`` if ``on_error`` returns instead of raising."""
        user = self._rest("GET", "/api/v2/users/me", token=token or self._token)
        if user is not None:
            self._set_current_user(user)
        return cast(Optional[User], user)

    def check_login_status(self, token: Optional[str] = None) -> LoginStatus:
        """Whether ``token`` (default: the stored token) is valid: ``{code, message, status,
        exp, iat, data: {id, userPoolId, arn}}``."""
        return self._exec("checkLoginStatus", {"token": token or self._token})

    def update_profile(self, updates: Mapping[str, Any]) -> User:
        """Update the current user's profile (``UpdateUserInput``, e.g. ``{"nickname": "Nick"}``);
        requires a logged-in user.  Passwords are not changed here (``update_password``)."""
        user = self._check_logged_in()
        result = self._exec("updateUser", {"id": user["id"], "input": updates}, self._token)
        self._set_current_user(result)
        return result

    def logout(self) -> bool:
        """Log the current user out (server side and in this client); ``True``."""
        self._check_logged_in()
        self._rest("GET", "/api/v2/logout", token=self._token,
                   params={"app_id": self.options.app_id}, result="ignore")
        self._clear_current_user()
        return True

    # ------------------------------------------------------------------ register / login
    def register_by_email(
        self,
        email: str,
        password: str,
        profile: Optional[Mapping[str, Any]] = None,
        force_login: bool = False,
        generate_token: bool = False,
        client_ip: Optional[str] = None,
        custom_data: Optional[Mapping[str, Any]] = None,
        context: Optional[Mapping[str, Any]] = None,
        *,
        clientIp: Optional[str] = None,  # noqa: N803 (old spelling, still accepted)
    ) -> User:
        """Register with email and password (encrypted before sending) and store the user.
        ``profile``: ``RegisterProfile`` fields; ``force_login``: run the full login flow;
        ``generate_token``: return a token; ``custom_data``: ``{key: value}`` custom fields;
        ``context``: extra data for pipelines."""
        return self._login("registerByEmail", {
            "email": email, "password": self._executor.encrypt_password(password),
            "profile": profile, "forceLogin": force_login, "generateToken": generate_token,
            **_client_extras(client_ip, clientIp, custom_data, context),
        })

    def register_by_username(
        self,
        username: str,
        password: str,
        profile: Optional[Mapping[str, Any]] = None,
        force_login: bool = False,
        generate_token: bool = False,
        client_ip: Optional[str] = None,
        custom_data: Optional[Mapping[str, Any]] = None,
        context: Optional[Mapping[str, Any]] = None,
        *,
        clientIp: Optional[str] = None,  # noqa: N803 (old spelling, still accepted)
    ) -> User:
        """Register with username and password; otherwise as :meth:`register_by_email`."""
        return self._login("registerByUsername", {
            "username": username, "password": self._executor.encrypt_password(password),
            "profile": profile, "forceLogin": force_login, "generateToken": generate_token,
            **_client_extras(client_ip, clientIp, custom_data, context),
        })

    def login_by_email(
        self,
        email: str,
        password: str,
        auto_register: bool = False,
        captcha_code: Optional[str] = None,
        client_ip: Optional[str] = None,
        custom_data: Optional[Mapping[str, Any]] = None,
        context: Optional[Mapping[str, Any]] = None,
        *,
        clientIp: Optional[str] = None,  # noqa: N803 (old spelling, still accepted)
    ) -> User:
        """Log in with email and password (encrypted before sending); returns and stores the
        user, including its ``token``.  ``auto_register``: create the account if missing;
        ``captcha_code``: required after repeated failures (error 2000)."""
        return self._login("loginByEmail", {
            "email": email, "password": self._executor.encrypt_password(password),
            "autoRegister": auto_register, "captchaCode": captcha_code,
            **_client_extras(client_ip, clientIp, custom_data, context),
        })

    def login_by_username(
        self,
        username: str,
        password: str,
        auto_register: bool = False,
        captcha_code: Optional[str] = None,
        client_ip: Optional[str] = None,
        custom_data: Optional[Mapping[str, Any]] = None,
        context: Optional[Mapping[str, Any]] = None,
        *,
        clientIp: Optional[str] = None,  # noqa: N803 (old spelling, still accepted)
    ) -> User:
        """Log in with username and password; otherwise as :meth:`login_by_email`."""
        return self._login("loginByUsername", {
            "username": username, "password": self._executor.encrypt_password(password),
            "autoRegister": auto_register, "captchaCode": captcha_code,
            **_client_extras(client_ip, clientIp, custom_data, context),
        })


def _client_extras(
    client_ip: Optional[str],
    clientIp: Optional[str],  # noqa: N803
    custom_data: Optional[Mapping[str, Any]],
    context: Optional[Mapping[str, Any]],
) -> Dict[str, Any]:
    """The trailing ``clientIp``, ``params`` and ``context`` fields of register/login inputs."""
    return {
        "clientIp": pick_alias(client_ip, clientIp, "client_ip", "clientIp"),
        "params": custom_data_params(custom_data),
        "context": context_json(context),
    }
