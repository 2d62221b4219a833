"""Account maintenance of the end-user client: profile, password (changes, resets, strength),
the token, linked accounts and logout.  Phone and e-mail changes are in ``contact``."""
from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, Optional

from approw.v2.common import operations as ops
from approw.v2.common import checks
from approw.v2.common.checks import checked, email_scene

from .base import AsyncAuthenticationBase

if TYPE_CHECKING:
    from approw.v2.common.inputs import UpdateUserInput
else:  # plain dicts at run time, checked by checks.input_object
    UpdateUserInput = Mapping

if TYPE_CHECKING:   # the shapes are TypedDicts: imported for type checkers only
    from approw.v2.common.shapes import CommonMessage, PasswordStrength, RefreshedToken, User

__all__ = ["AsyncAccountMethods"]


class AsyncAccountMethods(AsyncAuthenticationBase):
    """Change the current user's account."""

    @checked
    async def update_profile(self, updates: UpdateUserInput) -> User:
        """Update the current user's profile (e.g. ``{"nickname": "Nick"}``); requires a
        logged-in user.  Passwords are not changed here (``update_password``)."""
        checks.input_object("UpdateUserInput", updates, "updates")
        user = await self._check_logged_in()
        result = await self._exec(ops.updateUser({"id": user["id"], "input": updates}), self._token)
        self._set_current_user(result)
        return result

    @checked
    async def update_password(self, new_password: str, old_password: Optional[str] = None) -> User:
        """Change the current user's password (both encrypted before sending).
        ``old_password`` is required when the user has a password, and may be left out by a
        user who has none (signed up by phone code or a directory).  Returns the user; the
        stored token stays valid."""
        return await self._exec(ops.updatePassword({
            "newPassword": self._executor.encrypt_password(new_password),
            "oldPassword": (self._executor.encrypt_password(old_password)
                            if old_password is not None else None),
        }), self._token)

    @checked
    async def check_password_strength(self, password: str) -> PasswordStrength:
        """Whether ``password`` meets the user pool's password policy: ``{valid, message}``
        (the password is sent as given, to be checked, not stored)."""
        return await self._exec(ops.checkPasswordStrength({"password": password}))

    @checked
    async def send_email(self, email: str, scene: str) -> CommonMessage:
        """E-mail a verification code to ``email`` for ``scene``: ``RESET_PASSWORD``
        (:meth:`reset_password_by_email_code`), ``VERIFY_EMAIL`` or ``CHANGE_EMAIL``
        (``bind_email``, ``update_email``) or ``MFA_VERIFY`` (``mfa.verify_app_email_mfa``).
        Returns ``{code, message}``."""
        email_scene(scene)
        return await self._exec(ops.sendEmail({"email": email, "scene": scene}))

    @checked
    async def reset_password_by_phone_code(self, phone: str, code: str, new_password: str
                                           ) -> CommonMessage:
        """Set a new password (encrypted before sending) with the SMS code sent to the
        account's phone (:meth:`send_sms_code`); returns ``{code, message}``."""
        return await self._exec(ops.resetPassword({
            "phone": phone, "code": code,
            "newPassword": self._executor.encrypt_password(new_password)}))

    @checked
    async def reset_password_by_email_code(self, email: str, code: str, new_password: str
                                           ) -> CommonMessage:
        """Set a new password (encrypted before sending) with the code e-mailed to the
        account (:meth:`send_email` with scene ``RESET_PASSWORD``); returns ``{code, message}``."""
        return await self._exec(ops.resetPassword({
            "email": email, "code": code,
            "newPassword": self._executor.encrypt_password(new_password)}))

    @checked
    async def reset_password_by_first_login_token(self, token: str, password: str) -> CommonMessage:
        """Set the password of an account that must change it at its first login: ``token``
        is the one the refused login carried in its error ``data``; ``password`` is
        encrypted before sending.  Returns ``{code, message}``; then log in again."""
        return await self._exec(ops.resetPasswordByFirstLoginToken({
            "token": token, "password": self._executor.encrypt_password(password)}))

    @checked
    async def reset_password_by_force_reset_token(self, token: str, old_password: str,
                                                  new_password: str) -> CommonMessage:
        """Replace a password the user pool requires to be changed (e.g. expired): ``token``
        comes from the refused login's error ``data``; both passwords are encrypted before
        sending.  Returns ``{code, message}``; then log in again."""
        return await self._exec(ops.resetPasswordByForceResetToken({
            "token": token, "oldPassword": self._executor.encrypt_password(old_password),
            "newPassword": self._executor.encrypt_password(new_password)}))

    @checked
    async def refresh_token(self, token: Optional[str] = None) -> RefreshedToken:
        """A new token for the logged-in user (``token``, default the stored one):
        ``{token, iat, exp}``; the new token becomes the stored token."""
        result = await self._exec(ops.refreshToken({}), token or self._token)
        self._token = result["token"]
        return result

    @checked
    async def link_account(self, primary_user_token: str, secondary_user_token: str) -> bool:
        """Link a social account (``secondary_user_token``, e.g. from a WeChat login) to a
        primary account (``primary_user_token``): its identities move to the primary account,
        which can then log in through them.  ``True``; a refusal goes to ``on_error``."""
        return await self._rest_ok("/api/v2/users/link", {
            "primaryUserToken": primary_user_token, "secondaryUserToken": secondary_user_token,
        }, self._token)

    @checked
    async def unlink_account(self, primary_user_token: str, provider: str) -> bool:
        """Remove the primary account's identities of ``provider`` (a social login such as
        ``wechat``).  ``True``; a refusal goes to ``on_error``."""
        return await self._rest_ok("/api/v2/users/unlink", {
            "primaryUserToken": primary_user_token, "provider": provider}, self._token)

    @checked
    async def logout(self) -> bool:
        """Log the current user out (server side and in this client); ``True``."""
        await self._check_logged_in()
        await self._rest("GET", "/api/v2/logout", token=self._token,
                         params={"app_id": self.options.app_id}, result="ignore")
        self._clear_current_user()
        return True
