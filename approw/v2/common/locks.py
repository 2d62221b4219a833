"""The two locks the clients use: ``Lock`` (threads) and ``AsyncLock`` (asyncio tasks).

Code written once for both kinds of client (``_async`` sources, see ``tools/unasync.py``)
uses ``async with AsyncLock()``; the generated sync code then reads ``with Lock()``.

``Lock`` is a ``threading.Lock`` that survives ``os.fork()``: a lock held by another thread
when the process forks would stay locked forever in the child, so every ``Lock`` gets a fresh
lock in the child.  ``AsyncLock`` keeps one ``asyncio.Lock`` per event loop (an
``asyncio.Lock`` must not be shared between loops), created on first use inside the loop.
"""
from __future__ import annotations

import os
import threading
import weakref

# ``typing`` is imported for type checkers only (it costs more than the SDK's own import).
TYPE_CHECKING = False
if TYPE_CHECKING:
    import asyncio
    from typing import Any

__all__ = ["Lock", "AsyncLock"]

_locks: "weakref.WeakSet[Lock]" = weakref.WeakSet()


class Lock:
    """A mutual-exclusion lock for threads, renewed in a forked child."""

    __slots__ = ("_lock", "__weakref__")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        _locks.add(self)

    def __enter__(self) -> None:
        self._lock.acquire()

    def __exit__(self, *exc_info: Any) -> None:
        self._lock.release()


def _renew_after_fork() -> None:
    for lock in list(_locks):
        lock._lock = threading.Lock()


os.register_at_fork(after_in_child=_renew_after_fork)


class AsyncLock:
    """A mutual-exclusion lock for the tasks of one event loop (one lock per loop)."""

    __slots__ = ("_by_loop",)

    def __init__(self) -> None:
        self._by_loop: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock]" = (
            weakref.WeakKeyDictionary()
        )

    def _lock(self) -> "asyncio.Lock":
        import asyncio  # on first use: sync-only programs never load asyncio

        loop = asyncio.get_running_loop()
        lock = self._by_loop.get(loop)
        if lock is None:
            lock = self._by_loop[loop] = asyncio.Lock()
        return lock

    async def __aenter__(self) -> None:
        await self._lock().acquire()

    async def __aexit__(self, *exc_info: Any) -> None:
        self._lock().release()
