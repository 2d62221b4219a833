"""100,000 cancelled requests on the asyncio transport, and 100,000 answered ones: memory
(RSS), open descriptors and transfers in flight stay flat.  Most requests are cancelled
before they start and some mid-request (their connections closed)."""
import asyncio
import gc
import os

import pytest
from leakcheck import assert_stable

from approw import _core
from approw.v2.common.transport import AsyncSession

pytestmark = pytest.mark.slow

BATCH = 100


def _fds():
    return len(os.listdir("/proc/self/fd"))


def _run_cancelled(asession, make_call, settle_iterations, mid=BATCH, total_limit_mb=4.0):
    """assert_stable over 1,000 batches of BATCH calls (100,000): each batch starts BATCH
    calls, lets the loop run `settle_iterations` times, cancels them all (the first `mid` are
    given the iterations, the rest are cancelled at once), and waits for the cancellations."""
    loop = asyncio.new_event_loop()
    fd_marks = []

    async def batch():
        early = [asyncio.ensure_future(make_call()) for _ in range(mid)]
        for _ in range(settle_iterations):
            await asyncio.sleep(0)
        late = [asyncio.ensure_future(make_call()) for _ in range(BATCH - mid)]
        await asyncio.sleep(0)
        for t in early + late:
            t.cancel()
        await asyncio.gather(*early, *late, return_exceptions=True)

    def one():
        loop.run_until_complete(batch())
        if len(fd_marks) % 100 == 0:
            fd_marks.append(_fds())
        else:
            fd_marks.append(None)

    try:
        assert_stable(one, n=1000, warmup=100, total_limit_mb=total_limit_mb)
        multi = loop.run_until_complete(_multi_of(asession))
        assert multi.active == 0
        assert not asyncio.all_tasks(loop)
        counts = [c for c in fd_marks if c is not None]
        assert max(counts) - min(counts) <= 8, counts    # kept-alive connections at most
    finally:
        loop.run_until_complete(asession.aclose())
        loop.close()
    gc.collect()


async def _multi_of(asession):
    return asession._multi()


def test_100k_cancelled_http1_requests(http_server):
    with _core.Session() as session:
        asession = AsyncSession(session)
        _run_cancelled(asession,
                       lambda: asession.request("GET", http_server.url + "/slow?ms=20"),
                       settle_iterations=3, mid=3)


def test_completed_graphql_calls_and_errors_do_not_leak(http_server):
    """100,000 answered GraphQL calls (a fifth of them GraphQL errors), 50 at a time."""
    with _core.Session() as session:
        asession = AsyncSession(session)
        loop = asyncio.new_event_loop()
        url = http_server.url + "/graphql"

        async def one(i):
            try:
                return await asession.graphql(url, [("Authorization", "Bearer t")], "{ x }",
                                              {"mode": "err_obj" if i % 5 == 0 else "ok",
                                               "rid": "r-%d" % i}, meta=i % 2 == 0)
            except _core.GraphQLError as e:
                assert e.request_id == "r-%d" % i
                return None

        async def fifty():
            await asyncio.gather(*(one(i) for i in range(50)))

        def batch():
            loop.run_until_complete(fifty())

        try:
            fds = _fds()
            assert_stable(batch, n=2000, warmup=100)
            assert _fds() - fds <= 50            # at most the batch's kept-alive connections
        finally:
            loop.run_until_complete(asession.aclose())
            loop.close()
