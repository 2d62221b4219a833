"""approw._core.Session hardening: a request that is not idempotent is never sent
twice, limits on the answer, argument errors the SDK can translate, signal
polling on the main thread only, Retry-After on errors.

The servers here are scripted raw-socket servers on loopback (run in a thread of
the test process: the Session releases the GIL while it waits), so each test
decides exactly when a connection is answered, dropped or flooded.
"""

import gzip
import json
import os
import socket
import subprocess
import sys
import threading
import zlib

import pytest

from approw import _core

OK_BODY = b'{"data":{"ok":true}}'


def _response(body=OK_BODY, status=200, headers=(), ctype=b"application/json"):
    head = [b"HTTP/1.1 %d X" % status, b"Content-Type: " + ctype,
            b"Content-Length: %d" % len(body)]
    head += list(headers)
    return b"\r\n".join(head) + b"\r\n\r\n" + body


class ScriptedServer:
    """HTTP/1.1 keep-alive server whose answers come from `script(conn, n, req)`:
    conn = connection number, n = request number on that connection, req = dict
    (method, path, headers, body).  The script returns the bytes to send, or
    None to close the connection without answering.  Every request that was
    read in full is recorded in `requests` as (conn, n, method, path, body)."""

    def __init__(self, script):
        self.script = script
        self.requests = []
        self.lock = threading.Lock()
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = "http://127.0.0.1:%d" % self.sock.getsockname()[1]
        self.conns = 0
        self.sockets = []
        self.threads = [threading.Thread(target=self._accept, daemon=True)]
        self.threads[0].start()

    def _accept(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            t = threading.Thread(target=self._serve, args=(c, self.conns), daemon=True)
            with self.lock:
                self.conns += 1
                self.sockets.append(c)
                self.threads.append(t)
            t.start()

    @staticmethod
    def _read_request(f):
        line = f.readline()
        if not line:
            return None
        method, path, _ = line.decode("latin-1").split(" ", 2)
        headers = {}
        while True:
            h = f.readline()
            if h in (b"\r\n", b"\n", b""):
                break
            k, v = h.decode("latin-1").split(":", 1)
            headers[k.strip().lower()] = v.strip()
        body = f.read(int(headers.get("content-length", "0")))
        return {"method": method, "path": path, "headers": headers, "body": body}

    def _serve(self, c, conn):
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        f = c.makefile("rb")
        n = 0
        try:
            while True:
                req = self._read_request(f)
                if req is None:
                    return
                with self.lock:
                    self.requests.append((conn, n, req["method"], req["path"], req["body"]))
                out = self.script(conn, n, req)
                if out is None:
                    return                      # hang up without answering
                c.sendall(out)
                n += 1
        except OSError:
            return
        finally:
            f.close()
            c.close()

    def bodies(self, marker):
        with self.lock:
            return [r for r in self.requests if marker in r[4] or marker in r[3].encode()]

    def close(self):
        """Stop accepting, hang up on every client, and wait for the threads (no
        thread may outlive the test: the sanitizer run counts them as leaks)."""
        for group in ([self.sock], self.sockets):      # the listener first, then clients
            for sock in group:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            self.threads[0].join(10)                   # no connection is added after this
        self.sock.close()
        for t in self.threads[1:]:
            t.join(10)


def drop_second_request(conn, n, req):
    """Answer everything, except the second request on the first connection:
    read it in full, then close without a word (the server 'applied' it)."""
    if conn == 0 and n == 1:
        return None
    return _response()


@pytest.fixture()
def dropper():
    srv = ScriptedServer(drop_second_request)
    yield srv
    srv.close()


# ------------------------------------------------------------------ item 1: never resent

def test_graphql_mutation_is_never_sent_twice(dropper):
    s = _core.Session()
    assert s.graphql(dropper.url + "/graphql", None, "query { warm }") == {"ok": True}
    with pytest.raises(_core.AmbiguousRequestError) as ei:
        s.graphql(dropper.url + "/graphql", None, 'mutation { createUser(name: "M1") }')
    # The body reached the server exactly once (libcurl would have resent it).
    assert len(dropper.bodies(b'"M1')) == 1
    e = ei.value
    assert isinstance(e, _core.ConnectionError) and isinstance(e, _core.TransportError)
    assert isinstance(e, ConnectionError) and isinstance(e, _core.CoreError)
    assert "may have been applied" in str(e) and e.url == dropper.url + "/graphql"
    # The Session is still usable: the next call goes out on a fresh connection.
    assert s.graphql(dropper.url + "/graphql", None, "query { again }") == {"ok": True}


def test_graphql_query_marked_idempotent_is_retried_once(dropper):
    s = _core.Session()
    s.graphql(dropper.url + "/graphql", None, "query { warm }", idempotent=True)
    assert s.graphql(dropper.url + "/graphql", None, 'query { user(id: "Q1") }',
                     idempotent=True) == {"ok": True}
    sent = dropper.bodies(b'"Q1')
    assert len(sent) == 2 and sent[0][0] != sent[1][0]     # again, on a new connection


@pytest.mark.parametrize("method,body", [("POST", b'{"name": "R1"}'), ("PUT", b'{"name": "R1"}'),
                                         ("PATCH", b'{"name": "R1"}'), ("DELETE", None),
                                         ("POST", b"")])
def test_request_not_idempotent_by_default(dropper, method, body):
    s = _core.Session()
    s.request("GET", dropper.url + "/warm")
    path = "/api/v2/users/R1"
    with pytest.raises(_core.AmbiguousRequestError):
        s.request(method, dropper.url + path, None, body)
    # Bodiless requests too: the headers alone are a complete request.
    assert len(dropper.bodies(b"R1")) == 1


def test_request_get_is_retried_once_and_idempotent_can_be_forced(dropper):
    s = _core.Session()
    s.request("GET", dropper.url + "/warm")
    assert s.request("GET", dropper.url + "/G1").status == 200
    assert len(dropper.bodies(b"G1")) == 2
    # An explicit idempotent=False on a GET is honoured ...
    srv = ScriptedServer(drop_second_request)
    try:
        s2 = _core.Session()
        s2.request("GET", srv.url + "/warm")
        with pytest.raises(_core.AmbiguousRequestError):
            s2.request("GET", srv.url + "/G2", idempotent=False)
        assert len(srv.bodies(b"G2")) == 1
    finally:
        srv.close()
    # ... and so is idempotent=True on a PUT.
    srv = ScriptedServer(drop_second_request)
    try:
        s3 = _core.Session()
        s3.request("GET", srv.url + "/warm")
        assert s3.request("PUT", srv.url + "/P1", None, b"x", idempotent=True).status == 200
        assert len(srv.bodies(b"P1")) == 2
    finally:
        srv.close()


def test_idempotent_retry_happens_at_most_once():
    # Every request on a reused connection is swallowed: the retry on the fresh
    # connection is answered, the one before it not.
    def script(conn, n, req):
        return None if n >= 1 else _response()
    srv = ScriptedServer(script)
    try:
        s = _core.Session()
        s.request("GET", srv.url + "/warm")
        assert s.request("GET", srv.url + "/once").status == 200
        assert len(srv.bodies(b"once")) == 2
    finally:
        srv.close()


# ------------------------------------------------------------------ item 4: limits

@pytest.fixture(scope="module")
def gzip_bomb():
    """200 MiB of zeros, gzip-compressed to ~200 KB."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = b"\0" * (1 << 20)
    out = [comp.compress(chunk) for _ in range(200)]
    out.append(comp.flush())
    return b"".join(out)


def _serve_once(answer):
    return ScriptedServer(lambda conn, n, req: answer)


def test_response_size_limit_counts_decompressed_bytes(gzip_bomb):
    assert len(gzip_bomb) < 1 << 20
    srv = _serve_once(_response(gzip_bomb, headers=[b"Content-Encoding: gzip"],
                                ctype=b"application/octet-stream"))
    try:
        s = _core.Session()
        assert s.max_response_bytes == 32 * 1024 * 1024
        with pytest.raises(_core.ResponseTooLargeError) as ei:
            s.request("GET", srv.url + "/bomb")
        e = ei.value
        assert isinstance(e, _core.TransportError) and not isinstance(e, ConnectionError)
        assert "max_response_bytes" in str(e) and "33554432" in str(e)
        with pytest.raises(_core.ResponseTooLargeError):
            s.graphql(srv.url + "/graphql", None, "query { bomb }", idempotent=True)
    finally:
        srv.close()


def test_response_size_limit_is_a_session_option():
    srv = ScriptedServer(lambda conn, n, req: _response(
        b"x" * int(req["path"].rsplit("/", 1)[1]), ctype=b"text/plain"))
    try:
        s = _core.Session(max_response_bytes=1000)
        assert s.max_response_bytes == 1000
        assert len(s.request("GET", srv.url + "/1000").body) == 1000
        with pytest.raises(_core.ResponseTooLargeError, match="1000 bytes"):
            s.request("GET", srv.url + "/1001")
        big = _core.Session(max_response_bytes=50 * 1024 * 1024)
        assert len(big.request("GET", srv.url + "/%d" % (40 * 1024 * 1024)).body) == 40 * 1024 * 1024
    finally:
        srv.close()
    for bad in (0, -1):
        with pytest.raises(_core.ArgumentError):
            _core.Session(max_response_bytes=bad)
    with pytest.raises(TypeError):
        _core.Session(max_response_bytes="1")


# Peak RSS of the child's own address space (VmHWM; ru_maxrss would include
# the parent's size at fork time).
GZIP_CHILD = r"""
import sys
from approw import _core
try:
    _core.Session().request("GET", sys.argv[1])
except _core.ResponseTooLargeError:
    with open("/proc/self/status") as f:
        print([int(l.split()[1]) // 1024 for l in f if l.startswith("VmHWM:")][0])
"""


@pytest.mark.skipif("asan" in os.environ.get("LD_PRELOAD", ""),
                    reason="RSS is meaningless under ASan")
def test_gzip_bomb_memory_stays_bounded(gzip_bomb):
    srv = _serve_once(_response(gzip_bomb, headers=[b"Content-Encoding: gzip"],
                                ctype=b"application/octet-stream"))
    try:
        # -I: the installed package, not this source tree (which has no compiled core)
        out = subprocess.run([sys.executable, "-I", "-c", GZIP_CHILD, srv.url + "/bomb"],
                             capture_output=True, text=True, timeout=120)
    finally:
        srv.close()
    assert out.returncode == 0, out.stderr
    peak_mb = int(out.stdout)
    assert peak_mb < 150, peak_mb           # 32 MiB of body at most, not 200 MiB


@pytest.mark.parametrize("lines", [
    [b"X-Big: " + b"a" * (70 * 1024)],                            # one long line
    [b"X-H%d: %s" % (i, b"b" * 1000) for i in range(80)],         # many lines
])
def test_header_block_limit(lines):
    srv = _serve_once(_response(headers=lines))
    try:
        s = _core.Session()
        assert s.max_header_bytes == 64 * 1024
        with pytest.raises(_core.ResponseTooLargeError, match="max_header_bytes"):
            s.request("GET", srv.url + "/h")
        with pytest.raises(_core.ResponseTooLargeError):
            s.graphql(srv.url + "/graphql", None, "query { h }")
        roomy = _core.Session(max_header_bytes=1 << 20)
        r = roomy.request("GET", srv.url + "/h")
        assert r.status == 200 and sum(len(v) for v in r.headers.values()) > 64 * 1000
    finally:
        srv.close()


def test_header_line_over_libcurls_limit_has_a_clear_message():
    # libcurl refuses a single header line over 100 KiB and calls it "Out of memory".
    srv = _serve_once(_response(headers=[b"X-Huge: " + b"a" * (1 << 20)]))
    try:
        for s in (_core.Session(), _core.Session(max_header_bytes=8 << 20)):
            with pytest.raises(_core.ResponseTooLargeError) as ei:
                s.request("GET", srv.url + "/h")
            assert "header" in str(ei.value) and "memory" not in str(ei.value).lower()
    finally:
        srv.close()


# ------------------------------------------------------------------ item 3: argument errors

def test_argument_errors_are_core_errors():
    s = _core.Session()
    url = "http://127.0.0.1:9/"
    cases = [
        lambda: s.request("GET", url, {"Authorization": "Bearer SECRET\r\nX-Injected: 1"}),
        lambda: s.request("GET", url, [("x-approw-lang", "en\nX: y")]),
        lambda: s.request("GET", url, {"Bad Name": "v"}),
        lambda: s.graphql(url, {"Authorization": "Bearer SECRET\n"}, "query { a }"),
        lambda: s.request("GET", url + "\x00"),
        lambda: s.request("get", url),
        lambda: s.request("GET", url, timeout_ms=-5),
        lambda: s.graphql(url, None, "query\x00 { a }"),
        lambda: _core.Session(user_agent="sdk\r\nX: y"),
        lambda: _core.Session(max_idle=-1),
        lambda: _core.Session(ca_file="/nonexistent/ca.pem"),
    ]
    for case in cases:
        with pytest.raises(_core.ArgumentError) as ei:
            case()
        e = ei.value
        assert isinstance(e, _core.CoreError) and isinstance(e, ValueError)
        assert "SECRET" not in str(e)
    with pytest.raises(_core.ArgumentError, match="ca_file.*No such file"):
        _core.Session(ca_file="/nonexistent/ca.pem")



def test_session_init_runs_once_and_a_failed_init_leaves_nothing(tmp_path):
    """__init__ twice is refused; one that fails half-way (after the CA file's path was
    kept) frees what it kept, so calling it again starts afresh (ASan's leak check runs
    this too)."""
    s = _core.Session()
    with pytest.raises(RuntimeError, match="already initialised"):
        s.__init__()
    s.close()
    t = _core.Session.__new__(_core.Session)
    with pytest.raises(RuntimeError, match="__init__ was not called"):
        t.request("GET", "http://127.0.0.1:9/")
    ca = tmp_path / "ca.pem"
    ca.write_text("not used: the init fails before any transfer\n")
    for _ in range(3):
        with pytest.raises(_core.ArgumentError, match="user_agent"):
            t.__init__(ca_file=str(ca), user_agent="sdk\r\nX: y")
    t.__init__(verify=False)
    assert t.ca_file is None
    t.close()

# ------------------------------------------------------------------ item 2 support: Retry-After

def test_retry_after_and_status_on_errors():
    def script(conn, n, req):
        if "busy" in req["path"]:
            return _response(b"<html>slow down</html>", 429, [b"Retry-After: 7"], b"text/html")
        return _response(b'{"errors":[{"message":{"code":1000,"message":"busy"}}]}', 503,
                         [b"retry-after:  Wed, 21 Oct 2026 07:28:00 GMT "])
    srv = ScriptedServer(script)
    try:
        s = _core.Session()
        with pytest.raises(_core.HTTPError) as ei:
            s.graphql(srv.url + "/busy", None, "query { a }")
        assert ei.value.status == 429 and ei.value.retry_after == "7"
        with pytest.raises(_core.GraphQLError) as ei:
            s.graphql(srv.url + "/graphql", None, "query { a }")
        e = ei.value
        assert e.status == 503 and e.retry_after == "Wed, 21 Oct 2026 07:28:00 GMT"
        assert e.errors == [(1000, "busy", None)]
        r = s.request("GET", srv.url + "/busy")
        assert r.status == 429 and r.headers["retry-after"] == "7"
    finally:
        srv.close()
    srv = _serve_once(_response(b"<x/>", 502, ctype=b"text/html"))
    try:
        with pytest.raises(_core.HTTPError) as ei:
            _core.Session().graphql(srv.url + "/graphql", None, "query { a }")
        assert ei.value.status == 502 and ei.value.retry_after is None
    finally:
        srv.close()


def test_int_over_digit_limit_in_an_answer_is_a_core_error():
    if not hasattr(sys, "get_int_max_str_digits"):
        pytest.skip("no int max str digits limit")
    body = b'{"data":{"n":' + b"9" * (sys.get_int_max_str_digits() + 1) + b"}}"
    srv = _serve_once(_response(body))
    try:
        with pytest.raises(_core.HTTPError) as ei:
            _core.Session().graphql(srv.url + "/graphql", None, "query { n }")
        assert "not JSON" in str(ei.value) and "limit" in str(ei.value)
    finally:
        srv.close()


# ------------------------------------------------------------------ item 5: waiting threads

def _voluntary_switches(tid):
    with open("/proc/self/task/%d/status" % tid) as f:
        for line in f:
            if line.startswith("voluntary_ctxt_switches"):
                return int(line.split()[1])
    raise AssertionError("no voluntary_ctxt_switches")


def test_only_the_main_thread_wakes_up_for_signals(http_server):
    """A request waiting on another thread sleeps until libcurl has work (it
    cannot receive signals, so it never takes the GIL to check for them); the
    main thread still wakes every 50 ms to run signal handlers."""
    url = http_server.url + "/slow?ms=1500"
    counts = {}

    def measure(key):
        s = _core.Session()
        s.request("GET", http_server.url + "/echo")          # connection made before
        tid = threading.get_native_id()
        before = _voluntary_switches(tid)
        s.request("GET", url)
        counts[key] = _voluntary_switches(tid) - before

    t = threading.Thread(target=measure, args=("worker",))
    t.start()
    t.join()
    measure("main")
    assert counts["worker"] <= 10, counts      # was ~30: a wake-up every 50 ms
    assert counts["main"] >= 10, counts


# ------------------------------------------------------------------ item 11: import

IMPORT_CHILD = r"""
import sys
def curl_mapped():
    with open("/proc/self/maps") as f:
        return any("libcurl" in line for line in f)
import approw._core as core
print(curl_mapped(), "approw._transport" in sys.modules)
s = core.Session()
print(curl_mapped(), "approw._transport" in sys.modules, type(s) is core.Session,
      core.Session.__module__, core.CURL_VERSION.count(".") >= 1)
"""


def test_importing_the_core_does_not_load_libcurl():
    """libcurl (and its ~30 dependent libraries) load on first use of Session."""
    out = subprocess.run([sys.executable, "-I", "-c", IMPORT_CHILD], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    before, after = out.stdout.splitlines()
    assert before == "False False"
    assert after == "True True True approw._core True"
    # the exception classes are _core's own, whichever module raises them
    from approw import _transport
    assert _transport.Session is _core.Session
