"""``GraphqlClient``: the reference SDK's GraphQL client, kept as a thin view of the executor
(``ManagementClient.graphqlClient`` / ``AuthenticationClient.graphqlClient``)."""
from typing import Any, Optional

from .executor import Executor, Variables

__all__ = ["GraphqlClient"]


class GraphqlClient:
    """Send a GraphQL document to the client's endpoint (errors as in every method)."""

    def __init__(self, executor: Executor) -> None:
        self._executor = executor
        self.endpoint = executor.graphql_endpoint

    def request(self, query: str, variables: Variables = None, token: Optional[str] = None) -> Any:
        """Run ``query`` (document text); return the answer's ``data``."""
        return self._executor.graphql(query, variables, token)
