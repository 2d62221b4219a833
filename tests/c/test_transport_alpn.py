"""The transport speaks HTTP/1.1 only, also to a TLS server that offers HTTP/2 first (ALPN).

libcurl 7.88 (Debian 12's, and the one the wheels bundle) can call into a freed transfer when
an HTTP/2 request is cancelled while its headers still wait in nghttp2's queue: under 100,000
cancelled coroutines that crashed the process (or failed another request with a reset stream).
These tests fail if either client, sync or asyncio, negotiates HTTP/2 again."""
import asyncio

from approw import _core
from approw.v2.common.transport import AsyncSession


def test_the_sync_session_negotiates_http1(tls_server, tls_files):
    with _core.Session(ca_file=tls_files[0]) as session:
        answers = [session.request("GET", tls_server.url + "/alpn") for _ in range(3)]
    assert [_core.loads(a.body) for a in answers] == [{"alpn": "http/1.1"}] * 3


def test_the_asyncio_transport_negotiates_http1(tls_server, tls_files):
    async def main(asession):
        try:
            return await asyncio.gather(*(asession.request("GET", tls_server.url + "/alpn")
                                          for _ in range(20)))
        finally:
            await asession.aclose()

    with _core.Session(ca_file=tls_files[0]) as session:
        answers = asyncio.run(main(AsyncSession(session)))
    assert [_core.loads(a.body) for a in answers] == [{"alpn": "http/1.1"}] * 20


def test_cancelled_tls_requests_leave_the_transport_working(tls_server, tls_files):
    """Cancellations mid-request over TLS (each closes its connection), then answers."""
    async def main(asession):
        try:
            for _ in range(20):
                tasks = [asyncio.ensure_future(
                    asession.request("POST", tls_server.url + "/slow?ms=50", (), b"x" * 64))
                    for _ in range(10)]
                for _ in range(3):
                    await asyncio.sleep(0)
                for t in tasks:
                    t.cancel()
                results = await asyncio.gather(*tasks, return_exceptions=True)
                assert all(isinstance(r, asyncio.CancelledError) for r in results), results
            return await asyncio.gather(*(asession.request("GET", tls_server.url + "/alpn")
                                          for _ in range(5)))
        finally:
            await asession.aclose()

    with _core.Session(ca_file=tls_files[0]) as session:
        answers = asyncio.run(main(AsyncSession(session)))
    assert [_core.loads(a.body) for a in answers] == [{"alpn": "http/1.1"}] * 5
