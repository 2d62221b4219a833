"""Closing the asyncio transport through the clients' sessions (``AsyncClientSession``, one per
client, over a shared ``AsyncSession``): the last client of a loop closes that loop's transport
(descriptors back to their count before, calls in flight failing at once with
``TransportError``), while one client of two closing leaves the other working; a loop closed
with transfers in flight leaks no descriptor."""
import asyncio
import gc
import os
import time

import pytest

from approw import _core
from approw.v2.common.transport import AsyncClientSession, AsyncSession
from waiting import wait_until


def open_fds():
    return len(os.listdir("/proc/self/fd"))


def baseline():
    """The count before a test: what earlier tests left to the collector is freed first."""
    gc.collect()
    return open_fds()


pytestmark = pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc")


@pytest.fixture()
def shared():
    with _core.Session(verify=False) as s:
        yield AsyncSession(s)


def test_the_last_client_of_a_loop_closes_its_transport(shared, http_server):
    before = baseline()

    async def main():
        a, b = AsyncClientSession(shared), AsyncClientSession(shared)
        await asyncio.gather(*[c.request("GET", http_server.url + "/echo") for c in (a, b)] * 4)
        multi = shared._multis[asyncio.get_running_loop()]
        sockets = multi.open_sockets
        await a.aclose()
        assert not multi.closed                   # b still uses it
        answer = await b.request("GET", http_server.url + "/echo?b")
        assert _core.loads(answer.body)["path"] == "/echo?b"
        with pytest.raises(_core.TransportError, match="closed"):
            await a.request("GET", http_server.url + "/echo")
        await b.aclose()
        await b.aclose()                          # twice: nothing more
        return multi, sockets

    multi, sockets = asyncio.run(main())
    assert sockets >= 1 and multi.closed and multi.open_sockets == 0 and not shared._multis
    assert open_fds() == before


def test_closing_the_last_client_fails_its_calls_in_flight(shared, http_server):
    async def main():
        client = AsyncClientSession(shared)
        calls = [asyncio.ensure_future(client.request("GET", http_server.url + "/slow?ms=30000"))
                 for _ in range(3)]
        await asyncio.sleep(0.2)
        started = time.monotonic()
        await client.aclose()
        results = await asyncio.gather(*calls, return_exceptions=True)
        return results, time.monotonic() - started

    before = baseline()
    results, waited = asyncio.run(main())
    assert waited < 10.0          # not waiting for the answers (30 s away)
    assert all(isinstance(r, _core.TransportError) and "closed" in str(r) for r in results)
    assert open_fds() == before


def test_a_loop_closed_with_transfers_in_flight_leaks_no_descriptor(shared, http_server):
    before = baseline()
    client = AsyncClientSession(shared)
    loop = asyncio.new_event_loop()
    tasks = [loop.create_task(client.request("GET", http_server.url + "/slow?ms=30000"))
             for _ in range(4)]
    wait_until(loop, lambda: loop in shared._multis and shared._multis[loop].open_sockets == 4,
               "the 4 transfers have their connections")
    multi = shared._multis[loop]
    assert multi.active == 4 and multi.open_sockets == 4
    loop.close()                                  # the transfers still in flight
    del tasks
    asyncio.run(client.aclose())                  # (from another loop)
    assert multi.closed and multi.open_sockets == 0 and not shared._multis
    assert open_fds() == before


def test_a_closed_loop_is_released_when_another_client_joins_a_loop(shared, http_server):
    before = baseline()
    first = AsyncClientSession(shared)
    loop = asyncio.new_event_loop()
    task = loop.create_task(first.request("GET", http_server.url + "/slow?ms=30000"))
    loop.run_until_complete(asyncio.sleep(0.2))
    multi = shared._multis[loop]
    loop.close()
    del task

    async def other():
        client = AsyncClientSession(shared)
        await client.request("GET", http_server.url + "/echo")
        assert multi.closed and list(shared._multis) == [asyncio.get_running_loop()]
        await client.aclose()

    asyncio.run(other())
    assert open_fds() == before


def test_a_client_used_from_two_loops_closes_both(shared, http_server):
    client = AsyncClientSession(shared)
    first = asyncio.new_event_loop()
    first.run_until_complete(client.request("GET", http_server.url + "/echo"))
    multi = shared._multis[first]

    async def second():
        await client.request("GET", http_server.url + "/echo")
        await client.aclose()                     # the first loop is idle, not closed

    asyncio.run(second())
    assert not shared._multis
    first.run_until_complete(asyncio.sleep(0))    # the close scheduled on its own loop
    assert multi.closed and multi.open_sockets == 0
    first.close()


def test_clients_dropped_unclosed_keep_the_connections_then_the_last_close_releases(
        shared, http_server):
    async def main():
        keeper = AsyncClientSession(shared)
        await keeper.request("GET", http_server.url + "/echo")
        multi = shared._multis[asyncio.get_running_loop()]
        for i in range(5):                        # one client per "web request", dropped
            per_request = AsyncClientSession(shared)
            await per_request.request("GET", http_server.url + f"/echo?{i}")
            del per_request
        assert not multi.closed and multi.open_sockets == 1   # one connection, reused
        closed_one = AsyncClientSession(shared)
        await closed_one.request("GET", http_server.url + "/echo")
        await closed_one.aclose()                 # the dropped ones no longer count
        assert not multi.closed                   # keeper still open
        await keeper.aclose()
        return multi

    before = baseline()
    multi = asyncio.run(main())
    assert multi.closed and not shared._multis and open_fds() == before
