"""Registration and login: the ``register_by_*`` / ``login_by_*`` methods and
``check_login_status`` of the end-user client."""
from typing import Any, Mapping, Optional

from approw.v2.common import operations as ops
from approw.v2.common.checks import checked
from approw.v2.common.shapes import LoginStatus, User

from .base import AsyncAuthenticationBase, client_extras

__all__ = ["AsyncLoginMethods"]


class AsyncLoginMethods(AsyncAuthenticationBase):
    """Register and log in; each success stores the returned user as the current user."""

    @checked
    async def register_by_email(
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
        ``profile``: profile fields (``nickname``, ...); ``force_login``: run the full login
        flow; ``generate_token``: return a token; ``custom_data``: ``{key: value}`` custom
        fields; ``context``: extra data for pipelines."""
        return await self._login(ops.registerByEmail({"input": {
            "email": email, "password": self._executor.encrypt_password(password),
            "profile": profile, "forceLogin": force_login, "generateToken": generate_token,
            **client_extras(client_ip, clientIp, custom_data, context),
        }}))

    @checked
    async def register_by_username(
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
        return await self._login(ops.registerByUsername({"input": {
            "username": username, "password": self._executor.encrypt_password(password),
            "profile": profile, "forceLogin": force_login, "generateToken": generate_token,
            **client_extras(client_ip, clientIp, custom_data, context),
        }}))

    @checked
    async def login_by_email(
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
        return await self._login(ops.loginByEmail({"input": {
            "email": email, "password": self._executor.encrypt_password(password),
            "autoRegister": auto_register, "captchaCode": captcha_code,
            **client_extras(client_ip, clientIp, custom_data, context),
        }}))

    @checked
    async def login_by_username(
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
        return await self._login(ops.loginByUsername({"input": {
            "username": username, "password": self._executor.encrypt_password(password),
            "autoRegister": auto_register, "captchaCode": captcha_code,
            **client_extras(client_ip, clientIp, custom_data, context),
        }}))

    @checked
    async def check_login_status(self, token: Optional[str] = None) -> LoginStatus:
        """Whether ``token`` (default: the stored token) is valid: ``{code, message, status,
        exp, iat, data: {id, userPoolId, arn}}``."""
        return await self._exec(ops.checkLoginStatus({"token": token or self._token}))
