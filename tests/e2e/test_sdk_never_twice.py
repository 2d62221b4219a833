"""A mutation is never sent twice, and its failure is never mistaken for "not applied": through
a proxy that forwards each request to the emulator on a *fresh* connection (one request per
connection, as behind a load balancer) and then dies in a given way, every failure of
``users.create`` is ApprowAmbiguousRequestError, even with ``retry_mutations=True`` and many
retries, and the service saw the request exactly once.  A connection that was never made
(refused) is still retried for a mutation when the caller allows it."""
import asyncio
import http.client
import socket
import struct
import threading
from typing import List, Tuple

import pytest

from approw.v2 import exceptions as exc
from approw.v2.common import retry
from approw.v2.management import AsyncManagementClient, ManagementClient, ManagementClientOptions

DEATHS = ["close", "half", "reset", "1xx", "head-only"]


class DyingProxy:
    """Forwards every request to ``upstream`` on a new connection; a ``createUser`` mutation
    gets no proper answer: ``close`` (hang up), ``half`` (half the answer, then hang up),
    ``reset`` (TCP RST), ``1xx`` (an endless stream of 1xx interim responses), ``head-only``
    (the status line and headers promising a body that never comes, then hang up)."""

    def __init__(self, upstream: Tuple[str, int], death: str) -> None:
        self.upstream, self.death = upstream, death
        self.mutations: List[bytes] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = "http://127.0.0.1:%d" % self._listener.getsockname()[1]
        self._threads = [threading.Thread(target=self._accept, daemon=True)]
        self._threads[0].start()

    def close(self) -> None:
        self._listener.close()
        for t in self._threads[1:]:
            t.join(10)

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            t = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(t)
            t.start()

    def _serve(self, conn: socket.socket) -> None:
        reader = conn.makefile("rb")
        try:
            line = reader.readline()
            if not line:
                return
            method, path, _ = line.decode("latin-1").split(" ", 2)
            headers = {}
            while True:
                h = reader.readline().decode("latin-1").rstrip("\r\n")
                if not h:
                    break
                k, v = h.split(":", 1)
                headers[k.strip()] = v.strip()
            body = reader.read(int(headers.get("Content-Length") or headers.get("content-length") or 0))
            upstream = http.client.HTTPConnection(*self.upstream, timeout=10)
            upstream.request(method, path, body=body, headers=headers)
            answer = upstream.getresponse()
            data = answer.read()
            upstream.close()
            full = ("HTTP/1.1 %d OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
                    "Connection: close\r\n\r\n" % (answer.status, len(data))).encode() + data
            if b"mutation createUser" not in body:
                conn.sendall(full)
                return
            self.mutations.append(body)
            self._die(conn, full)
        except OSError:
            pass
        finally:
            reader.close()
            conn.close()

    def _die(self, conn: socket.socket, full: bytes) -> None:
        if self.death == "half":
            conn.sendall(full[: len(full) // 2])
        elif self.death == "head-only":
            conn.sendall(full.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n")
        elif self.death == "reset":
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        elif self.death == "1xx":
            interim = b"HTTP/1.1 102 Processing\r\nX-Pad: " + b"p" * 1000 + b"\r\n\r\n"
            try:
                for _ in range(2000):                   # ~2 MB of interim responses
                    conn.sendall(interim)
            except OSError:
                pass


@pytest.fixture()
def dying(approw_emulator, monkeypatch):
    monkeypatch.setattr(retry, "BACKOFF_BASE_S", 0.001)
    host, port = approw_emulator.url.split("://")[1].split(":")
    proxies = []

    def make(death: str) -> DyingProxy:
        proxy = DyingProxy((host, int(port)), death)
        proxies.append(proxy)
        return proxy
    yield make
    for proxy in proxies:
        proxy.close()


def _options(emu, url, **extra):
    return ManagementClientOptions(user_pool_id=emu.user_pool_id, secret=emu.secret, host=url,
                                   enc_public_key=emu.public_key, **extra)


@pytest.mark.parametrize("death", DEATHS)
@pytest.mark.parametrize("options", [{}, {"retry_mutations": True, "max_retries": 8}], ids=["default", "retry"])
def test_sync_mutation_on_a_dying_fresh_connection(approw_emulator, management, dying, unique, death, options):
    name = unique(death)
    proxy = dying(death)
    client = ManagementClient(_options(approw_emulator, proxy.url, **options))
    with pytest.raises(exc.ApprowAmbiguousRequestError) as ei:
        client.users.create({"username": name})
    assert "may have been applied" in str(ei.value)
    assert len(proxy.mutations) == 1                                   # sent once, never again
    assert management.users.find(username=name)["username"] == name   # ... and applied once


@pytest.mark.parametrize("death", DEATHS)
def test_async_mutation_on_a_dying_fresh_connection(approw_emulator, management, dying, unique, death):
    name = unique(death)
    proxy = dying(death)

    async def run():
        client = AsyncManagementClient(_options(approw_emulator, proxy.url, retry_mutations=True, max_retries=4))
        await client.users.create({"username": name})
    with pytest.raises(exc.ApprowAmbiguousRequestError):
        asyncio.run(run())
    assert len(proxy.mutations) == 1
    assert management.users.find(username=name)["username"] == name


def test_a_refused_connection_is_retried_for_a_mutation_when_allowed(approw_emulator, monkeypatch):
    monkeypatch.setattr(retry, "BACKOFF_BASE_S", 0.001)
    closed = socket.create_server(("127.0.0.1", 0))
    url = "http://127.0.0.1:%d" % closed.getsockname()[1]
    closed.close()                                   # nothing listens there: refused
    attempts = []
    real = retry.retry_delay

    def counting(*args, **kwargs):
        attempts.append(kwargs["attempt"])
        return real(*args, **kwargs)
    monkeypatch.setattr("approw.v2.common.executor_base.retry_delay", counting)
    client = ManagementClient(_options(approw_emulator, url, retry_mutations=True, max_retries=2,
                                       access_token="t"))
    with pytest.raises(exc.ApprowConnectionError) as ei:
        client.users.create({"username": "never"})
    assert not isinstance(ei.value, exc.ApprowAmbiguousRequestError)
    assert attempts == [0, 1, 2]                     # sent again: it certainly was not applied
