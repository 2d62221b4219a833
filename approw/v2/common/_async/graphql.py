"""``AsyncGraphqlClient``: the reference SDK's GraphQL client, kept as a thin view of the
executor (``client.graphqlClient``)."""
from typing import Any, Optional

from approw.v2.common.checks import checked
from approw.v2.common.executor_base import Variables

from .executor import AsyncExecutor

__all__ = ["AsyncGraphqlClient"]


class AsyncGraphqlClient:
    """Send a GraphQL document to the client's endpoint (errors as in every method)."""

    def __init__(self, executor: AsyncExecutor) -> None:
        self._executor = executor
        self.endpoint = executor.graphql_endpoint

    @checked
    async def request(self, query: str, variables: Variables = None,
                      token: Optional[str] = None) -> Any:
        """Run ``query`` (document text); return the answer's ``data``."""
        return await self._executor.graphql(query, variables, token)
