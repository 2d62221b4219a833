"""Base class of the management sub-clients (``users``, ...): every call carries the
management token."""
from typing import Any, cast

from ..common.executor import Executor, RestResult, Variables
from ..common.shapes import JSONDict
from .token_provider import ManagementTokenProvider
from .types import ManagementClientOptions

__all__ = ["ManagementSubClient"]


class ManagementSubClient:
    """Shares the options, the executor and the token provider of its ``ManagementClient``."""

    def __init__(
        self,
        options: ManagementClientOptions,
        executor: Executor,
        token_provider: ManagementTokenProvider,
    ) -> None:
        self.options = options
        self._executor = executor
        self.tokenProvider = token_provider

    def _exec(self, operation: str, variables: Variables = None, *, auth: bool = True) -> JSONDict:
        """Run a catalogued GraphQL operation, with the management token unless ``auth`` is
        false; its root field (an object, or ``None`` for "not found")."""
        token = self.tokenProvider.getAccessToken() if auth else None
        return cast(JSONDict, self._executor.call(operation, variables, token))

    def _rest(self, method: str, url: str, *, result: RestResult = "unwrap", **kwargs: Any) -> Any:
        """A REST call with the management token (``Executor.rest`` keywords)."""
        token = self.tokenProvider.getAccessToken()
        return self._executor.rest(method, url, token=token, result=result, **kwargs)
