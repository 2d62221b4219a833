"""``management.applications``, programmatic access accounts (AK/SK): machine clients of an
application (:class:`AsyncApplicationAccessKeyMethods`, a part of
``AsyncApplicationsManagementClient``).

An account's ``id`` (its access key) and ``secret`` (its secret key) are the ``client_id`` and
``client_secret`` of the ``client_credentials`` grant
(``AuthenticationClient.get_access_token_by_client_credentials``); the scope its tokens carry
is what the account is granted as an ``AK_SK`` target (``acl.authorize_resource``) in the
application's namespace.
"""
from typing import Optional

from approw.v2.common import checks
from approw.v2.common.checks import checked
from approw.v2.common.shapes import AccessKeyAccount, AccessKeyAccountPage
from approw.v2.common.helpers import get_random_string
from approw.v2.exceptions import ApprowWrongArgumentException

from .applications_base import AsyncApplicationsBase

__all__ = ["AsyncApplicationAccessKeyMethods"]

_ACCOUNTS = "/api/v2/applications/programmatic-access-accounts"


class AsyncApplicationAccessKeyMethods(AsyncApplicationsBase):
    """Programmatic access accounts of applications, a part of
    ``management_client.applications``."""

    @checked
    async def list_programmatic_access_accounts(self, app_id: str, page: int = 1,
                                                limit: int = 10) -> AccessKeyAccountPage:
        """One page of the application's programmatic access accounts, newest first.

        Args:
            app_id: the application's ID.
            page: the page, from 1.
            limit: accounts per page.

        Returns:
            ``{totalCount, list}`` (an
            :class:`~approw.v2.common.shapes.org.AccessKeyAccountPage` dict), each account
            with its ``id`` (access key), ``secret``, ``enabled`` and ``tokenLifetime``.

        Raises:
            ApprowWrongArgumentException: ``page`` or ``limit`` is negative.
            NotFoundError: no application has this ID (2011).
        """
        checks.page_options(page, limit)
        found: AccessKeyAccountPage = await self._rest(
            "GET", self._app_url(app_id, "programmatic-access-accounts"), params={"page": page, "limit": limit})
        return found

    @checked
    async def create_programmatic_access_account(self, app_id: str, token_lifetime: Optional[int] = None,
                                                 remarks: Optional[str] = None) -> AccessKeyAccount:
        """Create an enabled programmatic access account for the application.

        Args:
            app_id: the application's ID.
            token_lifetime: how long its tokens live, in seconds (1 s to 10 years); 600
                when not given.
            remarks: a note, at most 1,000 characters.

        Returns:
            The account with its ``id`` (access key) and ``secret`` (secret key) (an
            :class:`~approw.v2.common.shapes.org.AccessKeyAccount` dict).

        Raises:
            ApprowWrongArgumentException: ``token_lifetime`` is below 1.
            NotFoundError: no application has this ID (2011).
            ApprowException: ``token_lifetime`` is over 10 years or ``remarks`` too long
                (2231).
        """
        if token_lifetime is not None and (isinstance(token_lifetime, bool) or token_lifetime < 1):
            raise ApprowWrongArgumentException("token_lifetime must be a positive number of seconds")
        created: AccessKeyAccount = await self._rest(
            "POST", self._app_url(app_id, "programmatic-access-accounts"),
            json={"tokenLifetime": token_lifetime, "remarks": remarks})
        return created

    @checked
    async def delete_programmatic_access_account(self, account_id: str) -> bool:
        """Delete a programmatic access account with its grants and policy assignments.

        Args:
            account_id: the account's ``id`` (its access key).

        Returns:
            ``True``.

        Raises:
            NotFoundError: no account has this ID (404).
        """
        return await self._rest_ok("DELETE", _ACCOUNTS, params={"id": account_id})

    @checked
    async def enable_programmatic_access_account(self, account_id: str) -> AccessKeyAccount:
        """Let a disabled account get tokens again.

        Args:
            account_id: the account's ``id`` (its access key).

        Returns:
            The account, ``enabled`` true (an
            :class:`~approw.v2.common.shapes.org.AccessKeyAccount` dict).

        Raises:
            NotFoundError: no account has this ID (404).
        """
        changed: AccessKeyAccount = await self._rest("PATCH", _ACCOUNTS, json={"id": account_id, "enabled": True})
        return changed

    @checked
    async def disable_programmatic_access_account(self, account_id: str) -> AccessKeyAccount:
        """Refuse the account's ``client_credentials`` requests from now on.

        Tokens already issued stay valid until they expire.

        Args:
            account_id: the account's ``id`` (its access key).

        Returns:
            The account, ``enabled`` false (an
            :class:`~approw.v2.common.shapes.org.AccessKeyAccount` dict).

        Raises:
            NotFoundError: no account has this ID (404).
        """
        changed: AccessKeyAccount = await self._rest("PATCH", _ACCOUNTS, json={"id": account_id, "enabled": False})
        return changed

    @checked
    async def refresh_programmatic_access_account_secret(self, account_id: str,
                                                         secret: Optional[str] = None) -> AccessKeyAccount:
        """Give the account a new secret key; the old one is refused from now on.

        Args:
            account_id: the account's ``id`` (its access key).
            secret: the new secret key, 8 to 256 printable characters; 32 random
                lowercase letters when not given.

        Returns:
            The account with its new ``secret`` (an
            :class:`~approw.v2.common.shapes.org.AccessKeyAccount` dict).

        Raises:
            ApprowWrongArgumentException: ``secret`` is empty.
            NotFoundError: no account has this ID (404).
            ApprowException: ``secret`` is too short, too long or the current one (2231).
        """
        if secret is not None and not secret:
            raise ApprowWrongArgumentException("secret must not be empty")
        new_secret = secret if secret is not None else get_random_string(32)
        changed: AccessKeyAccount = await self._rest("PATCH", _ACCOUNTS, json={"id": account_id,
                                                                               "secret": new_secret})
        return changed
