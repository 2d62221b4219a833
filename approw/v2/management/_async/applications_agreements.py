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
    """Agreements of applications (their ids are numbers)."""

    @checked
    async def create_agreement(self, app_id: str, title: str, required: bool = True, lang: str = "zh-CN") -> Agreement:
        """Add an agreement (last in order): ``title`` (may hold links), whether users must
        accept it, its language (``zh-CN``, ``en-US``, ...)."""
        created: Agreement = await self._rest("POST", self._app_url(app_id, "agreements"),
                                              json={"title": title, "required": required, "lang": lang})
        return created

    @checked
    async def list_agreement(self, app_id: str) -> AgreementPage:
        """The application's agreements in order, ``{totalCount, list}``."""
        found: AgreementPage = await self._rest("GET", self._app_url(app_id, "agreements"))
        return found

    @checked
    async def modify_agreement(self, app_id: str, agreement_id: Union[int, str],
                               updates: Mapping[str, Any]) -> Agreement:
        """Change an agreement's ``title``, ``required`` or ``lang`` (those given)."""
        unknown = sorted(set(updates) - set(_FIELDS))
        if unknown:
            raise ApprowWrongArgumentException(
                f"unknown agreement field(s) {', '.join(unknown)}; use {', '.join(_FIELDS)}")
        body: Dict[str, Any] = dict(updates)
        updated: Agreement = await self._rest("PUT", self._app_url(app_id, "agreements", agreement_id), json=body)
        return updated

    @checked
    async def delete_agreement(self, app_id: str, agreement_id: Union[int, str]) -> bool:
        """Delete an agreement; ``True``."""
        return await self._rest_ok("DELETE", self._app_url(app_id, "agreements", agreement_id))

    @checked
    async def sort_agreement(self, app_id: str, order: Sequence[Union[int, str]]) -> bool:
        """Put the agreements in this order (``order`` lists every agreement id once); ``True``."""
        return await self._rest_ok("POST", self._app_url(app_id, "agreements", "sort"), json={"ids": order})
