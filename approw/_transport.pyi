# Type stubs for the C extension approw._transport (csrc/transport.c): the HTTP transport.
# Internal API: use approw.v2.* instead.
import asyncio
from typing import Any, Mapping, Optional, Sequence, Tuple, Union

from approw._core import Response, Session

CURL_VERSION: str

class Multi:
    """The asyncio transport: libcurl's multi interface driven by `loop`, with `session`'s
    settings.  Use it only from that loop's thread."""

    def __init__(self, session: Session, loop: asyncio.AbstractEventLoop) -> None: ...
    active: int          # transfers in flight
    closed: bool
    loop: asyncio.AbstractEventLoop
    open_sockets: int    # connections open (in use or kept alive)
    def request(
        self,
        method: str,
        url: str,
        headers: Union[Sequence[Tuple[str, str]], Mapping[str, str], None] = None,
        body: Union[bytes, str, None] = None,
        *,
        timeout_ms: Optional[int] = None,
        idempotent: Optional[bool] = None,
    ) -> "asyncio.Future[Response]": ...
    def graphql(
        self,
        url: str,
        headers: Union[Sequence[Tuple[str, str]], Mapping[str, str], None],
        document: str,
        variables: Optional[Mapping[str, Any]] = None,
        *,
        timeout_ms: Optional[int] = None,
        idempotent: bool = False,
        meta: bool = False,
    ) -> "asyncio.Future[Any]": ...
    def cancel(self, future: "asyncio.Future[Any]") -> bool: ...
    def close(self) -> None: ...
