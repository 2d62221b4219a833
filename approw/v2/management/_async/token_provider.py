"""The management access token of one management client.

Fetched lazily with the ``accessToken(userPoolId, secret)`` query (no Authorization header) on
the first management request, then reused by every sub-client of the client until less than
one hour of validity remains.  Concurrency-safe: the cached ``(token, exp)`` pair is read
without a lock; when it must be (re)fetched, one caller fetches under the lock while the others
wait and then reuse its result (double-checked), so N threads (or tasks) asking at once cause
one request.  The lock is renewed in a forked child; the cached token stays valid there.
A token given as ``options.access_token`` is used as it is, never fetched or renewed.
"""
from __future__ import annotations

import time

from approw.v2.common import operations as ops
from approw.v2.common.options import ShowsOptions
from approw.v2.exceptions import ApprowException
from approw.v2.management.types import ManagementClientOptions

# ``typing`` is imported for type checkers only (it costs more than the SDK's own import).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Optional, Tuple

    from approw.v2.common._async.executor import AsyncExecutor

__all__ = ["AsyncManagementTokenProvider"]

#: A cached token is refreshed when it has less than this many seconds left.
REFRESH_MARGIN_S = 3600


class AsyncManagementTokenProvider(ShowsOptions):
    """Fetches, caches and renews the management token of one management client.

    Made by :class:`AsyncManagementClient` (its ``tokenProvider``) and shared by its
    sub-clients; you need it only to read the token, e.g. to call the API without the SDK.
    """

    def __init__(
        self,
        options: ManagementClientOptions,
        executor: AsyncExecutor,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.options = options
        self._executor = executor
        self._clock = clock
        from approw.v2.common.locks import AsyncLock  # threading: imported with the first client

        self._lock = AsyncLock()
        self._cached: Optional[Tuple[str, float]] = None
        if options.access_token:  # a token given in the options is used as it is
            self._cached = (options.access_token, float("inf"))

    @property
    def _accessToken(self) -> Optional[str]:  # noqa: N802 (reference name)
        cached = self._cached
        return cached[0] if cached else None

    @property
    def _accessTokenExpriredAt(self) -> Optional[float]:  # noqa: N802 (reference name, sic)
        cached = self._cached
        return cached[1] if cached else None

    def _fresh(self) -> Optional[str]:
        cached = self._cached
        if cached is not None and cached[1] >= self._clock() + REFRESH_MARGIN_S:
            return cached[0]
        return None

    async def getAccessToken(self) -> str:  # noqa: N802 (reference name)
        """A management token with at least one hour of validity left.

        The cached token when it has that long left; otherwise a new one is fetched with the
        pool's secret (one request, however many callers ask at once).  A token given as
        ``options.access_token`` is returned as it is.

        Returns:
            The token (a JWT), for an ``Authorization: Bearer`` header.

        Raises:
            PermissionDeniedError: the pool secret is wrong (1001).
            NotFoundError: the user pool does not exist (2224).
            ApprowException: the service's answer has no token or no expiry (500).
        """
        cached = self._cached           # the per-call path: _fresh() without the call
        if cached is not None and cached[1] >= self._clock() + REFRESH_MARGIN_S:
            return cached[0]
        async with self._lock:
            token = self._fresh()
            if token is None:
                token = await self._fetch()
        return token

    get_access_token = getAccessToken

    async def _fetch(self) -> str:
        secret = self.options.secret
        if secret is None:
            raise ApprowException(500, "no secret to fetch a management token with")
        result: Any = await self._executor.call(ops.accessToken(
            {"userPoolId": self.options.user_pool_id, "secret": secret}))
        token = result.get("accessToken") if isinstance(result, dict) else None
        exp = result.get("exp") if isinstance(result, dict) else None
        if not isinstance(token, str) or not token or isinstance(exp, bool) \
                or not isinstance(exp, (int, float)):
            raise ApprowException(500, "the accessToken answer has no token or no exp")
        self._cached = (token, float(exp))
        return token
