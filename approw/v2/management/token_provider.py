"""The management access token (API.md section 2.6).

Fetched lazily with GQL ``accessToken {userPoolId, secret}`` (no Authorization header) on the
first management request, then reused by every sub-client of the ``ManagementClient`` until
less than one hour of validity remains.  Thread-safe: the cached ``(token, exp)`` pair is read
without a lock; when it must be (re)fetched, one thread fetches under the lock while the others
wait and then reuse its result (double-checked), so N threads asking at once cause one request.
After ``os.fork()`` the child gets fresh locks (a lock held by another thread at fork time would
otherwise stay locked forever in the child); the cached token stays valid in the child.
"""
import os
import threading
import time
import weakref
from typing import Any, Callable, Optional, Tuple

from ..common.executor import Executor
from ..exceptions import ApprowException
from .types import ManagementClientOptions

__all__ = ["ManagementTokenProvider"]

#: A cached token is refreshed when it has less than this many seconds left.
REFRESH_MARGIN_S = 3600

_providers: "weakref.WeakSet[ManagementTokenProvider]" = weakref.WeakSet()


def _reset_locks_after_fork() -> None:
    for provider in list(_providers):
        provider._lock = threading.Lock()


os.register_at_fork(after_in_child=_reset_locks_after_fork)


class ManagementTokenProvider:
    """Caches the management token of one ``ManagementClient``."""

    def __init__(
        self,
        options: ManagementClientOptions,
        executor: Executor,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.options = options
        self._executor = executor
        self._clock = clock
        self._lock = threading.Lock()
        self._cached: Optional[Tuple[str, float]] = None
        _providers.add(self)

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

    def getAccessToken(self) -> str:  # noqa: N802 (reference name)
        """A management token with at least one hour of validity left."""
        token = self._fresh()
        if token is not None:
            return token
        with self._lock:
            token = self._fresh()
            if token is None:
                token = self._fetch()
        return token

    get_access_token = getAccessToken

    def _fetch(self) -> str:
        result: Any = self._executor.call(
            "accessToken",
            {"userPoolId": self.options.user_pool_id, "secret": self.options.secret},
        )
        token = result.get("accessToken") if isinstance(result, dict) else None
        exp = result.get("exp") if isinstance(result, dict) else None
        if not isinstance(token, str) or not token or isinstance(exp, bool) \
                or not isinstance(exp, (int, float)):
            raise ApprowException(500, "the accessToken answer has no token or no exp")
        self._cached = (token, float(exp))
        return token
