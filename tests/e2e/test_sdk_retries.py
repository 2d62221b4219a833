"""Retries and never-twice over real sockets: the SDK's clients talk to the emulator through
a local proxy that answers 503 a given number of times, or forwards a request and then closes
the connection without answering (as a server or load balancer that dies mid-request)."""
import http.client
import socket
import threading
from typing import Callable, List, Optional, Tuple

import pytest

from approw.v2 import exceptions as exc
from approw.v2.common import retry
from approw.v2.management import ManagementClient, ManagementClientOptions

# A script decides per request: "forward", "503" (answer 503 without forwarding) or "drop"
# (forward, then close the client's connection without an answer).
Script = Callable[[int, bytes], str]


class FlakyProxy:
    """An HTTP/1.1 keep-alive proxy to ``upstream`` whose behaviour a script decides."""

    def __init__(self, upstream: Tuple[str, int], script: Script) -> None:
        self.upstream = upstream
        self.script = script
        self.seen: List[Tuple[str, bytes]] = []   # (action, body) of every request
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = "http://127.0.0.1:%d" % self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self._listener.close()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        reader = conn.makefile("rb")
        with conn:
            while True:
                request = _read_request(reader)
                if request is None:
                    return
                method, path, headers, body = request
                with self._lock:
                    action = self.script(len(self.seen), body)
                    self.seen.append((action, body))
                if action == "503":
                    conn.sendall(b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 0\r\n"
                                 b"Content-Type: text/plain\r\nContent-Length: 4\r\n\r\nbusy")
                    continue
                upstream = http.client.HTTPConnection(*self.upstream, timeout=10)
                upstream.request(method, path, body=body, headers=headers)
                answer = upstream.getresponse()
                data = answer.read()
                upstream.close()
                if action == "drop":
                    return  # applied upstream; the client gets no answer
                head = "HTTP/1.1 %d %s\r\n" % (answer.status, answer.reason)
                head += "".join("%s: %s\r\n" % (k, v) for k, v in answer.getheaders()
                                if k.lower() not in ("content-length", "connection", "transfer-encoding"))
                head += "Content-Length: %d\r\n\r\n" % len(data)
                conn.sendall(head.encode("latin-1") + data)


def _read_request(reader) -> Optional[Tuple[str, str, dict, bytes]]:
    line = reader.readline()
    if not line:
        return None
    method, path, _ = line.decode("latin-1").split(" ", 2)
    headers = {}
    while True:
        h = reader.readline().decode("latin-1").rstrip("\r\n")
        if not h:
            break
        k, v = h.split(":", 1)
        headers[k.strip()] = v.strip()
    n = int(headers.get("Content-Length") or headers.get("content-length") or 0)
    return method, path, headers, reader.read(n) if n else b""


@pytest.fixture()
def through(approw_emulator):
    """``through(script)``: a management client whose requests go through a FlakyProxy."""
    proxies = []
    host, port = approw_emulator.url.split("://")[1].split(":")

    def make(script: Script, **options):
        proxy = FlakyProxy((host, int(port)), script)
        proxies.append(proxy)
        client = ManagementClient(ManagementClientOptions(
            user_pool_id=approw_emulator.user_pool_id, secret=approw_emulator.secret,
            host=proxy.url, enc_public_key=approw_emulator.public_key, **options))
        return proxy, client
    yield make
    for proxy in proxies:
        proxy.close()


@pytest.fixture(autouse=True)
def quick_backoff(monkeypatch):
    monkeypatch.setattr(retry, "BACKOFF_BASE_S", 0.001)


def _is(op: bytes) -> Callable[[bytes], bool]:
    return lambda body: b"mutation " + op in body or b"query " + op in body


def test_a_query_is_retried_until_the_server_answers(through):
    failures = [2]

    def script(n, body):
        if _is(b"users")(body) and failures[0]:
            failures[0] -= 1
            return "503"
        return "forward"

    proxy, client = through(script)
    assert client.users.list()["totalCount"] >= 0
    actions = [a for a, body in proxy.seen if _is(b"users")(body)]
    assert actions == ["503", "503", "forward"]


def test_a_mutation_answered_503_is_not_retried_unless_allowed(through, unique):
    name = unique()
    first = [True]

    def script(n, body):
        if _is(b"createUser")(body) and first[0]:
            first[0] = False
            return "503"
        return "forward"

    proxy, client = through(script)
    with pytest.raises(exc.ApprowHTTPError) as ei:
        client.users.create({"username": name})
    assert ei.value.http_status == 503
    assert [a for a, body in proxy.seen if _is(b"createUser")(body)] == ["503"]
    first[0] = True
    proxy, client = through(script, retry_mutations=True)   # refused, so certainly not applied
    assert client.users.create({"username": name})["username"] == name


def test_a_mutation_is_never_sent_twice(through, management, unique):
    name = unique()

    def script(n, body):
        return "drop" if _is(b"createUser")(body) else "forward"

    proxy, client = through(script)
    client.users.list()          # a keep-alive connection to reuse
    with pytest.raises(exc.ApprowAmbiguousRequestError) as ei:
        client.users.create({"username": name})
    assert "may have been applied" in str(ei.value) and isinstance(ei.value, ConnectionError)
    # the request reached the service exactly once, and was applied once
    assert [a for a, body in proxy.seen if _is(b"createUser")(body)] == ["drop"]
    assert management.users.find(username=name)["username"] == name
    with pytest.raises(exc.UserExistsError):
        management.users.create({"username": name})


def test_a_query_whose_connection_dies_is_sent_again(through):
    dropped = [False]

    def script(n, body):
        if _is(b"users")(body) and not dropped[0]:
            dropped[0] = True
            return "drop"
        return "forward"

    proxy, client = through(script, max_retries=0)   # the transport's own resend, not a retry
    client.tokenProvider.getAccessToken()            # a keep-alive connection to reuse
    assert client.users.list()["totalCount"] >= 0
    assert [a for a, body in proxy.seen if _is(b"users")(body)] == ["drop", "forward"]
