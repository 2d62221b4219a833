"""The types of a paged list method as the page iterators (:mod:`.paging`) call it.

The iterator is written once, for coroutines, in ``_async/paging.py`` and generated for
threads; these two aliases are the only part that differs between the forms, so they live here
(``AsyncPageMethod`` in the asyncio source becomes ``PageMethod`` in the generated one).
"""
from typing import Any, Awaitable, Callable

__all__ = ["PageMethod", "AsyncPageMethod"]

#: A list method of a client: called with ``page=`` and ``limit=`` (and the caller's other
#: arguments), it returns ``{totalCount, list}`` (or ``None`` when ``on_error`` returned).
PageMethod = Callable[..., Any]
#: The same, for the asyncio clients (the call returns an awaitable).
AsyncPageMethod = Callable[..., Awaitable[Any]]
