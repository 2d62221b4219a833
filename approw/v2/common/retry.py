"""When a failed request is sent again, and after how long (no I/O here).

A call gets ``options.timeout`` in all: every attempt runs with what is left of it, and a retry
that cannot start before the deadline is not made.  What is retried:

* safe requests (GraphQL queries, GET): a connection that could not be made or broke (not a
  TLS failure), and answers 429, 502, 503 and 504 -- up to ``options.max_retries`` times;
* mutations (every other request) only with ``options.retry_mutations``, and then only when
  the service certainly did not apply them: the connection could not be made, or the answer
  was 429 or 503.  A connection that closed after a mutation was sent (``AmbiguousRequestError``)
  is never retried: the service may have applied it.

The wait before retry ``n`` (0-based) is the server's ``Retry-After`` when it sent one, else a
random time between 0 and ``min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2**n)`` ("full jitter").
"""
from __future__ import annotations

import time

from approw import _core

# ``typing`` is imported for type checkers only (it costs more than the SDK's own import).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional

__all__ = ["RETRY_STATUSES", "BACKOFF_BASE_S", "BACKOFF_CAP_S", "retry_delay", "sleep",
           "async_sleep", "remaining_ms"]

#: Answers worth another try for a safe request.
RETRY_STATUSES = frozenset((429, 502, 503, 504))
#: ... and for a mutation, when the caller allows it: the service refused it before applying.
_MUTATION_RETRY_STATUSES = frozenset((429, 503))
BACKOFF_BASE_S = 0.25
BACKOFF_CAP_S = 4.0

sleep = time.sleep


async def async_sleep(seconds: float) -> None:
    """``asyncio.sleep`` (asyncio is imported only by asyncio programs)."""
    import asyncio

    await asyncio.sleep(seconds)


def remaining_ms(until: float) -> int:
    """Whole milliseconds left before ``until`` (at least 1)."""
    return max(1, int((until - time.monotonic()) * 1000))


def _retry_after(value: Optional[str]) -> Optional[float]:
    """Seconds from a ``Retry-After`` value: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    import email.utils  # rarely needed, and it imports socket: not at import time

    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def retry_delay(
    error: Optional[BaseException],
    status: Optional[int],
    retry_after: Optional[str],
    *,
    attempt: int,
    max_retries: int,
    safe: bool,
    retry_mutations: bool,
    until: float,
) -> Optional[float]:
    """Seconds to wait before sending the request again, or ``None`` to give up.  ``error`` is
    the transport error of the attempt (``None`` when an answer came), ``status`` the answer's
    HTTP status, ``retry_after`` its ``Retry-After`` header."""
    if attempt >= max_retries or not (safe or retry_mutations):
        return None
    if error is not None:
        if not isinstance(error, _core.ConnectionError) or isinstance(error, _core.TLSError):
            return None
        if isinstance(error, _core.AmbiguousRequestError):
            return None
    elif status not in (RETRY_STATUSES if safe else _MUTATION_RETRY_STATUSES):
        return None
    wait = _retry_after(retry_after)
    if wait is None:
        import random  # only when retrying: importing it costs more than a request

        wait = random.uniform(0, min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** attempt))
    if time.monotonic() + wait >= until:
        return None
    return wait

