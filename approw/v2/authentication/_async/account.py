"""Account maintenance of the end-user client: profile and logout (password, phone and e-mail
changes and account linking belong here too)."""
from typing import Any, Mapping

from approw.v2.common import operations as ops
from approw.v2.common.checks import checked
from approw.v2.common.shapes import User

from .base import AsyncAuthenticationBase

__all__ = ["AsyncAccountMethods"]


class AsyncAccountMethods(AsyncAuthenticationBase):
    """Change the current user's account."""

    @checked
    async def update_profile(self, updates: Mapping[str, Any]) -> User:
        """Update the current user's profile (e.g. ``{"nickname": "Nick"}``); requires a
        logged-in user.  Passwords are not changed here (``update_password``)."""
        user = await self._check_logged_in()
        result = await self._exec(ops.updateUser({"id": user["id"], "input": updates}), self._token)
        self._set_current_user(result)
        return result

    async def logout(self) -> bool:
        """Log the current user out (server side and in this client); ``True``."""
        await self._check_logged_in()
        await self._rest("GET", "/api/v2/logout", token=self._token,
                         params={"app_id": self.options.app_id}, result="ignore")
        self._clear_current_user()
        return True
