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

from typing import TYPE_CHECKING, Any, Dict, List, Optional

from approw.v2.common.checks import checked, one_of
from approw.v2.exceptions import ApprowWrongArgumentException

if TYPE_CHECKING:
    from .base import AsyncAuthenticationBase

if TYPE_CHECKING:   # the shapes are TypedDicts: imported for type checkers only
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
        """The user's confirmed authenticators of ``type`` (``[]`` when none is set up)."""
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
        """Start setting up a TOTP authenticator: returns its ``secret``, ``qrcode_uri`` (and
        a QR code of it, ``qrcode_data_url``) for the user's app and a single-use
        ``recovery_code`` to keep.  Finish with :meth:`confirm_associate_mfa_authenticator`."""
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
        """Finish setting up the authenticator with a code it shows (``totp``); ``True``.  A
        wrong code goes to ``on_error``."""
        one_of("authenticator_type", authenticator_type, _TYPES)
        one_of("source", source, _SOURCES)
        return await self._client._rest_ok("/api/v2/mfa/totp/associate/confirm", {
            "authenticator_type": authenticator_type, "totp": totp, "source": source,
        }, self._bearer(mfa_token))

    @checked
    async def verify_totp_mfa(self, totp: str, mfa_token: str) -> Optional[User]:
        """Finish a login with the code the user's authenticator shows; returns the user with
        its token (the client's current user from now on)."""
        return await self._client._rest_login("/api/v2/mfa/totp/verify", {"totp": totp}, mfa_token)

    @checked
    async def verify_totp_recovery_code(self, recovery_code: str, mfa_token: str) -> Optional[User]:
        """Finish a login with the authenticator's recovery code instead (it works once);
        returns the user with its token."""
        return await self._client._rest_login("/api/v2/mfa/totp/recovery",
                                              {"recoveryCode": recovery_code}, mfa_token)

    @checked
    async def verify_app_sms_mfa(self, phone: str, code: str, mfa_token: str) -> Optional[User]:
        """Finish a login with the SMS code sent to ``phone`` (``send_sms_code``): the user's
        phone, or a number to bind when they have none.  Returns the user with its token."""
        return await self._client._rest_login("/api/v2/applications/mfa/sms/verify",
                                              {"phone": phone, "code": code}, mfa_token)

    @checked
    async def verify_app_email_mfa(self, email: str, code: str, mfa_token: str) -> Optional[User]:
        """Finish a login with the code e-mailed to ``email`` (``send_email`` with scene
        ``MFA_VERIFY``): the user's address, or one to bind when they have none.  Returns the
        user with its token."""
        return await self._client._rest_login("/api/v2/applications/mfa/email/verify",
                                              {"email": email, "code": code}, mfa_token)

    @checked
    async def phone_or_email_bindable(self, mfa_token: str, phone: Optional[str] = None,
                                      email: Optional[str] = None) -> bool:
        """Whether ``phone`` (or ``email``) can serve as the second factor of the user logging
        in: their own, or free to bind.  ``True``; a refusal (e.g. taken by another user) goes
        to ``on_error``."""
        if phone is None and email is None:
            raise ApprowWrongArgumentException("pass phone or email")
        body: Dict[str, Any] = {"phone": phone, "email": email}
        return await self._client._rest_ok("/api/v2/applications/mfa/check", body, mfa_token)
