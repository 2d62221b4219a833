"""The phone number and e-mail address of the current user: bind, change, unbind.

Each change is proven with a verification code: SMS codes come from ``send_sms_code``, e-mail
codes from ``send_email`` (scene ``CHANGE_EMAIL``).  The reference SDK's old camelCase
parameter names (``phoneCode``, ``oldPhone``, ...) are accepted as keywords.
"""
from __future__ import annotations

from approw.v2.common import operations as ops
from approw.v2.common.checks import checked
from approw.v2.common.helpers import pick_alias, pick_required

from .base import AsyncAuthenticationBase

# For type checkers only: ``typing`` costs more to import than the SDK itself, and the
# shapes and input objects are TypedDicts (plain dicts at run time).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional

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
        """Bind ``phone`` to the current user, who has none, with the SMS code sent to it.

        Args:
            phone: the phone number; it must not belong to another user.
            phone_code, phoneCode: the code sent to it (:meth:`send_sms_code`); required, in
                either spelling.

        Returns:
            The updated user (a :class:`~approw.v2.common.shapes.users.User` dict), with
            ``phone`` set and ``phoneVerified`` true; it becomes the current user.

        Raises:
            ApprowWrongArgumentException: no code was given, or both spellings of one
                parameter were.
            TokenInvalidError: nobody is logged in (2020).
            VerificationCodeError: the code is wrong or used (2001) or has expired (2300).
            ApprowException: the user already has a phone, or another user has this one
                (2035).
        """
        code = pick_required(phone_code, phoneCode, "phone_code", "phoneCode")
        return await self._contact(await self._exec(
            ops.bindPhone({"phone": phone, "phoneCode": code}), self._token))

    @checked
    async def unbind_phone(self) -> User:
        """Remove the current user's phone number.

        Returns:
            The updated user, without ``phone`` (unchanged when it had none); it becomes the
            current user.

        Raises:
            TokenInvalidError: nobody is logged in (2020).
            ApprowException: the phone is the user's only way to log in (2217).
        """
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
        """Change the current user's phone number to ``phone``, proven by SMS codes.

        Args:
            phone: the new phone number.
            phone_code, phoneCode: the code sent to ``phone`` (:meth:`send_sms_code`);
                required, in either spelling.
            old_phone, oldPhone: the current number, when the user pool asks to verify it
                (the default).
            old_phone_code, oldPhoneCode: the code sent to the current number, likewise.

        Returns:
            The updated user (a :class:`~approw.v2.common.shapes.users.User` dict) with the
            new ``phone``; it becomes the current user.

        Raises:
            ApprowWrongArgumentException: no code for ``phone`` was given, or both spellings
                of one parameter were.
            TokenInvalidError: nobody is logged in (2020).
            VerificationCodeError: a code is wrong or used (2001) or has expired (2300).
            ApprowException: the user has no phone to change (2231), the new number is the
                current one (2230), the old number or its code is missing (2228) or is not
                the user's (2038), or another user has the new number (2035).
        """
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
        """Bind ``email`` to the current user, who has none, with the code e-mailed to it.

        Args:
            email: the e-mail address; it must not belong to another user.
            email_code, emailCode: the code sent to it (:meth:`send_email` with scene
                ``CHANGE_EMAIL`` or ``VERIFY_EMAIL``); required, in either spelling.

        Returns:
            The updated user (a :class:`~approw.v2.common.shapes.users.User` dict), with
            ``email`` set and ``emailVerified`` true; it becomes the current user.

        Raises:
            ApprowWrongArgumentException: no code was given, or both spellings of one
                parameter were.
            TokenInvalidError: nobody is logged in (2020).
            VerificationCodeError: the code is wrong or used (2001) or has expired (2300).
            ApprowException: the address is malformed (2003), or the user already has an
                e-mail or another user has this one (2200).
        """
        code = pick_required(email_code, emailCode, "email_code", "emailCode")
        return await self._contact(await self._exec(
            ops.bindEmail({"email": email, "emailCode": code}), self._token))

    @checked
    async def unbind_email(self) -> User:
        """Remove the current user's e-mail address.

        Returns:
            The updated user, without ``email``; it becomes the current user.

        Raises:
            TokenInvalidError: nobody is logged in (2020).
            ApprowException: the user has no e-mail (2219), or it is their only way to log in
                (2217).
        """
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
        """Change the current user's e-mail address to ``email``, proven by e-mailed codes.

        Args:
            email: the new address.
            email_code, emailCode: the code sent to ``email`` (:meth:`send_email` with scene
                ``CHANGE_EMAIL``); required, in either spelling.
            old_email, oldEmail: the current address, when the user pool asks to verify it
                (the default).
            old_email_code, oldEmailCode: the code sent to the current address (scene
                ``CHANGE_EMAIL`` or ``VERIFY_EMAIL``), likewise.

        Returns:
            The updated user (a :class:`~approw.v2.common.shapes.users.User` dict) with the
            new ``email``; it becomes the current user.

        Raises:
            ApprowWrongArgumentException: no code for ``email`` was given, or both spellings
                of one parameter were.
            TokenInvalidError: nobody is logged in (2020).
            VerificationCodeError: a code is wrong or used (2001) or has expired (2300).
            ApprowException: an address is malformed (2003), the user has no e-mail to change
                (2231), the new address is the current one (2229), the old address or its
                code is missing (2227) or is not the user's (2037), or another user has the
                new address (2200).
        """
        return await self._contact(await self._exec(ops.updateEmail({
            "email": email,
            "emailCode": pick_required(email_code, emailCode, "email_code", "emailCode"),
            "oldEmail": pick_alias(old_email, oldEmail, "old_email", "oldEmail"),
            "oldEmailCode": pick_alias(old_email_code, oldEmailCode, "old_email_code", "oldEmailCode"),
        }), self._token))
