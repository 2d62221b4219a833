"""The asyncio transport (``approw._transport.Multi`` behind ``AsyncSession``) against the local
test servers: answers and errors as the sync Session gives them, cancellation (the transfer
stops at once, its connection is not reused), timeouts while other calls hang, several loops,
uvloop, fork, and the never-resend-a-mutation guard."""
import asyncio
import gc
import os
import socket
import threading
import time

import pytest

from approw import _core, _transport
from approw.v2.common.transport import AsyncSession
from waiting import until, wait_until


@pytest.fixture()
def session():
    with _core.Session(verify=False) as s:
        yield s


@pytest.fixture()
def asession(session):
    return AsyncSession(session)


@pytest.fixture()
def silent_server():
    """A server that accepts connections and never answers."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(512)
    accepted = []
    stop = threading.Event()

    def run():
        srv.settimeout(0.05)
        while not stop.is_set():
            try:
                accepted.append(srv.accept()[0])
            except OSError:
                pass

    t = threading.Thread(target=run, daemon=True)
    t.start()
    yield "http://127.0.0.1:%d" % srv.getsockname()[1]
    stop.set()
    t.join()
    for c in accepted:
        c.close()
    srv.close()


def _gql(asession, url, mode="ok", **kw):
    return asession.graphql(url + "/graphql", [], "query { echo }", {"mode": mode}, **kw)


def test_graphql_and_request_answers_match_the_sync_session(asession, session, http_server):
    async def main():
        data = await _gql(asession, http_server.url)
        meta = await asession.graphql(http_server.url + "/graphql", [], "{ echo }",
                                      {"rid": "r-1"}, meta=True)
        resp = await asession.request("POST", http_server.url + "/echo",
                                      [("X-A", "1")], b"hello")
        return data, meta, resp

    data, meta, resp = asyncio.run(main())
    assert data == session.graphql(http_server.url + "/graphql", [], "query { echo }",
                                   {"mode": "ok"})
    assert meta[1:] == (200, "r-1")
    assert resp.status == 200
    echo = _core.loads(resp.body)
    assert echo["method"] == "POST" and echo["body"] == "hello"


@pytest.mark.parametrize("mode,error", [
    ("err_obj", _core.GraphQLError), ("not_json", _core.HTTPError),
    ("no_data", _core.HTTPError), ("array", _core.HTTPError)])
def test_errors_are_the_sync_sessions(asession, session, http_server, mode, error):
    with pytest.raises(error) as sync_error:
        session.graphql(http_server.url + "/graphql", [], "{ echo }", {"mode": mode})
    with pytest.raises(error) as async_error:
        asyncio.run(_gql(asession, http_server.url, mode))
    assert str(async_error.value) == str(sync_error.value)
    assert getattr(async_error.value, "status", None) == getattr(sync_error.value, "status", None)


def test_transport_failures_and_limits(free_port, http_server):
    async def main(asession):
        with pytest.raises(_core.ConnectionError):
            await asession.request("GET", "http://127.0.0.1:%d/" % free_port)
        with pytest.raises(_core.ResponseTooLargeError):
            await asession.request("GET", http_server.url + "/big?n=5000")
        with pytest.raises(_core.ArgumentError):
            await asession.request("GET", http_server.url + "/echo", [("X-A", "a\r\nb")])
        with pytest.raises(_core.TransportError):
            await asession.request("GET", http_server.url + "/partial")

    with _core.Session(max_response_bytes=1000) as s:
        asyncio.run(main(AsyncSession(s)))


def test_a_mutation_that_may_have_been_sent_fails_as_ambiguous(asession, http_server, free_port):
    """Once a POST may have reached the server, every failure is AmbiguousRequestError (a
    connection closed before the answer, a timeout); before that (refused) it is not."""
    async def main():
        await asession.request("GET", http_server.url + "/echo")   # a connection to reuse
        errors = []
        for url, timeout in (("/reset", None), ("/slow?ms=2000", 200)):
            with pytest.raises(_core.AmbiguousRequestError) as ei:
                await asession.request("POST", http_server.url + url, body=b"x",
                                       timeout_ms=timeout)
            errors.append(ei.value)
        with pytest.raises(_core.ConnectionError) as refused:
            await asession.request("POST", "http://127.0.0.1:%d/" % free_port, body=b"x")
        assert not isinstance(refused.value, _core.AmbiguousRequestError)
        # a GET is idempotent: the same failures keep their own kind
        with pytest.raises(_core.TimeoutError):
            await asession.request("GET", http_server.url + "/slow?ms=2000", timeout_ms=200)
        return errors

    errors = asyncio.run(main())
    assert "may have been applied" in str(errors[1])


def test_500_concurrent_calls_get_their_own_answers(asession, http_server):
    async def main():
        calls = [asession.graphql(http_server.url + "/graphql", [], "{ echo }", {"n": i})
                 for i in range(500)]
        return await asyncio.gather(*calls)

    answers = asyncio.run(main())
    assert [a["echo"]["variables"]["n"] for a in answers] == list(range(500))


def test_cancel_stops_the_transfer_and_drops_its_connection(asession, http_server):
    async def main():
        multi = asession._multi()
        await asession.request("GET", http_server.url + "/echo")
        before = http_server.connections()
        slow = "/slow?ms=30000&cancel=1"
        task = asyncio.ensure_future(asession.request("GET", http_server.url + slow))
        await until(lambda: slow in http_server.slow_in_flight(), "the server got " + slow)
        assert multi.active == 1
        started = time.monotonic()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        cancelled_in = time.monotonic() - started
        assert multi.active == 0
        # the next call is answered right, on a connection other than the cancelled one
        resp = await asession.request("GET", http_server.url + "/echo?next=1")
        return cancelled_in, before, resp

    cancelled_in, before, resp = asyncio.run(main())
    assert cancelled_in < 10.0      # not waiting for the answer (30 s away)
    assert _core.loads(resp.body)["path"] == "/echo?next=1"
    # /slow went out on the kept-alive connection; cancelled, that one was closed, and the
    # next call had to open a new one
    assert http_server.connections() == before + 1


def test_wait_for_and_timeout_bound_calls_while_others_hang(asession, http_server, silent_server):
    async def main():
        hung = [asyncio.ensure_future(asession.request("GET", silent_server + "/", timeout_ms=60000))
                for _ in range(20)]
        await asyncio.sleep(0.1)
        started = time.monotonic()
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(asession.request("GET", silent_server + "/x"), 0.3)
        waited = time.monotonic() - started
        started = time.monotonic()
        ok = await asession.request("GET", http_server.url + "/echo")
        healthy = time.monotonic() - started
        with pytest.raises(_core.TimeoutError):
            await asession.request("GET", silent_server + "/y", timeout_ms=200)
        for t in hung:
            t.cancel()
        await asyncio.gather(*hung, return_exceptions=True)
        return waited, healthy, ok, asession._multi().active

    waited, healthy, ok, active = asyncio.run(main())
    # neither the timed-out call nor the healthy one waits for the hung calls (60 s away)
    assert waited < 10.0 and healthy < 10.0 and ok.status == 200
    assert active == 0


def test_uvloop(session, http_server):
    uvloop = pytest.importorskip("uvloop")
    asession = AsyncSession(session)

    async def main():
        calls = [asession.graphql(http_server.url + "/graphql", [], "{ echo }", {"n": i})
                 for i in range(64)]
        answers = await asyncio.gather(*calls)
        task = asyncio.ensure_future(asession.request("GET", http_server.url + "/slow?ms=3000"))
        await asyncio.sleep(0.2)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        return [a["echo"]["variables"]["n"] for a in answers], asession._multi().active

    loop = uvloop.new_event_loop()
    try:
        numbers, active = loop.run_until_complete(main())
    finally:
        loop.close()
    assert numbers == list(range(64)) and active == 0


def test_one_session_on_two_loops_in_two_threads(asession, http_server):
    results = {}

    def worker(n):
        async def main():
            calls = [asession.graphql(http_server.url + "/graphql", [], "{ echo }",
                                      {"t": n, "i": i}) for i in range(50)]
            return [(a["echo"]["variables"]["t"], a["echo"]["variables"]["i"])
                    for a in await asyncio.gather(*calls)]
        results[n] = asyncio.run(main())

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for n in range(2):
        assert results[n] == [(n, i) for i in range(50)]


def test_a_closed_loops_transport_is_released(asession, http_server):
    loop = asyncio.new_event_loop()
    task = loop.create_task(asession.request("GET", http_server.url + "/slow?ms=30000"))
    wait_until(loop, lambda: loop in asession._multis and asession._multis[loop].open_sockets,
               "the transfer has its connection")
    multi = asession._multis[loop]
    assert multi.active == 1 and multi.open_sockets == 1
    loop.close()               # the transfer still in flight
    del task
    asyncio.run(asession.request("GET", http_server.url + "/echo"))  # another loop
    assert multi.closed and multi.open_sockets == 0 and loop not in asession._multis


def test_aclose_fails_what_is_in_flight_and_closes_connections(asession, http_server):
    async def main():
        task = asyncio.ensure_future(asession.request("GET", http_server.url + "/slow?ms=30000"))
        await asyncio.sleep(0.2)
        multi = asession._multi()
        await asession.aclose()
        with pytest.raises(_core.TransportError, match="closed"):
            await task
        return multi

    multi = asyncio.run(main())
    assert multi.closed and multi.open_sockets == 0


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_fork_child_gets_fresh_connections(asession, http_server):
    async def call(tag):
        r = await asession.request("GET", http_server.url + "/echo?" + tag)
        return _core.loads(r.body)["path"]

    loop = asyncio.new_event_loop()
    try:
        assert loop.run_until_complete(call("parent")) == "/echo?parent"
        before = http_server.connections()
        pid = os.fork()
        if pid == 0:  # child
            code = 1
            try:
                code = 0 if asyncio.run(call("child")) == "/echo?child" else 2
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        # the child opened its own connection; the parent's still works
        assert http_server.connections() == before + 1
        assert loop.run_until_complete(call("again")) == "/echo?again"
        assert http_server.connections() == before + 1
    finally:
        loop.close()


def test_multi_arguments(session):
    with pytest.raises(TypeError):
        _transport.Multi(object(), asyncio.new_event_loop())
    loop = asyncio.new_event_loop()
    multi = _transport.Multi(session, loop)
    multi.close()
    with pytest.raises(ValueError):
        multi.request("GET", "http://127.0.0.1:1/")
    loop.close()
    gc.collect()


def test_a_host_name_is_resolved(asession, http_server):
    """localhost goes through libcurl's resolver (its wake-up descriptor is watched too)."""
    url = http_server.url.replace("127.0.0.1", "localhost")

    async def main():
        return await asyncio.gather(*(asession.request("GET", url + "/echo?%d" % i)
                                      for i in range(10)))

    answers = asyncio.run(main())
    assert [_core.loads(a.body)["path"] for a in answers] == ["/echo?%d" % i for i in range(10)]


def test_an_idle_connection_closed_by_the_server(asession):
    """The server closes a kept-alive connection while it is idle: the loop stops watching it
    (no busy wake-ups), and the next call goes out on a new connection."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    url = "http://127.0.0.1:%d/" % srv.getsockname()[1]
    accepted = []

    def serve():
        for _ in range(2):
            conn, _ = srv.accept()
            accepted.append(conn)
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            time.sleep(0.1)
            conn.close()

    t = threading.Thread(target=serve, daemon=True)
    t.start()

    async def main():
        first = await asession.request("GET", url)
        cpu = time.process_time()
        await asyncio.sleep(0.5)          # the server closes the idle connection meanwhile
        idle_cpu = time.process_time() - cpu
        second = await asession.request("GET", url)
        return first, second, idle_cpu

    try:
        first, second, idle_cpu = asyncio.run(main())
    finally:
        t.join(5)
        srv.close()
    assert first.body == second.body == b"ok"
    assert len(accepted) == 2 and idle_cpu < 0.2


def test_ctrl_c_while_awaiting_interrupts_promptly(silent_server, tmp_path):
    import signal
    import subprocess
    import sys

    script = tmp_path / "hang.py"
    script.write_text(
        "import asyncio, signal, sys\n"
        # (Python's usual SIGINT handler even when started with SIGINT ignored)
        "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
        "from approw import _core\n"
        "from approw.v2.common.transport import AsyncSession\n"
        "s = AsyncSession(_core.Session())\n"
        "async def main():\n"
        "    print('ready', flush=True)\n"
        "    await s.request('GET', %r, timeout_ms=60000)\n"
        "try:\n"
        "    asyncio.run(main())\n"
        "except KeyboardInterrupt:\n"
        "    print('interrupted', flush=True)\n"
        "    sys.exit(3)\n" % (silent_server + "/",))
    proc = subprocess.Popen([sys.executable, str(script)], cwd=str(tmp_path),
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(0.3)
        started = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=30)
        elapsed = time.monotonic() - started
    finally:
        proc.kill()
    assert proc.returncode == 3 and "interrupted" in out
    assert elapsed < 10.0      # not waiting for the call's timeout (60 s away)
