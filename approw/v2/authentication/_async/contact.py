"""The phone number and e-mail address of the current user: bind, change, unbind.

Each change is proven with a verification code: SMS codes come from ``send_sms_code``, e-mail
codes from ``send_email`` (scene ``CHANGE_EMAIL``).  The reference SDK's old camelCase
parameter names (``phoneCode``, ``oldPhone``, ...) are accepted as keywords.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from approw.v2.common import operations as ops
from approw.v2.common.checks import checked
from approw.v2.common.utils import pick_alias, pick_required

from .base import AsyncAuthenticationBase

if TYPE_CHECKING:   # the shapes are TypedDicts: imported for type checkers only
    from approw.v2.common.shapes import User

__all__ = ["AsyncContactMethods"]


class AsyncContactMethods(AsyncAuthenticationBase):
    """Bind, change and unbind the current user's phone and e-mail; each success stores the
    returned user as the current user."""

    async def _contact(self, user: User) -> User:
        self._set_current_user(user)
        return user

    @checked
    async def bind_phone(
        self,
        phone: str,
        phone_code: Optional[str] = None,
        *,
        phoneCode: Optional[str] = None,  # noqa: N803 (old spelling, still accepted)
    ) -> User:
        """Bind ``phone`` to a user who has none, with the SMS code sent to it; the number
        must not belong to another user."""
        code = pick_required(phone_code, phoneCode, "phone_code", "phoneCode")
        return await self._contact(await self._exec(
            ops.bindPhone({"phone": phone, "phoneCode": code}), self._token))

    @checked
    async def unbind_phone(self) -> User:
        """Remove the current user's phone number (refused when it is their only way to log
        in)."""
        return await self._contact(await self._exec(ops.unbindPhone({}), self._token))

    @checked
    async def update_phone(
        self,
        phone: str,
        phone_code: Optional[str] = None,
        old_phone: Optional[str] = None,
        old_phone_code: Optional[str] = None,
        *,
        phoneCode: Optional[str] = None,  # noqa: N803 (old spelling, still accepted)
        oldPhone: Optional[str] = None,  # noqa: N803
        oldPhoneCode: Optional[str] = None,  # noqa: N803
    ) -> User:
        """Change the current user's phone number to ``phone`` with the SMS code sent to it;
        when the user pool asks to verify the old number (the default), also ``old_phone``
        and the code sent to it."""
        return await self._contact(await self._exec(ops.updatePhone({
            "phone": phone,
            "phoneCode": pick_required(phone_code, phoneCode, "phone_code", "phoneCode"),
            "oldPhone": pick_alias(old_phone, oldPhone, "old_phone", "oldPhone"),
            "oldPhoneCode": pick_alias(old_phone_code, oldPhoneCode, "old_phone_code", "oldPhoneCode"),
        }), self._token))

    @checked
    async def bind_email(
        self,
        email: str,
        email_code: Optional[str] = None,
        *,
        emailCode: Optional[str] = None,  # noqa: N803 (old spelling, still accepted)
    ) -> User:
        """Bind ``email`` to a user who has none, with the code e-mailed to it (scene
        ``CHANGE_EMAIL`` or ``VERIFY_EMAIL``); the address must not belong to another user."""
        code = pick_required(email_code, emailCode, "email_code", "emailCode")
        return await self._contact(await self._exec(
            ops.bindEmail({"email": email, "emailCode": code}), self._token))

    @checked
    async def unbind_email(self) -> User:
        """Remove the current user's e-mail address (refused when it is their only way to
        log in)."""
        return await self._contact(await self._exec(ops.unbindEmail({}), self._token))

    @checked
    async def update_email(
        self,
        email: str,
        email_code: Optional[str] = None,
        old_email: Optional[str] = None,
        old_email_code: Optional[str] = None,
        *,
        emailCode: Optional[str] = None,  # noqa: N803 (old spelling, still accepted)
        oldEmail: Optional[str] = None,  # noqa: N803
        oldEmailCode: Optional[str] = None,  # noqa: N803
    ) -> User:
        """Change the current user's e-mail address to ``email`` with the code e-mailed to it
        (scene ``CHANGE_EMAIL``); when the user pool asks to verify the old address (the
        default), also ``old_email`` and the code sent to it."""
        return await self._contact(await self._exec(ops.updateEmail({
            "email": email,
            "emailCode": pick_required(email_code, emailCode, "email_code", "emailCode"),
            "oldEmail": pick_alias(old_email, oldEmail, "old_email", "oldEmail"),
            "oldEmailCode": pick_alias(old_email_code, oldEmailCode, "old_email_code", "oldEmailCode"),
        }), self._token))
