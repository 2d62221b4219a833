"""HTTP/2 on the asyncio transport: against a local TLS server that offers h2 (Debian's nghttpd,
package nghttp2-server), many coroutines' requests are multiplexed over one connection, each
getting its own answer; a cancelled stream does not cost the connection.  Over plain HTTP and
against an HTTP/1.1-only TLS server the transport speaks HTTP/1.1."""
import asyncio
import re
import shutil
import subprocess
import time

import pytest

from approw import _core
from approw.v2.common.transport import AsyncSession

NGHTTPD = shutil.which("nghttpd") or (
    "/usr/sbin/nghttpd" if shutil.os.path.exists("/usr/sbin/nghttpd") else None)


@pytest.fixture()
def h2_server(tls_files, tmp_path, free_port):
    if NGHTTPD is None:
        pytest.skip("nghttpd (Debian package nghttp2-server) is not installed")
    cert, key = tls_files
    (tmp_path / "hello.json").write_text('{"hello": "h2"}')
    log = open(tmp_path / "nghttpd.log", "w+")
    proc = subprocess.Popen(
        [NGHTTPD, "-v", "--echo-upload", "-d", str(tmp_path), "--address", "127.0.0.1",
         str(free_port), key, cert], stdout=log, stderr=subprocess.STDOUT)
    url = "https://127.0.0.1:%d" % free_port
    deadline = time.monotonic() + 10
    with _core.Session(ca_file=cert) as probe:
        while True:
            try:
                probe.request("GET", url + "/hello.json")
                break
            except _core.ConnectionError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.05)

    def connections():
        """Connections the server accepted after the probe's."""
        log.flush()
        log.seek(0)
        return len(set(re.findall(r"\[id=(\d+)\]", log.read()))) - 1

    yield url, cert, connections
    proc.kill()
    proc.wait()
    log.close()


def test_requests_are_multiplexed_over_one_connection(h2_server):
    url, cert, connections = h2_server

    async def main(asession):
        bodies = [b'{"n": %d}' % i for i in range(100)]
        answers = await asyncio.gather(*(
            asession.request("POST", url + "/echo", [("content-type", "application/json")], b)
            for b in bodies))
        got = await asyncio.gather(*(asession.request("GET", url + "/hello.json")
                                     for _ in range(50)))
        return bodies, answers, got, asession._multi().open_sockets

    with _core.Session(ca_file=cert) as session:
        bodies, answers, got, sockets = asyncio.run(main(AsyncSession(session)))
    assert [a.body for a in answers] == bodies           # each stream its own answer
    assert all(a.status == 200 for a in answers)
    assert {g.body for g in got} == {b'{"hello": "h2"}'}
    assert sockets == 1 and connections() == 1


def test_a_cancelled_stream_keeps_the_connection(h2_server):
    url, cert, connections = h2_server

    async def main(asession):
        await asession.request("GET", url + "/hello.json")
        tasks = [asyncio.ensure_future(asession.request("POST", url + "/echo", (), b"x" * 200000))
                 for _ in range(10)]
        await asyncio.sleep(0)
        await asyncio.sleep(0.001)
        for t in tasks[::2]:
            t.cancel()
        done = await asyncio.gather(*tasks, return_exceptions=True)
        after = await asession.request("GET", url + "/hello.json")
        return done, after

    with _core.Session(ca_file=cert) as session:
        done, after = asyncio.run(main(AsyncSession(session)))
    for result in done[1::2]:
        assert result.body == b"x" * 200000
    assert after.body == b'{"hello": "h2"}'
    assert connections() == 1


def test_http1_tls_server_still_works(tls_server, tls_files):
    async def main(asession):
        return await asyncio.gather(*(asession.request("GET", tls_server.url + "/echo?%d" % i)
                                      for i in range(20)))

    with _core.Session(ca_file=tls_files[0]) as session:
        answers = asyncio.run(main(AsyncSession(session)))
    assert [_core.loads(a.body)["path"] for a in answers] == ["/echo?%d" % i for i in range(20)]
