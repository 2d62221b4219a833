"""``management.mfa``: :class:`AsyncMfaManagementClient`, the administrator's view of users'
second factors.

These are the same TOTP authenticators users set up themselves (``authentication_client.mfa``):
an administrator can see whether a user has one, give a user one (``import_totp``, e.g. when
migrating from another system), switch it off or on, or remove it::

    management.mfa.import_totp(user_id, secret="JBSWY3DPEHPK3PXP")   # logins now need a code
    management.mfa.get_status(user_id)                                # {'OTP': True, 'FACE': False}
    management.mfa.unassociate_mfa(user_id, "OTP")
"""
import binascii
from typing import Optional
from urllib.parse import quote

from approw.v2.common import operations as ops
from approw.v2.common.checks import checked, one_of
from approw.v2.common.shapes import MfaAuthenticator, MfaRecord, MfaStatus
from approw.v2.exceptions import ApprowWrongArgumentException

from .base import AsyncManagementSubClient

__all__ = ["AsyncMfaManagementClient"]

#: Kinds of second factor a user can have bound.
MFA_TYPES = ("OTP", "FACE")


def _bound_url(user_id: str) -> str:
    if not user_id:
        raise ApprowWrongArgumentException("user_id must not be empty")
    return f"/api/v2/users/{quote(user_id, safe='')}/mfa-bound"


def _check_secret(secret: str) -> None:
    """A TOTP secret is base32 text (what authenticator apps take), spaces allowed."""
    import base64  # only here: not worth its import time for every program

    text = secret.replace(" ", "").upper()
    try:
        key = base64.b32decode(text + "=" * (-len(text) % 8))
    except (binascii.Error, ValueError):
        key = b""
    if not key:
        raise ApprowWrongArgumentException("secret must be a base32 TOTP secret, such as 'JBSWY3DPEHPK3PXP'")


class AsyncMfaManagementClient(AsyncManagementSubClient):
    """Users' second factors as an administrator sees them, ``management_client.mfa`` (every
    call carries the management token)."""

    @checked
    async def get_status(self, user_id: str) -> MfaStatus:
        """Which second factors a user has bound.

        Args:
            user_id: the user's ID.

        Returns:
            ``{"OTP": bool, "FACE": bool}``; ``OTP`` is a confirmed TOTP authenticator.

        Raises:
            UserNotFoundError: no user has this ID (2004).
            ApprowWrongArgumentException: ``user_id`` is empty.
            ApprowArgumentTypeError: ``user_id`` is not a str.

        Example::

            management_client.mfa.import_totp(user_id, secret="JBSWY3DPEHPK3PXP")
            print(management_client.mfa.get_status(user_id))   # {'OTP': True, 'FACE': False}
        """
        status: MfaStatus = await self._rest("GET", _bound_url(user_id))
        return status

    @checked
    async def unassociate_mfa(self, user_id: str, type: str) -> bool:  # noqa: A002 (reference name)
        """Remove a user's second factor of one kind; their logins no longer ask for it.

        Args:
            user_id: the user's ID.
            type: ``OTP`` or ``FACE``.

        Returns:
            ``True`` (also when the user had none); ``False`` when an ``on_error`` option returned
            instead of raising.

        Raises:
            UserNotFoundError: no user has this ID (2004).
            ApprowWrongArgumentException: ``type`` is not ``OTP`` or ``FACE``, or ``user_id`` is
                empty.
        """
        one_of("type", type, MFA_TYPES)
        return await self._rest_ok("DELETE", _bound_url(user_id), params={"type": type})

    @checked
    async def import_totp(self, user_id: str, secret: str,
                          recovery_code: Optional[str] = None) -> MfaAuthenticator:
        """Give a user a TOTP authenticator with an existing secret, enabled at once.

        Their logins then need its codes (e.g. when migrating users from another system); a
        user who had one gets the new secret.

        Args:
            user_id: the user's ID.
            secret: the base32 secret (``JBSWY3DPEHPK3PXP``; spaces allowed).
            recovery_code: the recovery code to keep; a new one is made when not given.

        Returns:
            The authenticator ``{id, userId, enable, secret, authenticatorType, recoveryCode,
            ...}`` (a :class:`~approw.v2.common.shapes.users.MfaAuthenticator` dict).

        Raises:
            UserNotFoundError: no user has this ID (2004).
            ApprowWrongArgumentException: ``secret`` is not base32, or ``user_id`` is empty.
        """
        if not user_id:
            raise ApprowWrongArgumentException("user_id must not be empty")
        _check_secret(secret)
        found: MfaAuthenticator = await self._rest("POST", "/api/v2/mfa/totp/import", json={
            "userId": user_id, "secret": secret, "recoveryCode": recovery_code})
        return found

    @checked
    async def query_mfa(self, id: Optional[str] = None, user_id: Optional[str] = None,  # noqa: A002
                        user_pool_id: Optional[str] = None) -> Optional[MfaRecord]:
        """A user's TOTP second factor, by its ID or by the user's, or ``None``.

        Args:
            id: the second factor's ID.
            user_id: the user's ID.
            user_pool_id: the pool's ID (this client's pool when not given).

        Returns:
            ``{id, userId, userPoolId, enable, secret}`` (a
            :class:`~approw.v2.common.shapes.users.MfaRecord` dict), or ``None`` when there is
            none (also for an unknown user).

        Raises:
            ApprowWrongArgumentException: neither ``id`` nor ``user_id`` was given.
            ApprowArgumentTypeError: an argument is not a str.
        """
        if not id and not user_id:
            raise ApprowWrongArgumentException("pass id or user_id")
        return await self._exec(ops.queryMfa({"id": id, "userId": user_id, "userPoolId": user_pool_id}))

    @checked
    async def change_mfa(self, enable: Optional[bool] = None, id: Optional[str] = None,  # noqa: A002
                         user_id: Optional[str] = None, user_pool_id: Optional[str] = None,
                         refresh: Optional[bool] = None) -> MfaRecord:
        """Switch a user's TOTP second factor on or off, or give it a new secret.

        A user without one gets a new authenticator.

        Args:
            enable: ``True``: logins need its codes; ``False``: they do not.
            id: the second factor's ID.
            user_id: the user's ID (instead of ``id``).
            user_pool_id: the pool's ID (this client's pool when not given).
            refresh: ``True`` gives it a new secret (the user must add it to their app again).

        Returns:
            ``{id, userId, userPoolId, enable, secret}`` (a
            :class:`~approw.v2.common.shapes.users.MfaRecord` dict).

        Raises:
            UserNotFoundError: no user has this ID (2004).
            ApprowException: no second factor has this ``id`` (2231).
            ApprowWrongArgumentException: neither ``id`` nor ``user_id`` was given.
        """
        if not id and not user_id:
            raise ApprowWrongArgumentException("pass id or user_id")
        return await self._exec(ops.changeMfa({"enable": enable, "id": id, "userId": user_id,
                                               "userPoolId": user_pool_id, "refresh": refresh}))
