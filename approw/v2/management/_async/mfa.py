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
    """Users' second factors (every call carries the management token)."""

    @checked
    async def get_status(self, user_id: str) -> MfaStatus:
        """Which second factors the user has bound: ``{"OTP": bool, "FACE": bool}`` (``OTP``:
        a confirmed TOTP authenticator)."""
        status: MfaStatus = await self._rest("GET", _bound_url(user_id))
        return status

    @checked
    async def unassociate_mfa(self, user_id: str, type: str) -> bool:  # noqa: A002 (reference name)
        """Remove the user's second factor of ``type`` (``OTP`` or ``FACE``); ``True``.  Their
        logins no longer ask for it."""
        one_of("type", type, MFA_TYPES)
        return await self._rest_ok("DELETE", _bound_url(user_id), params={"type": type})

    @checked
    async def import_totp(self, user_id: str, secret: str,
                          recovery_code: Optional[str] = None) -> MfaAuthenticator:
        """Give the user a TOTP authenticator with an existing base32 ``secret`` (and
        ``recovery_code``), enabled at once: their logins then need its codes.  Returns the
        authenticator ``{id, userId, enable, secret, authenticatorType, recoveryCode, ...}``."""
        if not user_id:
            raise ApprowWrongArgumentException("user_id must not be empty")
        _check_secret(secret)
        found: MfaAuthenticator = await self._rest("POST", "/api/v2/mfa/totp/import", json={
            "userId": user_id, "secret": secret, "recoveryCode": recovery_code})
        return found

    @checked
    async def query_mfa(self, id: Optional[str] = None, user_id: Optional[str] = None,  # noqa: A002
                        user_pool_id: Optional[str] = None) -> Optional[MfaRecord]:
        """A user's TOTP second factor, by its ``id`` or by ``user_id``: ``{id, userId,
        userPoolId, enable, secret}``, or ``None`` when there is none."""
        if not id and not user_id:
            raise ApprowWrongArgumentException("pass id or user_id")
        return await self._exec(ops.queryMfa({"id": id, "userId": user_id, "userPoolId": user_pool_id}))

    @checked
    async def change_mfa(self, enable: Optional[bool] = None, id: Optional[str] = None,  # noqa: A002
                         user_id: Optional[str] = None, user_pool_id: Optional[str] = None,
                         refresh: Optional[bool] = None) -> MfaRecord:
        """Switch a user's TOTP second factor on (``enable=True``: logins need its codes) or off,
        and with ``refresh=True`` give it a new secret (the user must add it to their app
        again).  A user without one gets a new authenticator.  Returns ``{id, userId,
        userPoolId, enable, secret}``."""
        if not id and not user_id:
            raise ApprowWrongArgumentException("pass id or user_id")
        return await self._exec(ops.changeMfa({"enable": enable, "id": id, "userId": user_id,
                                               "userPoolId": user_pool_id, "refresh": refresh}))
