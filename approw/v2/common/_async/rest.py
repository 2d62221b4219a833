"""``AsyncRestClient``: the reference SDK's REST client, kept as a thin view of the executor
(``client.restClient``)."""
from __future__ import annotations

from approw.v2.common.checks import checked

# ``typing`` is imported for type checkers only (it costs more than the SDK's own import).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Mapping, Optional

    from .executor import AsyncExecutor

__all__ = ["AsyncRestClient"]


class AsyncRestClient:
    """One REST call with the client's headers; see ``Executor.rest``."""

    def __init__(self, executor: AsyncExecutor) -> None:
        self._executor = executor

    @checked
    async def request(
        self,
        method: str,
        url: str,
        token: Optional[str] = None,
        basic_token: Optional[str] = None,
        json: Optional[Any] = None,
        auto_parse_result: bool = False,
        data: Optional[Mapping[str, Any]] = None,
        params: Optional[Mapping[str, Any]] = None,
    ) -> Any:
        """``auto_parse_result=True`` unwraps the ``{code, message, data}`` envelope (errors go
        to ``on_error``); otherwise the parsed body is returned as is."""
        return await self._executor.rest(
            method, url, token=token, basic_token=basic_token, json=json, data=data,
            params=params, result="unwrap" if auto_parse_result else "raw",
        )
