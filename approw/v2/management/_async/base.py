"""Base class of the management sub-clients (``users``, ``roles``, ...): every call carries the
management token."""
from __future__ import annotations

from approw.v2.common.options import ShowsOptions
from approw.v2.management.types import ManagementClientOptions

from .token_provider import AsyncManagementTokenProvider

# ``typing`` is imported for type checkers only (it costs more than the SDK's own import).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Mapping, Optional

    from approw.v2.common._async.executor import AsyncExecutor
    from approw.v2.common.executor_base import RestResult
    from approw.v2.common.operation import Call, R

__all__ = ["AsyncManagementSubClient"]


class AsyncManagementSubClient(ShowsOptions):
    """Shares the options, the executor and the token provider of its management client."""

    def __init__(
        self,
        options: ManagementClientOptions,
        executor: AsyncExecutor,
        token_provider: AsyncManagementTokenProvider,
    ) -> None:
        self.options = options
        self._executor = executor
        self.tokenProvider = token_provider

    async def _exec(self, call: Call[R], *, auth: bool = True) -> R:
        """Run an operation with its variables, with the management token unless ``auth`` is
        false; its root field (an object, or ``None`` for "not found")."""
        token = await self.tokenProvider.getAccessToken() if auth else None
        return await self._executor.call(call, token)

    async def _rest(
        self,
        method: str,
        url: str,
        *,
        json: Optional[Any] = None,
        data: Optional[Mapping[str, Any]] = None,
        params: Optional[Mapping[str, Any]] = None,
        result: RestResult = "unwrap",
    ) -> Any:
        """A REST call with the management token (see ``Executor.rest``)."""
        token = await self.tokenProvider.getAccessToken()
        return await self._executor.rest(method, url, token=token, json=json, data=data,
                                         params=params, result=result)

    async def _rest_ok(self, method: str, url: str, *, json: Optional[Any] = None,
                       params: Optional[Mapping[str, Any]] = None) -> bool:
        """A REST call whose answer is only success or failure: ``True`` for code 200; another
        code goes to ``on_error`` (which raises by default), then ``False``."""
        body = await self._rest(method, url, json=json, params=params, result="raw")
        code = body.get("code") if isinstance(body, dict) else None
        if code == 200:
            return True
        self._executor.report(code, body.get("message") if isinstance(body, dict) else None)
        return False
