"""A small, bounded, per-process cache with a time to live, for permission and role lookups.

The integrations keep the answers of ``acl.is_allowed`` and of a user's roles here for
``ttl`` seconds (default 30), so a permission check costs a request only once per user,
resource and action per ``ttl``; the SDK's own methods never cache.  The trade-off: a
permission revoked on the service may still be granted here for up to ``ttl`` seconds.  Call
:meth:`TTLCache.invalidate` with a user id after changing that user's roles or policies (or
:meth:`TTLCache.clear` after changing a role's), or give ``ttl=0`` to ask every time.

Keys are tuples whose first element is the user id; the least recently used entry goes first
when ``maxsize`` is reached.  Thread-safe.  :func:`invalidate` forgets a user's entries in
every cache of the process (for code that changes permissions without holding the guard,
e.g. an admin view or a webhook handler).
"""
import threading
import time
import weakref
from collections import OrderedDict
from typing import Any, Callable, Hashable, Optional, Tuple

from approw.v2.exceptions import ApprowWrongArgumentException

__all__ = ["TTLCache", "MISSING", "invalidate"]

#: What :meth:`TTLCache.get` answers for a key it does not hold (or holds no longer).
MISSING: Any = object()


class TTLCache:
    """A thread-safe cache of answers keyed by ``(user_id, ...)`` tuples, each fresh for
    ``ttl`` seconds, least recently used dropped first; ``hits`` and ``misses`` count the
    lookups.

    Args:
        ttl: seconds per entry (0 turns the cache off).
        maxsize: at most this many entries.
        clock: the time source (``time.monotonic``; tests pass their own).

    Raises:
        ApprowWrongArgumentException: ``ttl`` is negative or ``maxsize`` below 1.
    """

    def __init__(self, ttl: float = 30.0, maxsize: int = 10000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if isinstance(ttl, bool) or not isinstance(ttl, (int, float)) or ttl < 0:
            raise ApprowWrongArgumentException("ttl must be a number of seconds >= 0")
        if isinstance(maxsize, bool) or not isinstance(maxsize, int) or maxsize < 1:
            raise ApprowWrongArgumentException("maxsize must be an int >= 1")
        self.ttl = float(ttl)
        self.maxsize = maxsize
        self._clock = clock
        self._entries: "OrderedDict[Tuple[Hashable, ...], Tuple[float, Any]]" = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0
        _caches.add(self)

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return "TTLCache(ttl=%g, maxsize=%d, size=%d)" % (self.ttl, self.maxsize, len(self._entries))

    def get(self, key: Tuple[Hashable, ...]) -> Any:
        """The value stored under a key, if still fresh.

        Args:
            key: ``(user_id, ...)``.

        Returns:
            The value, or :data:`MISSING` when the cache holds none (or it has expired).

        Raises:
            ApprowException: never.
        """
        with self._lock:
            found = self._entries.get(key)
            if found is not None and found[0] > self._clock():
                self._entries.move_to_end(key)
                self.hits += 1
                return found[1]
            if found is not None:
                del self._entries[key]
            self.misses += 1
            return MISSING

    def set(self, key: Tuple[Hashable, ...], value: Any) -> None:
        """Store a value for ``ttl`` seconds (nothing when ``ttl`` is 0).

        Args:
            key: ``(user_id, ...)``: the first item is the user, whom :meth:`invalidate`
                names.
            value: the answer to keep.

        Raises:
            ApprowException: never.
        """
        if not self.ttl:
            return
        with self._lock:
            self._entries[key] = (self._clock() + self.ttl, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)

    def invalidate(self, user_id: Optional[str] = None) -> int:
        """Forget the entries of one user, or all.

        Args:
            user_id: the user; ``None``: every entry.

        Returns:
            How many entries went.

        Raises:
            ApprowException: never.
        """
        with self._lock:
            if user_id is None:
                count = len(self._entries)
                self._entries.clear()
                return count
            gone = [key for key in self._entries if key and key[0] == user_id]
            for key in gone:
                del self._entries[key]
            return len(gone)

    def clear(self) -> None:
        """Forget every entry.

        Raises:
            ApprowException: never.
        """
        self.invalidate(None)


_caches: "weakref.WeakSet[TTLCache]" = weakref.WeakSet()


def invalidate(user_id: Optional[str] = None) -> int:
    """Forget the entries of a user in every cache of the process (e.g. after changing the
    user's roles in another part of the application).

    Args:
        user_id: the user; ``None``: everyone.

    Returns:
        How many entries went.

    Raises:
        ApprowException: never.
    """
    return sum(cache.invalidate(user_id) for cache in list(_caches))
