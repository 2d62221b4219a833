"""Iterate over every item of a paged list method, one page at a time::

    async for user in management.users.iter(limit=100):
        ...
    async for user in AsyncPager(management.roles.list_users, "admin", limit=50):
        ...

:class:`AsyncPager` calls the method with ``page=1, 2, ...`` and ``limit=`` (plus the other
arguments given) only when the items fetched so far have been consumed, and stops after a
page that is empty, shorter than ``limit``, or that reaches the answer's ``totalCount``.  It
works for every list method that takes ``page`` and ``limit`` and answers ``{totalCount,
list}``; the areas' ``iter`` methods are it applied to their ``list``.  ``total`` is the
``totalCount`` of the last page fetched (``None`` before the first).
"""
from typing import TYPE_CHECKING, Any, Dict, Generic, List, Optional

from approw.v2.common.pages import AsyncPageMethod
from approw.v2.exceptions import ApprowWrongArgumentException

if TYPE_CHECKING:   # the item type: Any unless given (``AsyncPager[User](...)``) or inferred
    from typing_extensions import TypeVar

    T = TypeVar("T", default=Any)
else:
    from typing import TypeVar

    T = TypeVar("T")

__all__ = ["AsyncPager"]


class AsyncPager(Generic[T]):
    """The items of every page of ``method(*args, page=..., limit=limit, **kwargs)``, fetched
    lazily (see the module docstring); iterate it once: ``async for item in pager``.

    Attributes ``limit`` (items per request) and ``total`` (the ``totalCount`` of the last
    page fetched, ``None`` before the first).

    Args:
        method: a list method that takes ``page`` and ``limit`` and answers ``{totalCount,
            list}`` (e.g. ``management_client.roles.list_users``).
        *args: its positional arguments.
        limit: items per request, at least 1.
        **kwargs: its other keyword arguments (not ``page``: the pager chooses it).

    Raises:
        ApprowWrongArgumentException: ``limit`` is not an int of at least 1, or ``page`` is
            given.
        ApprowException: while iterating, whatever ``method`` raises for a page.
    """

    def __init__(self, method: AsyncPageMethod, *args: Any, limit: int = 100, **kwargs: Any) -> None:
        if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
            raise ApprowWrongArgumentException("limit must be an int of at least 1 (items per page)")
        if "page" in kwargs:
            raise ApprowWrongArgumentException("the pager chooses the page; give only limit")
        self._method = method
        self._args = args
        self._kwargs: Dict[str, Any] = kwargs
        self.limit = limit
        self.total: Optional[int] = None
        self._page = 0
        self._seen = 0
        self._items: List[T] = []
        self._done = False

    def __repr__(self) -> str:
        name = getattr(self._method, "__qualname__", repr(self._method))
        return "%s(%s, limit=%d, page=%d)" % (type(self).__name__, name, self.limit, self._page)

    def __aiter__(self) -> "AsyncPager[T]":
        return self

    async def __anext__(self) -> T:
        while not self._items:
            if self._done:
                raise StopAsyncIteration
            await self._fetch()
        return self._items.pop()

    async def _fetch(self) -> None:
        self._page += 1
        answer = await self._method(*self._args, page=self._page, limit=self.limit, **self._kwargs)
        found = answer.get("list") if isinstance(answer, dict) else None
        items: List[T] = list(found) if isinstance(found, list) else []
        total = answer.get("totalCount") if isinstance(answer, dict) else None
        self.total = total if isinstance(total, int) else None
        self._seen += len(items)
        if len(items) < self.limit or (self.total is not None and self._seen >= self.total):
            self._done = True
        items.reverse()         # pop() from the end gives them in order
        self._items = items
