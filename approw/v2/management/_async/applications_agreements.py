"""``management.applications``, agreements: the terms an application's sign-up page shows
(:class:`AsyncApplicationAgreementMethods`, a part of ``AsyncApplicationsManagementClient``)."""
from typing import Any, Dict, Mapping, Sequence, Union

from approw.v2.common.checks import checked
from approw.v2.common.shapes import Agreement, AgreementPage
from approw.v2.exceptions import ApprowWrongArgumentException

from .applications_base import AsyncApplicationsBase

__all__ = ["AsyncApplicationAgreementMethods"]

_FIELDS = ("title", "required", "lang")


class AsyncApplicationAgreementMethods(AsyncApplicationsBase):
    """The agreements of applications, a part of ``management_client.applications``.

    An agreement's ``id`` is a number.  Every method raises ``NotFoundError`` (2011) for an
    application that does not exist.
    """

    @checked
    async def create_agreement(self, app_id: str, title: str, required: bool = True, lang: str = "zh-CN") -> Agreement:
        """Add an agreement to the application's sign-up page, last in order.

        Args:
            app_id: the application's ID.
            title: its text, at most 2,000 characters (it may hold links).
            required: whether users must accept it to sign up.
            lang: its language tag (``zh-CN``, ``en-US``, ...).

        Returns:
            The agreement with its numeric ``id`` (an
            :class:`~approw.v2.common.shapes.org.Agreement` dict).

        Raises:
            NotFoundError: no application has this ID (2011).
            ApprowException: ``title`` is empty or too long, or ``lang`` is not a language
                tag (2231).
        """
        created: Agreement = await self._rest("POST", self._app_url(app_id, "agreements"),
                                              json={"title": title, "required": required, "lang": lang})
        return created

    @checked
    async def list_agreement(self, app_id: str) -> AgreementPage:
        """The application's agreements, in their order (not paged).

        Args:
            app_id: the application's ID.

        Returns:
            ``{totalCount, list}`` (an :class:`~approw.v2.common.shapes.org.AgreementPage`
            dict), each agreement with ``id``, ``title``, ``required``, ``lang`` and
            ``order``.

        Raises:
            NotFoundError: no application has this ID (2011).
        """
        found: AgreementPage = await self._rest("GET", self._app_url(app_id, "agreements"))
        return found

    @checked
    async def modify_agreement(self, app_id: str, agreement_id: Union[int, str],
                               updates: Mapping[str, Any]) -> Agreement:
        """Change an agreement's ``title``, ``required`` or ``lang`` (those given).

        Args:
            app_id: the application's ID.
            agreement_id: the agreement's numeric ``id``.
            updates: ``{"title": ..., "required": ..., "lang": ...}``, any of them.

        Returns:
            The agreement as changed (an :class:`~approw.v2.common.shapes.org.Agreement`
            dict).

        Raises:
            ApprowWrongArgumentException: ``updates`` has another key.
            NotFoundError: no application has this ID (2011), or it has no such agreement
                (404).
            ApprowException: a value is malformed, or ``agreement_id`` is not a number
                (2231).
        """
        unknown = sorted(set(updates) - set(_FIELDS))
        if unknown:
            raise ApprowWrongArgumentException(
                f"unknown agreement field(s) {', '.join(unknown)}; use {', '.join(_FIELDS)}")
        body: Dict[str, Any] = dict(updates)
        updated: Agreement = await self._rest("PUT", self._app_url(app_id, "agreements", agreement_id), json=body)
        return updated

    @checked
    async def delete_agreement(self, app_id: str, agreement_id: Union[int, str]) -> bool:
        """Delete an agreement of the application.

        Args:
            app_id: the application's ID.
            agreement_id: the agreement's numeric ``id``.

        Returns:
            ``True``.

        Raises:
            NotFoundError: no application has this ID (2011), or it has no such agreement
                (404).
        """
        return await self._rest_ok("DELETE", self._app_url(app_id, "agreements", agreement_id))

    @checked
    async def sort_agreement(self, app_id: str, order: Sequence[Union[int, str]]) -> bool:
        """Put the application's agreements in this order.

        Args:
            app_id: the application's ID.
            order: every agreement ``id`` of the application, each once.

        Returns:
            ``True``.

        Raises:
            NotFoundError: no application has this ID (2011).
            ApprowException: ``order`` misses an agreement, repeats one or names another
                (2231).
        """
        return await self._rest_ok("POST", self._app_url(app_id, "agreements", "sort"), json={"ids": order})
