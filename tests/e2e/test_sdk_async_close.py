"""``async with`` / ``aclose()`` on the asyncio clients against the emulator: the descriptors
are back to their count before once the last client of the loop is closed, closing one of two
clients of a loop leaves the other working, a closed client refuses calls, and a loop closed
with calls in flight leaks no descriptor.  (The emulator runs in this process: its side of each
connection, which it closes a moment after ours, whenever its thread runs, is not counted;
a socket is the emulator's when its own local port is the emulator's.)"""
import asyncio
import gc
import os
import socket
import time
from urllib.parse import urlsplit

import pytest

from approw import _core
from approw.v2.authentication import AsyncAuthenticationClient
from approw.v2.exceptions import ApprowClientClosedError
from approw.v2.management import AsyncManagementClient, ManagementClientOptions

pytestmark = pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc")


_emulator_port = 0     # set by `warm`: sockets on this local port are the emulator's side


def _emulator_side(fd):
    """Whether descriptor ``fd`` is a socket whose local port is the emulator's: its
    listener, or its side of a connection (asked of the socket itself, so one already reset
    or not yet answered counts too)."""
    try:
        dup = os.dup(fd)
    except OSError:
        return False
    try:
        with socket.socket(fileno=dup) as sock:
            name = sock.getsockname()
    except OSError:
        return False
    return isinstance(name, tuple) and len(name) >= 2 and name[1] == _emulator_port


def counted_fds():
    """This process's descriptors and what each is, the emulator's sockets left out."""
    found = []
    for name in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink("/proc/self/fd/" + name)
        except OSError:        # (the listing's own descriptor, closed by now)
            continue
        if not (target.startswith("socket:[") and _emulator_side(int(name))):
            found.append((int(name), target))
    return found


def open_fds():
    return len(counted_fds())


def settled_fds(expected, within=60.0):
    """``expected`` once the descriptor count is back to it, else the count after ``within``
    seconds.  (Not counted once more after a match: the emulator's threads open and close
    descriptors of their own at any moment.)"""
    deadline = time.monotonic() + within
    while True:
        count = open_fds()
        if count == expected or time.monotonic() >= deadline:
            return count
        time.sleep(0.02)


def fd_report():
    """Every counted descriptor and what it is (for a failure's message)."""
    return "descriptors counted:\n" + "\n".join("%d: %s" % fd for fd in sorted(counted_fds()))


def _client(emu):
    return AsyncManagementClient(ManagementClientOptions(
        user_pool_id=emu.user_pool_id, secret=emu.secret, host=emu.url,
        enc_public_key=emu.public_key))


@pytest.fixture()
def warm(approw_emulator):
    """The emulator's first-use work (schema, keys) done before counting descriptors."""
    global _emulator_port
    _emulator_port = urlsplit(approw_emulator.url).port

    async def main():
        async with _client(approw_emulator) as client:
            await client.users.list()

    asyncio.run(main())
    gc.collect()                    # what earlier tests left to the collector
    count, deadline = -1, time.monotonic() + 30
    while open_fds() != count and time.monotonic() < deadline:   # until it stops changing
        count = open_fds()
        time.sleep(0.1)


def test_async_with_gives_the_descriptors_back(approw_emulator, warm, unique):
    before = open_fds()

    async def main():
        async with _client(approw_emulator) as client:
            made = await client.users.create({"username": unique("close")})
            found = await asyncio.gather(*(client.users.detail(made["id"]) for _ in range(32)))
            assert {u["id"] for u in found} == {made["id"]}
            during = open_fds()
        with pytest.raises(ApprowClientClosedError, match="closed"):
            await client.users.detail(made["id"])
        return during

    during = asyncio.run(main())
    assert during > before
    assert settled_fds(before) == before, fd_report()


def test_closing_one_of_two_clients_leaves_the_other_working(approw_emulator, warm,
                                                             auth_options, unique):
    before = open_fds()

    async def main():
        admin = _client(approw_emulator)
        user = AsyncAuthenticationClient(auth_options())
        name, password = unique("two"), "pw-123456"
        await user.register_by_username(name, password)
        await admin.users.list()
        async with admin:
            pass                                   # closed; `user` still holds the loop
        logged = await user.login_by_username(name, password)
        me = await asyncio.gather(*(user.get_current_user() for _ in range(8)))
        assert {u["id"] for u in me} == {logged["id"]}
        with pytest.raises(ApprowClientClosedError):
            await admin.users.list()
        await user.aclose()

    asyncio.run(main())
    assert settled_fds(before) == before, fd_report()


def test_a_loop_closed_with_calls_in_flight_leaks_nothing(approw_emulator, warm):
    before = open_fds()
    client = _client(approw_emulator)
    loop = asyncio.new_event_loop()
    loop.run_until_complete(client.users.list())           # token and connections
    tasks = [loop.create_task(client.users.list(page=1, limit=50)) for _ in range(64)]
    loop.run_until_complete(asyncio.sleep(0))               # all 64 transfers started
    assert not all(t.done() for t in tasks)
    loop.close()
    del tasks
    asyncio.run(client.aclose())                            # from another loop: no loop call
    assert settled_fds(before) == before, fd_report()


def test_the_last_client_closed_fails_its_calls_in_flight(approw_emulator, warm):
    async def main():
        client = _client(approw_emulator)
        await client.users.list()
        calls = [asyncio.ensure_future(client.users.list(page=1, limit=50)) for _ in range(32)]
        await asyncio.sleep(0)
        await client.aclose()
        return await asyncio.gather(*calls, return_exceptions=True)

    results = asyncio.run(main())
    failed = [r for r in results if isinstance(r, BaseException)]
    assert failed and all(isinstance(r, ApprowClientClosedError) for r in failed), failed
    # raised where the transfer failed (not after a retry's wait)
    assert all(isinstance(r.__cause__, _core.TransportError) for r in failed)
