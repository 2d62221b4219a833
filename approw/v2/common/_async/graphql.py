"""``AsyncGraphqlClient``: the reference SDK's GraphQL client, kept as a thin view of the
executor (``client.graphqlClient``)."""
from __future__ import annotations

from approw.v2.common.checks import checked

# ``typing`` is imported for type checkers only (it costs more than the SDK's own import).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Mapping, Optional

    from .executor import AsyncExecutor

__all__ = ["AsyncGraphqlClient"]


class AsyncGraphqlClient:
    """Send a GraphQL document to the client's endpoint (errors as in every method)."""

    def __init__(self, executor: AsyncExecutor) -> None:
        self._executor = executor
        self.endpoint = executor.graphql_endpoint

    @checked
    async def request(self, query: str, variables: Optional[Mapping[str, Any]] = None,
                      token: Optional[str] = None) -> Any:
        """Run ``query`` (document text); return the answer's ``data``."""
        return await self._executor.graphql(query, variables, token)
