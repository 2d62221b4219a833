"""Multi-factor authentication of end users: ``authentication_client.mfa``.

Setting up a TOTP authenticator (an app such as Google Authenticator) for the logged-in
user::

    association = client.mfa.associate_mfa_authenticator()     # secret, qrcode_uri, recovery_code
    client.mfa.confirm_associate_mfa_authenticator(totp="123456")

From then on a password login raises ``ApprowException`` with code 1635 whose ``data``
carries an ``mfaToken``; finish the login with a second factor::

    try:
        client.login_by_username("bob", "passw0rd")
    except ApprowException as e:
        user = client.mfa.verify_totp_mfa(totp="654321", mfa_token=e.data["mfaToken"])

The same happens when the application requires a second factor; it then may also be a code
sent by SMS or e-mail (``verify_app_sms_mfa``, ``verify_app_email_mfa``).  A verification
that succeeds returns the user with its token, which becomes the client's current user.
Calls send ``Authorization: Bearer <mfa_token>`` when one is given, else the current user's
token.
"""
from __future__ import annotations

from approw.v2.common.checks import checked, one_of
from approw.v2.exceptions import ApprowWrongArgumentException

# For type checkers only: ``typing`` costs more to import than the SDK itself, and the
# shapes and input objects are TypedDicts (plain dicts at run time).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional

    from .base import AsyncAuthenticationBase

    from approw.v2.common.shapes import MfaAssociation, MfaAuthenticator, User

__all__ = ["AsyncMfaAuthenticationClient"]

_SOURCES = ("SELF", "APPLICATION")
_TYPES = ("totp",)


class AsyncMfaAuthenticationClient:
    """The second factors of the end user of an ``AsyncAuthenticationClient`` (its ``mfa``
    attribute); it shares the client's options, connections and current user."""

    def __init__(self, client: "AsyncAuthenticationBase") -> None:
        self._client = client

    def _bearer(self, mfa_token: Optional[str]) -> Optional[str]:
        return mfa_token or self._client._token

    @checked
    async def get_mfa_authenticators(self, type: str = "totp",  # noqa: A002 (reference name)
                                     mfa_token: Optional[str] = None,
                                     source: str = "SELF") -> List[MfaAuthenticator]:
        """The user's confirmed authenticators.

        Args:
            type: the kind of authenticator; only ``totp``.
            mfa_token: the ``mfaToken`` of a login that must set one up first; default the
                current user's token.
            source: ``SELF`` (the user's own) or ``APPLICATION`` (required by the
                application).

        Returns:
            A list of :class:`~approw.v2.common.shapes.MfaAuthenticator` dicts; ``[]`` when
            none is set up.

        Raises:
            ApprowWrongArgumentException: ``type`` or ``source`` is not one of those.
            TokenInvalidError: neither a user token nor a valid ``mfa_token`` (2020).
        """
        one_of("type", type, _TYPES)
        one_of("source", source, _SOURCES)
        found: List[MfaAuthenticator] = await self._client._rest(
            "POST", "/api/v2/mfa/authenticator", token=self._bearer(mfa_token),
            json={"type": type, "source": source})
        return found

    @checked
    async def associate_mfa_authenticator(self, authenticator_type: str = "totp",
                                          mfa_token: Optional[str] = None,
                                          source: str = "SELF") -> MfaAssociation:
        """Start setting up a TOTP authenticator for the user's app.

        Finish with :meth:`confirm_associate_mfa_authenticator`.

        Args:
            authenticator_type: the kind of authenticator; only ``totp``.
            mfa_token: the ``mfaToken`` of a login that must set one up first; default the
                current user's token.
            source: ``SELF`` or ``APPLICATION``, as in :meth:`get_mfa_authenticators`.

        Returns:
            ``{authenticator_type, secret, qrcode_uri, qrcode_data_url, recovery_code}`` (a
            :class:`~approw.v2.common.shapes.MfaAssociation` dict): the secret and its
            ``otpauth://`` URI (and a QR code of it) for the app, and a single-use recovery
            code to keep.

        Raises:
            ApprowWrongArgumentException: ``authenticator_type`` or ``source`` is not one of
                those.
            TokenInvalidError: neither a user token nor a valid ``mfa_token`` (2020).
            ApprowException: the user already has a TOTP authenticator (2231).
        """
        one_of("authenticator_type", authenticator_type, _TYPES)
        one_of("source", source, _SOURCES)
        association: MfaAssociation = await self._client._rest(
            "POST", "/api/v2/mfa/totp/associate", token=self._bearer(mfa_token),
            json={"authenticator_type": authenticator_type, "source": source})
        return association

    @checked
    async def confirm_associate_mfa_authenticator(self, totp: str, authenticator_type: str = "totp",
                                                  mfa_token: Optional[str] = None,
                                                  source: str = "SELF") -> bool:
        """Finish setting up the authenticator with a code it shows.

        Args:
            totp: the six-digit code the user's app shows.
            authenticator_type, mfa_token, source: as in
                :meth:`associate_mfa_authenticator`.

        Returns:
            ``True``; ``False`` when ``on_error`` returns instead of raising.

        Raises:
            ApprowWrongArgumentException: ``authenticator_type`` or ``source`` is not one of
                those.
            VerificationCodeError: the code is wrong (2001).
            TokenInvalidError: neither a user token nor a valid ``mfa_token`` (2020).
            ApprowException: no authenticator is being set up (2231).
        """
        one_of("authenticator_type", authenticator_type, _TYPES)
        one_of("source", source, _SOURCES)
        return await self._client._rest_ok("/api/v2/mfa/totp/associate/confirm", {
            "authenticator_type": authenticator_type, "totp": totp, "source": source,
        }, self._bearer(mfa_token))

    @checked
    async def verify_totp_mfa(self, totp: str, mfa_token: str) -> Optional[User]:
        """Finish a login with the code the user's authenticator shows.

        Args:
            totp: the six-digit code.
            mfa_token: ``e.data["mfaToken"]`` of the :class:`MfaRequiredError` the login
                raised.

        Returns:
            The user (a :class:`~approw.v2.common.shapes.users.User` dict) with its
            ``token``, the client's current user from now on; ``None`` if ``on_error``
            returns instead of raising.

        Raises:
            VerificationCodeError: the code is wrong or was already used (2001).
            TokenInvalidError: the ``mfa_token`` is invalid, expired or used (2207).
            ApprowException: the user has no TOTP authenticator (2231).
        """
        return await self._client._rest_login("/api/v2/mfa/totp/verify", {"totp": totp}, mfa_token)

    @checked
    async def verify_totp_recovery_code(self, recovery_code: str, mfa_token: str) -> Optional[User]:
        """Finish a login with the authenticator's recovery code instead (it works once).

        Args:
            recovery_code: the code :meth:`associate_mfa_authenticator` returned.
            mfa_token: ``e.data["mfaToken"]`` of the :class:`MfaRequiredError` the login
                raised.

        Returns:
            The user with its ``token``, the client's current user from now on; ``None`` if
            ``on_error`` returns instead of raising.

        Raises:
            VerificationCodeError: the code is wrong or was already used (2001).
            TokenInvalidError: the ``mfa_token`` is invalid, expired or used (2207).
            ApprowException: the user has no TOTP authenticator (2231).
        """
        return await self._client._rest_login("/api/v2/mfa/totp/recovery",
                                              {"recoveryCode": recovery_code}, mfa_token)

    @checked
    async def verify_app_sms_mfa(self, phone: str, code: str, mfa_token: str) -> Optional[User]:
        """Finish a login with the SMS code sent to a phone (``send_sms_code``).

        Args:
            phone: the user's phone, or a number to bind when they have none.
            code: the code sent to it.
            mfa_token: ``e.data["mfaToken"]`` of the :class:`MfaRequiredError` the login
                raised.

        Returns:
            The user with its ``token``, the client's current user from now on; ``None`` if
            ``on_error`` returns instead of raising.

        Raises:
            VerificationCodeError: the code is wrong or used (2001) or has expired (2300).
            TokenInvalidError: the ``mfa_token`` is invalid, expired or used (2207).
            ApprowException: another user has this phone (2035); it is not the user's own
                phone, or the application takes no SMS second factor (2231).
        """
        return await self._client._rest_login("/api/v2/applications/mfa/sms/verify",
                                              {"phone": phone, "code": code}, mfa_token)

    @checked
    async def verify_app_email_mfa(self, email: str, code: str, mfa_token: str) -> Optional[User]:
        """Finish a login with the code e-mailed to an address (``send_email`` with scene
        ``MFA_VERIFY``).

        Args:
            email: the user's address, or one to bind when they have none.
            code: the code sent to it.
            mfa_token: ``e.data["mfaToken"]`` of the :class:`MfaRequiredError` the login
                raised.

        Returns:
            The user with its ``token``, the client's current user from now on; ``None`` if
            ``on_error`` returns instead of raising.

        Raises:
            VerificationCodeError: the code is wrong or used (2001) or has expired (2300).
            TokenInvalidError: the ``mfa_token`` is invalid, expired or used (2207).
            ApprowException: another user has this address (2200); it is not the user's own
                address, or the application takes no e-mail second factor (2231).
        """
        return await self._client._rest_login("/api/v2/applications/mfa/email/verify",
                                              {"email": email, "code": code}, mfa_token)

    @checked
    async def phone_or_email_bindable(self, mfa_token: str, phone: Optional[str] = None,
                                      email: Optional[str] = None) -> bool:
        """Whether a phone or an e-mail address can carry the second factor of the user
        logging in: their own, or free to bind.

        Args:
            mfa_token: ``e.data["mfaToken"]`` of the :class:`MfaRequiredError` the login
                raised.
            phone: the phone number to check.
            email: the address to check (give one of the two, or both).

        Returns:
            ``True``; ``False`` when ``on_error`` returns instead of raising.

        Raises:
            ApprowWrongArgumentException: neither ``phone`` nor ``email`` was given.
            TokenInvalidError: the ``mfa_token`` is invalid, expired or used (2207).
            ApprowException: another user has it (2035 phone, 2200 e-mail), or the user has
                a different one bound (2231).
        """
        if phone is None and email is None:
            raise ApprowWrongArgumentException("pass phone or email")
        body: Dict[str, Any] = {"phone": phone, "email": email}
        return await self._client._rest_ok("/api/v2/applications/mfa/check", body, mfa_token)
