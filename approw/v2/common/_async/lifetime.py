"""``AsyncClientLifetime``: ``aclose()`` and ``async with`` for the clients.

A client shares its connections with every client of the same transport settings (see
``common/transport.py``), so closing it refuses its further calls
(:class:`~approw.v2.exceptions.ApprowClientClosedError`) and gives back its part of the
session; the connections are closed when no open client uses them any more.
"""
from __future__ import annotations

# ``typing`` is imported for type checkers only (it costs more than the SDK's own import).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import TracebackType
    from typing import Optional, Type, TypeVar

    from approw.v2.common._async.executor import AsyncExecutor

    C = TypeVar("C", bound="AsyncClientLifetime")

__all__ = ["AsyncClientLifetime"]


class AsyncClientLifetime:
    """``async with AsyncClient(options) as client:`` closes the client at the end of the
    block; ``aclose()`` does it explicitly."""

    __slots__ = ()
    _executor: AsyncExecutor

    async def aclose(self) -> None:
        """Close the client: later calls raise ``ApprowClientClosedError``.

        Its share of the connections is given back: the last asyncio client closed on an
        event loop closes that loop's connections (a call still in flight on them fails at
        once); blocking clients share the process-wide ones.  Calling it again does
        nothing.

        Raises:
            ApprowClientClosedError: not by this call (closing again does nothing), but by
                every later call of the client.
        """
        await self._executor.aclose()

    async def __aenter__(self: C) -> C:
        return self

    async def __aexit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        await self.aclose()
