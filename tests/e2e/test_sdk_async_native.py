"""The asyncio clients on the native transport (libcurl's multi interface on the running loop)
against the emulator: hundreds of mixed calls in flight with no crossed answers, cancellation
and ``wait_for`` mid-request (the next calls right), one token fetch for 100 coroutines,
uvloop, one client on two loops in two threads, and a forked child."""
import asyncio
import os
import threading

import pytest

from approw.v2.authentication import AsyncAuthenticationClient
from approw.v2.exceptions import ApprowException
from approw.v2.management import AsyncManagementClient, ManagementClientOptions


def _client(emu, **kw):
    return AsyncManagementClient(ManagementClientOptions(
        user_pool_id=emu.user_pool_id, secret=emu.secret, host=emu.url,
        enc_public_key=emu.public_key, **kw))


@pytest.fixture()
def users(approw_emulator, unique):
    """20 users: [(id, username)]."""
    async def make():
        client = _client(approw_emulator)
        names = [unique("nat") for _ in range(20)]
        made = await asyncio.gather(*(client.users.create({"username": n}) for n in names))
        return [(u["id"], u["username"]) for u in made]

    return asyncio.run(make())


async def _mixed(client, users, n):
    """n calls of three kinds at once; each answer checked against what was asked."""
    async def one(i):
        uid, name = users[i % len(users)]
        kind = i % 3
        if kind == 0:
            assert (await client.users.detail(uid))["username"] == name
        elif kind == 1:
            found = await client.users.find(username=name)
            assert found["id"] == uid
        else:
            assert (await client.users.exists(username=name)) is True
        return i

    return await asyncio.gather(*(one(i) for i in range(n)))


def test_500_concurrent_mixed_calls(approw_emulator, users):
    client = _client(approw_emulator)
    assert asyncio.run(_mixed(client, users, 500)) == list(range(500))


def test_cancellation_and_wait_for_mid_request(approw_emulator, users):
    client = _client(approw_emulator)

    async def main():
        await client.users.detail(users[0][0])          # token fetched, connections warm
        for delay in (0, 0.0005, 0.002, 0.005):
            tasks = [asyncio.ensure_future(client.users.detail(uid)) for uid, _ in users]
            await asyncio.sleep(delay)
            for t in tasks[::2]:
                t.cancel()
            done = await asyncio.gather(*tasks, return_exceptions=True)
            for (uid, name), result in zip(users, done):
                assert isinstance(result, asyncio.CancelledError) or result["id"] == uid
        timed_out = 0
        for limit in (0.0001, 0.0002, 0.0005, 0.001, 0.002):
            try:
                page = await asyncio.wait_for(client.users.list(limit=50), limit)
            except asyncio.TimeoutError:
                timed_out += 1
            else:   # answered within the limit: then it is whole
                assert len(page["list"]) == min(50, page["totalCount"])
        assert timed_out >= 1
        # what follows is answered right
        return await _mixed(client, users, 60)

    assert asyncio.run(main()) == list(range(60))


def test_one_token_fetch_for_100_coroutines(approw_emulator, users):
    client = _client(approw_emulator)
    provider = client.tokenProvider
    fetches = []
    real_fetch = provider._fetch

    async def counting_fetch():
        fetches.append(1)
        return await real_fetch()

    provider._fetch = counting_fetch

    async def main():
        return await asyncio.gather(*(client.users.detail(users[i % 20][0]) for i in range(100)))

    found = asyncio.run(main())
    assert [u["id"] for u in found] == [users[i % 20][0] for i in range(100)]
    assert len(fetches) == 1


def test_uvloop(approw_emulator, users, auth_options, unique):
    uvloop = pytest.importorskip("uvloop")
    client = _client(approw_emulator)
    name = unique("uv")

    async def main():
        await client.users.create({"username": name, "password": "pw123456"})
        auth = AsyncAuthenticationClient(auth_options())
        user = await auth.login_by_username(name, "pw123456")
        status = await client.check_login_status(user["token"])
        return status, await _mixed(client, users, 90)

    loop = uvloop.new_event_loop()
    try:
        status, mixed = loop.run_until_complete(main())
    finally:
        loop.close()
    assert status["status"] is True and mixed == list(range(90))


def test_one_client_on_two_loops_in_two_threads(approw_emulator, users):
    client = _client(approw_emulator)
    results, errors = {}, []

    def worker(n):
        try:
            results[n] = asyncio.run(_mixed(client, users, 60))
        except BaseException as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and results == {0: list(range(60)), 1: list(range(60))}


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_forked_child(approw_emulator, users):
    client = _client(approw_emulator)
    loop = asyncio.new_event_loop()
    try:
        assert loop.run_until_complete(_mixed(client, users, 30)) == list(range(30))
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                code = 0 if asyncio.run(_mixed(client, users, 30)) == list(range(30)) else 2
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        assert loop.run_until_complete(_mixed(client, users, 30)) == list(range(30))
    finally:
        loop.close()


def test_timeout_bounds_the_call_and_errors_are_approw_exceptions(approw_emulator):
    client = AsyncManagementClient(ManagementClientOptions(
        user_pool_id=approw_emulator.user_pool_id, secret="wrong", host=approw_emulator.url))
    with pytest.raises(ApprowException):
        asyncio.run(client.users.list())
    dead = AsyncManagementClient(ManagementClientOptions(
        user_pool_id="p", secret="s", host="http://127.0.0.1:9", timeout=500))
    with pytest.raises(ApprowException):
        asyncio.run(dead.users.list())
