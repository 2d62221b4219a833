"""Account maintenance of the end-user client: profile, password (changes, resets, strength),
the token, linked accounts and logout.  Phone and e-mail changes are in ``contact``."""
from __future__ import annotations

from approw.v2.common import operations as ops
from approw.v2.common import checks
from approw.v2.common.checks import checked, email_scene

from .base import AsyncAuthenticationBase

# For type checkers only: ``typing`` costs more to import than the SDK itself, and the
# shapes and input objects are TypedDicts (plain dicts at run time).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Mapping, Optional

    from approw.v2.common.inputs import UpdateUserInput
    from approw.v2.common.shapes import CommonMessage, PasswordStrength, RefreshedToken, User

__all__ = ["AsyncAccountMethods"]


class AsyncAccountMethods(AsyncAuthenticationBase):
    """Change the current user's account."""

    @checked
    async def update_profile(self, updates: UpdateUserInput) -> User:
        """Update the current user's profile, e.g. ``{"nickname": "Nick"}``.

        Passwords are changed with :meth:`update_password`, the phone and e-mail with
        ``update_phone`` and ``update_email``.

        Args:
            updates: the fields to change (an ``UpdateUserInput``: ``username``,
                ``nickname``, ``photo``, ``company``, ...).

        Returns:
            The updated user (a :class:`~approw.v2.common.shapes.users.User` dict); it
            becomes the current user.

        Raises:
            ApprowWrongArgumentException: ``updates`` has a field ``UpdateUserInput`` lacks
                (:class:`ApprowArgumentTypeError` for a value of the wrong type).
            TokenInvalidError: nobody is logged in, or the token is no longer valid (2020).
            UserExistsError: another user has this username (2026).
            PermissionDeniedError: ``unionid`` or ``openid`` cannot be changed (2018).
            ApprowException: ``email`` (2225), ``phone`` (2226) or ``password`` (2019) cannot
                be changed here.
        """
        checks.input_object("UpdateUserInput", updates, "updates")
        user = await self._check_logged_in()
        result = await self._exec(ops.updateUser({"id": user["id"], "input": updates}), self._token)
        self._set_current_user(result)
        return result

    @checked
    async def update_password(self, new_password: str, old_password: Optional[str] = None) -> User:
        """Change the current user's password (both passwords encrypted before sending).

        Args:
            new_password: the new password.
            old_password: the current one; required when the user has a password, left out
                by a user who has none (signed up by phone code or a directory).

        Returns:
            The user (a :class:`~approw.v2.common.shapes.users.User` dict); the stored token
            stays valid.

        Raises:
            TokenInvalidError: nobody is logged in (2020).
            WrongPasswordError: ``old_password`` is wrong (2203).
            ApprowException: ``old_password`` is missing (2201), or the new password breaks
                the pool's password policy, e.g. is empty (2231).
        """
        return await self._exec(ops.updatePassword({
            "newPassword": self._executor.encrypt_password(new_password),
            "oldPassword": (self._executor.encrypt_password(old_password)
                            if old_password is not None else None),
        }), self._token)

    @checked
    async def check_password_strength(self, password: str) -> PasswordStrength:
        """Whether ``password`` meets the user pool's password policy.

        The password is sent as given, to be checked, not stored.

        Args:
            password: the password to check.

        Returns:
            ``{valid, message}`` (a :class:`~approw.v2.common.shapes.PasswordStrength`
            dict): a refusal is ``valid`` false with the reason, not an exception.

        Raises:
            ApprowArgumentTypeError: ``password`` is not a str.
        """
        return await self._exec(ops.checkPasswordStrength({"password": password}))

    @checked
    async def send_email(self, email: str, scene: str) -> CommonMessage:
        """E-mail a verification code to ``email``.

        Args:
            email: the address to send it to.
            scene: what the code is for: ``RESET_PASSWORD``
                (:meth:`reset_password_by_email_code`), ``VERIFY_EMAIL`` or ``CHANGE_EMAIL``
                (``bind_email``, ``update_email``) or ``MFA_VERIFY``
                (``mfa.verify_app_email_mfa``).

        Returns:
            ``{code, message}`` (a :class:`~approw.v2.common.shapes.CommonMessage` dict).

        Raises:
            ApprowWrongArgumentException: ``scene`` is not one of those.
            RateLimitedError: a code was sent to this address moments ago (2100).
            ApprowException: the address is malformed (2003).
        """
        email_scene(scene)
        return await self._exec(ops.sendEmail({"email": email, "scene": scene}))

    @checked
    async def reset_password_by_phone_code(self, phone: str, code: str, new_password: str
                                           ) -> CommonMessage:
        """Set a new password with the SMS code sent to the account's phone.

        Args:
            phone: the account's phone number.
            code: the code sent to it (:meth:`send_sms_code`).
            new_password: the new password (encrypted before sending).

        Returns:
            ``{code, message}`` (a :class:`~approw.v2.common.shapes.CommonMessage` dict).

        Raises:
            UserNotFoundError: no account has this phone (2004).
            VerificationCodeError: the code is wrong or used (2001) or has expired (2300).
            ApprowException: the new password breaks the pool's policy (2231).
        """
        return await self._exec(ops.resetPassword({
            "phone": phone, "code": code,
            "newPassword": self._executor.encrypt_password(new_password)}))

    @checked
    async def reset_password_by_email_code(self, email: str, code: str, new_password: str
                                           ) -> CommonMessage:
        """Set a new password with the code e-mailed to the account.

        Args:
            email: the account's e-mail address.
            code: the code sent to it (:meth:`send_email` with scene ``RESET_PASSWORD``).
            new_password: the new password (encrypted before sending).

        Returns:
            ``{code, message}`` (a :class:`~approw.v2.common.shapes.CommonMessage` dict).

        Raises:
            UserNotFoundError: no account has this e-mail (2004).
            VerificationCodeError: the code is wrong or used (2001) or has expired (2300).
            ApprowException: the new password breaks the pool's policy (2231).
        """
        return await self._exec(ops.resetPassword({
            "email": email, "code": code,
            "newPassword": self._executor.encrypt_password(new_password)}))

    @checked
    async def reset_password_by_first_login_token(self, token: str, password: str) -> CommonMessage:
        """Set the password of an account that must change it at its first login.

        Then log in again with the new password.

        Args:
            token: the token the refused login (1639) carried in its error ``data``.
            password: the new password (encrypted before sending).

        Returns:
            ``{code, message}`` (a :class:`~approw.v2.common.shapes.CommonMessage` dict).

        Raises:
            TokenInvalidError: the token is unknown or used (2207) or has expired (2206).
            ApprowException: the password breaks the pool's policy (2231).
        """
        return await self._exec(ops.resetPasswordByFirstLoginToken({
            "token": token, "password": self._executor.encrypt_password(password)}))

    @checked
    async def reset_password_by_force_reset_token(self, token: str, old_password: str,
                                                  new_password: str) -> CommonMessage:
        """Replace a password the user pool requires to be changed (e.g. an expired one).

        Then log in again with the new password.

        Args:
            token: the token the refused login (1640) carried in its error ``data``.
            old_password: the current password (encrypted before sending).
            new_password: the new one (encrypted before sending).

        Returns:
            ``{code, message}`` (a :class:`~approw.v2.common.shapes.CommonMessage` dict).

        Raises:
            TokenInvalidError: the token is unknown or used (2207) or has expired (2206).
            WrongPasswordError: ``old_password`` is wrong (2203).
            ApprowException: the new password breaks the pool's policy or equals the old
                one (2231).
        """
        return await self._exec(ops.resetPasswordByForceResetToken({
            "token": token, "oldPassword": self._executor.encrypt_password(old_password),
            "newPassword": self._executor.encrypt_password(new_password)}))

    @checked
    async def refresh_token(self, token: Optional[str] = None) -> RefreshedToken:
        """A new token for the logged-in user; it becomes the stored token.

        Args:
            token: the user's current token (default: the stored one).

        Returns:
            ``{token, iat, exp}`` (a :class:`~approw.v2.common.shapes.RefreshedToken` dict).

        Raises:
            TokenInvalidError: no token, or it is no longer valid (2020).
        """
        result = await self._exec(ops.refreshToken({}), token or self._token)
        self._token = result["token"]
        return result

    @checked
    async def link_account(self, primary_user_token: str, secondary_user_token: str) -> bool:
        """Link a social account to a primary account, which can then log in through it.

        The secondary account's identities move to the primary account.

        Args:
            primary_user_token: the token of the account to keep.
            secondary_user_token: the token of the social account (e.g. from a WeChat
                login).

        Returns:
            ``True``; ``False`` when ``on_error`` returns instead of raising.

        Raises:
            TokenInvalidError: a token is not a valid user token (2207).
            ApprowException: the primary account already has an identity of that provider
                (2213), or the tokens are missing, of the same account, or the secondary
                account has no social identity (2231).
        """
        return await self._rest_ok("/api/v2/users/link", {
            "primaryUserToken": primary_user_token, "secondaryUserToken": secondary_user_token,
        }, self._token)

    @checked
    async def unlink_account(self, primary_user_token: str, provider: str) -> bool:
        """Remove the primary account's identities of one social provider.

        Args:
            primary_user_token: the token of the account.
            provider: the social login to remove, such as ``wechat``.

        Returns:
            ``True``; ``False`` when ``on_error`` returns instead of raising.

        Raises:
            TokenInvalidError: the token is not a valid user token (2207).
            ApprowException: the account has no identity of ``provider`` (2216), or it is
                its only way to log in (2217).
        """
        return await self._rest_ok("/api/v2/users/unlink", {
            "primaryUserToken": primary_user_token, "provider": provider}, self._token)

    @checked
    async def logout(self) -> bool:
        """Log the current user out, on the server (its token is revoked) and in this client.

        Returns:
            ``True``.

        Raises:
            TokenInvalidError: nobody is logged in, or the token is no longer valid (2020).
        """
        await self._check_logged_in()
        await self._rest("GET", "/api/v2/logout", token=self._token,
                         params={"app_id": self.options.app_id}, result="ignore")
        self._clear_current_user()
        return True
