"""``ManagementClient``: the administrator's client (API.md section 3.2)."""
from typing import Optional

from ..common.executor import Executor
from ..common.graphql import GraphqlClient
from ..common.rest import RestClient
from ..common.shapes import LoginStatus, UserPool
from ..exceptions import ApprowWrongArgumentException
from .base import ManagementSubClient
from .token_provider import ManagementTokenProvider
from .types import ManagementClientOptions
from .users import UsersManagementClient

__all__ = ["ManagementClient"]


class ManagementClient(ManagementSubClient):
    """Administer a user pool.  Create one per process and share it (it is thread-safe); the
    management token is fetched on the first call and cached.

    Sub-clients: ``users`` (:class:`UsersManagementClient`).
    """

    def __init__(self, options: ManagementClientOptions) -> None:
        if not isinstance(options, ManagementClientOptions):
            raise ApprowWrongArgumentException("options must be a ManagementClientOptions")
        executor = Executor(options)
        super().__init__(options, executor, ManagementTokenProvider(options, executor))
        self.graphqlClient = GraphqlClient(self._executor)
        self.restClient = RestClient(self._executor)
        self.users = UsersManagementClient(options, self._executor, self.tokenProvider)
        self._userpool_detail: Optional[UserPool] = None

    def check_login_status(self, token: str) -> LoginStatus:
        """Whether a user's token is valid: ``{code, message, status, exp, iat, data: {id,
        userPoolId, arn}}`` (sent without the management token)."""
        return self._exec("checkLoginStatus", {"token": token}, auth=False)

    def _get_userpool_detail(self) -> UserPool:
        """The user pool settings (cached after the first success)."""
        if self._userpool_detail is None:
            self._userpool_detail = self._exec("userpool")
        return self._userpool_detail
