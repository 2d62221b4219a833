"""Registration and login: the ``register_by_*`` / ``login_by_*`` methods (password, phone
code, LDAP and AD directories, sub-accounts), the SMS code they use, and
``check_login_status`` of the end-user client.

A login that needs a second factor raises ``ApprowException`` (code 1635) whose ``data``
carries the ``mfaToken`` to finish with (see ``AuthenticationClient.mfa``).
"""
from __future__ import annotations

from approw.v2.authentication.types import AuthenticationClientOptions
from approw.v2.common import operations as ops
from approw.v2.common import checks
from approw.v2.common.checks import checked
from approw.v2.common.helpers import get_hostname_from_url

from .base import AsyncAuthenticationBase, client_extras

# For type checkers only: ``typing`` costs more to import than the SDK itself, and the
# shapes and input objects are TypedDicts (plain dicts at run time).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Mapping, Optional

    from approw.v2.common.inputs import RegisterProfile
    from approw.v2.common.shapes import CommonMessage, LoginStatus, User

__all__ = ["AsyncLoginMethods"]


class AsyncLoginMethods(AsyncAuthenticationBase):
    """Register and log in; each success stores the returned user as the current user."""

    @checked
    async def register_by_email(
        self,
        email: str,
        password: str,
        profile: Optional[RegisterProfile] = None,
        force_login: bool = False,
        generate_token: bool = False,
        client_ip: Optional[str] = None,
        custom_data: Optional[Mapping[str, Any]] = None,
        context: Optional[Mapping[str, Any]] = None,
        *,
        clientIp: Optional[str] = None,  # noqa: N803 (old spelling, still accepted)
    ) -> User:
        """Register with email and password, and store the new user as the current user.

        Args:
            email: the account's e-mail address.
            password: its password (encrypted with ``enc_public_key`` before sending).
            profile: profile fields to set (``nickname``, ``company``, ...).
            force_login: run the full login flow (pipelines, a login record).
            generate_token: return the user with a ``token``.
            client_ip: the end user's IP address, when the call comes from your server.
            custom_data: custom fields, ``{key: value}``.
            context: extra data passed to the pool's pipelines.
            clientIp: the old spelling of ``client_ip``.

        Returns:
            The new user (a :class:`~approw.v2.common.shapes.users.User` dict).

        Raises:
            UserExistsError: an account with this e-mail exists (2026).
            RateLimitedError: the pool's frequent-registration check refused it (2100).
            ApprowException: another refusal of the service: registration disabled or the
                address not on the pool's whitelist (2031), a malformed address (2003).
        """
        if profile is not None:
            checks.input_object("RegisterProfile", profile, "profile")
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
        profile: Optional[RegisterProfile] = None,
        force_login: bool = False,
        generate_token: bool = False,
        client_ip: Optional[str] = None,
        custom_data: Optional[Mapping[str, Any]] = None,
        context: Optional[Mapping[str, Any]] = None,
        *,
        clientIp: Optional[str] = None,  # noqa: N803 (old spelling, still accepted)
    ) -> User:
        """Register with username and password, and store the new user as the current user.

        Args:
            username: the account's username.
            password: its password (encrypted with ``enc_public_key`` before sending).
            profile, force_login, generate_token, client_ip, custom_data, context, clientIp:
                as in :meth:`register_by_email`.

        Returns:
            The new user (a :class:`~approw.v2.common.shapes.users.User` dict).

        Raises:
            UserExistsError: an account with this username exists (2026).
            RateLimitedError: the pool's frequent-registration check refused it (2100).
            ApprowException: registration disabled or the username not on the pool's
                whitelist (2031).
        """
        if profile is not None:
            checks.input_object("RegisterProfile", profile, "profile")
        return await self._login(ops.registerByUsername({"input": {
            "username": username, "password": self._executor.encrypt_password(password),
            "profile": profile, "forceLogin": force_login, "generateToken": generate_token,
            **client_extras(client_ip, clientIp, custom_data, context),
        }}))

    @checked
    async def register_by_phone_code(
        self,
        phone: str,
        code: str,
        password: Optional[str] = None,
        profile: Optional[RegisterProfile] = None,
        force_login: bool = False,
        generate_token: bool = False,
        client_ip: Optional[str] = None,
        custom_data: Optional[Mapping[str, Any]] = None,
        context: Optional[Mapping[str, Any]] = None,
        *,
        clientIp: Optional[str] = None,  # noqa: N803 (old spelling, still accepted)
    ) -> User:
        """Register with a phone number and the SMS code sent to it (:meth:`send_sms_code`).

        Args:
            phone: the phone number the code was sent to.
            code: the code the user received.
            password: an optional password (encrypted before sending).
            profile, force_login, generate_token, client_ip, custom_data, context, clientIp:
                as in :meth:`register_by_email`.

        Returns:
            The new user, with ``phoneVerified`` true.

        Raises:
            VerificationCodeError: the code is wrong or used (2001) or has expired (2300).
            UserExistsError: the phone number belongs to an account (2026).
            RateLimitedError: the pool's frequent-registration check refused it (2100).
            ApprowException: registration disabled or the number not on the pool's
                whitelist (2031).
        """
        if profile is not None:
            checks.input_object("RegisterProfile", profile, "profile")
        return await self._login(ops.registerByPhoneCode({"input": {
            "phone": phone, "code": code,
            "password": self._executor.encrypt_password(password) if password else None,
            "profile": profile, "forceLogin": force_login, "generateToken": generate_token,
            **client_extras(client_ip, clientIp, custom_data, context),
        }}))

    @checked
    async def send_sms_code(self, phone: str) -> CommonMessage:
        """Send a verification code by SMS to ``phone``.

        The code serves phone registration and login, password resets and phone changes.

        Args:
            phone: the phone number, e.g. ``+8613800000000``.

        Returns:
            The service's answer ``{code, message}`` (a
            :class:`~approw.v2.common.shapes.CommonMessage` dict) as is: check ``code ==
            200`` (a refusal, e.g. a resend too soon, 2100, is returned, not raised).

        Raises:
            ApprowArgumentTypeError: ``phone`` is not a str.
            ApprowTransportError: no usable answer came (the service's refusals are
                returned).
        """
        answer: CommonMessage = await self._rest("POST", "/api/v2/sms/send", json={"phone": phone},
                                                 result="raw")
        return answer

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
        """Log in with e-mail and password; return the user and keep it as the current user.

        Args:
            email: the account's e-mail address.
            password: its password (encrypted with ``enc_public_key`` before sending).
            auto_register: create the account when there is none.
            captcha_code: the captcha the service asks for after repeated failures (2000).
            client_ip: the end user's IP address, when the call comes from your server.
            custom_data: custom fields to set, ``{key: value}``.
            context: extra data passed to the pool's pipelines.
            clientIp: the old spelling of ``client_ip``.

        Returns:
            The user (a :class:`~approw.v2.common.shapes.users.User` dict), with its
            ``token``; later calls of this client act as this user.

        Raises:
            UserNotFoundError: no account has this e-mail (2004).
            WrongPasswordError: the password is wrong (2006).
            MfaRequiredError: the user must give a second factor (1635): finish with
                ``mfa.verify_totp_mfa(totp, mfa_token=e.data["mfaToken"])``.
            PermissionDeniedError: the application's access policy keeps the user out
                (1001).
            ApprowException: the account is locked (2005); a captcha is needed after
                repeated failures (2000); the password must be changed first (1639 at the
                first login, 1640 when the pool forces it), with ``e.data["token"]`` for
                :meth:`reset_password_by_first_login_token` or
                :meth:`reset_password_by_force_reset_token`.
        """
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
        """Log in with username and password; return the user and keep it as the current user.

        Args:
            username: the account's username.
            password: its password (encrypted with ``enc_public_key`` before sending).
            auto_register, captcha_code, client_ip, custom_data, context, clientIp: as in
                :meth:`login_by_email`.

        Returns:
            The user (a :class:`~approw.v2.common.shapes.users.User` dict), with its
            ``token``; later calls of this client act as this user.

        Raises:
            UserNotFoundError: no account has this username (2004).
            WrongPasswordError: the password is wrong (2006).
            MfaRequiredError: the user must give a second factor (1635).
            ApprowException: as in :meth:`login_by_email` (2005, 2000, 1639, 1640).
        """
        return await self._login(ops.loginByUsername({"input": {
            "username": username, "password": self._executor.encrypt_password(password),
            "autoRegister": auto_register, "captchaCode": captcha_code,
            **client_extras(client_ip, clientIp, custom_data, context),
        }}))

    @checked
    async def login_by_phone_code(
        self,
        phone: str,
        code: str,
        client_ip: Optional[str] = None,
        custom_data: Optional[Mapping[str, Any]] = None,
        context: Optional[Mapping[str, Any]] = None,
        *,
        clientIp: Optional[str] = None,  # noqa: N803 (old spelling, still accepted)
    ) -> User:
        """Log in with a phone number and the SMS code sent to it (:meth:`send_sms_code`).

        An unknown number is registered.

        Args:
            phone: the phone number the code was sent to.
            code: the code the user received.
            client_ip, custom_data, context, clientIp: as in :meth:`login_by_email`.

        Returns:
            The user, with its ``token``; later calls of this client act as this user.

        Raises:
            VerificationCodeError: the code is wrong or used (2001) or has expired (2300).
            MfaRequiredError: the user must give a second factor (1635).
            ApprowException: as in :meth:`login_by_email` (2005, 1639, 1640); registering
                an unknown number, as in :meth:`register_by_phone_code` (2031, 2100).
        """
        return await self._login(ops.loginByPhoneCode({"input": {
            "phone": phone, "code": code, **client_extras(client_ip, clientIp, custom_data, context),
        }}))

    @checked
    async def login_by_phone_password(
        self,
        phone: str,
        password: str,
        auto_register: bool = False,
        captcha_code: Optional[str] = None,
        client_ip: Optional[str] = None,
        custom_data: Optional[Mapping[str, Any]] = None,
        context: Optional[Mapping[str, Any]] = None,
        *,
        clientIp: Optional[str] = None,  # noqa: N803 (old spelling, still accepted)
    ) -> User:
        """Log in with phone number and password; return the user and keep it as the current
        user.

        Args:
            phone: the account's phone number.
            password: its password (encrypted with ``enc_public_key`` before sending).
            auto_register, captcha_code, client_ip, custom_data, context, clientIp: as in
                :meth:`login_by_email`.

        Returns:
            The user (a :class:`~approw.v2.common.shapes.users.User` dict), with its
            ``token``; later calls of this client act as this user.

        Raises:
            UserNotFoundError: no account has this phone number (2004).
            WrongPasswordError: the password is wrong (2006).
            MfaRequiredError: the user must give a second factor (1635).
            ApprowException: as in :meth:`login_by_email` (2005, 2000, 1639, 1640).
        """
        return await self._login(ops.loginByPhonePassword({"input": {
            "phone": phone, "password": self._executor.encrypt_password(password),
            "autoRegister": auto_register, "captchaCode": captcha_code,
            **client_extras(client_ip, clientIp, custom_data, context),
        }}))

    @checked
    async def login_by_sub_account(
        self,
        account: str,
        password: str,
        captcha_code: Optional[str] = None,
        client_ip: Optional[str] = None,
    ) -> User:
        """Log in with a sub-account's name and password; return the user and keep it as the
        current user.

        Args:
            account: the sub-account's name (its username, e-mail or phone).
            password: its password (encrypted before sending).
            captcha_code: the captcha the service asks for after repeated failures (2000).
            client_ip: the end user's IP address, when the call comes from your server.

        Returns:
            The user (a :class:`~approw.v2.common.shapes.users.User` dict), with its
            ``token``.

        Raises:
            UserNotFoundError: no account has this name (2004).
            WrongPasswordError: the password is wrong (2006).
            MfaRequiredError: the user must give a second factor (1635).
            ApprowException: as in :meth:`login_by_email` (2005, 2000, 1639, 1640).
        """
        return await self._login(ops.loginBySubAccount({
            "account": account, "password": self._executor.encrypt_password(password),
            "captchaCode": captcha_code, "clientIp": client_ip,
        }))

    @checked
    async def login_by_ldap(self, username: str, password: str) -> Optional[User]:
        """Log in with the username and password of the application's LDAP directory.

        The password is sent as given over the connection (use HTTPS).  The first login
        creates the user.

        Args:
            username: the directory's username.
            password: its password.

        Returns:
            The user (a :class:`~approw.v2.common.shapes.users.User` dict) with its
            ``token``, stored as the current user; ``None`` if ``on_error`` returns instead
            of raising.

        Raises:
            WrongPasswordError: the directory refused the username and password (2006).
            MfaRequiredError: the user must give a second factor (1635).
            ApprowException: no directory connection is enabled for the application, or
                the directory cannot be used (500); username or password empty (2231).
        """
        return await self._rest_login("/api/v2/ldap/verify-user",
                                      {"username": username, "password": password})

    @checked
    async def login_by_ad(self, username: str, password: str) -> Optional[User]:
        """Log in with the username and password of the application's Active Directory.

        The request goes to ``options.websocket_host`` (default ``https://ws.<domain of
        host>``; for a host given as an IP address or a one-label name, such as an emulator
        on ``127.0.0.1``, the host itself).  Otherwise as :meth:`login_by_ldap`.

        Args:
            username: the directory's username.
            password: its password.

        Returns:
            The user with its ``token``, stored as the current user; ``None`` if
            ``on_error`` returns instead of raising.

        Raises:
            WrongPasswordError: the directory refused the username and password (2006).
            MfaRequiredError: the user must give a second factor (1635).
            ApprowException: no AD connection is enabled for the application, or the
                directory cannot be used (500); username or password empty (2231).
        """
        return await self._rest_login(ad_host(self.options) + "/api/v2/ad/verify-user",
                                      {"username": username, "password": password})

    @checked
    async def check_login_status(self, token: Optional[str] = None) -> LoginStatus:
        """Whether a user token is valid (asked of the service).

        Args:
            token: the token to check (default: the stored token).

        Returns:
            ``{code, message, status, exp, iat, data: {id, userPoolId, arn}}`` (a
            :class:`~approw.v2.common.shapes.LoginStatus` dict): ``status`` false with
            ``code`` 2206 (expired) or 2207 (invalid, revoked or absent) for a token that is
            not valid; that is an answer, not an exception.

        Raises:
            ApprowArgumentTypeError: ``token`` is not a str.
        """
        return await self._exec(ops.checkLoginStatus({"token": token or self._token}))


def ad_host(options: AuthenticationClientOptions) -> str:
    """The base URL of AD logins: ``options.websocket_host``, else ``https://ws.<d>`` where
    ``<d>`` is the hostname of ``options.host`` without its first label when it has more than
    two (``core.approw.com`` -> ``approw.com``).  A host that is an IP address or a single
    label (``localhost``) has no such sibling, so the host itself is used."""
    if options.websocket_host:
        return options.websocket_host.rstrip("/")
    hostname = get_hostname_from_url(options.host)
    if options.host.split("://", 1)[-1].startswith("[") or "." not in hostname:
        return options.host.rstrip("/")
    import ipaddress    # once per client, when it first needs the websocket host

    try:
        ipaddress.ip_address(hostname)
        return options.host.rstrip("/")
    except ValueError:
        pass
    labels = hostname.split(".")
    return "https://ws." + ".".join(labels[1:] if len(labels) > 2 else labels)
