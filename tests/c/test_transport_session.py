"""approw._core.Session against real local servers (plain HTTP and TLS)."""

import json
import os
import signal
import ssl
import subprocess
import sys
import threading
import time

import pytest

from approw import _core


def echo(resp):
    assert resp.status == 200, resp
    return json.loads(resp.body)


def header(echoed, name):
    for k, v in echoed["headers"]:
        if k.lower() == name.lower():
            return v
    return None


# ------------------------------------------------------------------ basics


def test_methods_headers_and_bodies(http_server):
    s = _core.Session()
    r = s.request("GET", http_server.url + "/echo?x=1", {"X-One": "1"})
    e = echo(r)
    assert e["method"] == "GET" and e["path"] == "/echo?x=1" and e["body"] == ""
    assert header(e, "X-One") == "1"
    assert r.headers["content-type"] == "application/json"
    status, headers, body = r                     # a Response is also a tuple
    assert status == 200 and body == r.body

    for method in ("POST", "PUT", "PATCH", "DELETE"):
        e = echo(s.request(method, http_server.url + "/echo",
                           [("Content-Type", "text/plain")], "héllo"))
        assert e["method"] == method and e["body"] == "héllo"
        assert header(e, "Content-Type") == "text/plain"
        assert header(e, "Expect") is None
    e = echo(s.request("DELETE", http_server.url + "/echo"))
    assert e["method"] == "DELETE" and e["body"] == ""
    e = echo(s.request("POST", http_server.url + "/echo", None, bytearray(b"\x00\x01")))
    assert e["body"] == "\x00\x01"
    e = echo(s.request("POST", http_server.url + "/echo", None, b""))
    assert e["method"] == "POST" and header(e, "Content-Length") == "0"
    r = s.request("HEAD", http_server.url + "/echo")
    assert r.status == 200 and r.body == b""


def test_empty_and_absent_header_values(http_server):
    s = _core.Session()
    e = echo(s.request("GET", http_server.url + "/echo",
                       {"X-Lang": "", "X-Absent": None, "X-Set": "v"}))
    assert header(e, "X-Lang") == ""              # sent, empty
    assert header(e, "X-Absent") is None          # None = not sent
    assert header(e, "X-Set") == "v"


def _libcurl_encodings():
    """What CURLOPT_ACCEPT_ENCODING "" advertises for the libcurl the transport loaded (a
    wheel bundles its own), from libcurl's feature bits, read here through ctypes."""
    import ctypes
    import ctypes.util

    import approw._transport  # noqa: F401  (loads libcurl)

    path = None
    if os.path.exists("/proc/self/maps"):
        with open("/proc/self/maps") as maps:
            found = [ln.split()[-1] for ln in maps if "libcurl" in ln and "/" in ln]
        path = found[0] if found else None

    class Info(ctypes.Structure):          # curl_version_info_data, up to `features`
        _fields_ = [("age", ctypes.c_int), ("version", ctypes.c_char_p),
                    ("version_num", ctypes.c_uint), ("host", ctypes.c_char_p),
                    ("features", ctypes.c_int)]

    lib = ctypes.CDLL(path or ctypes.util.find_library("curl") or "libcurl.so.4")
    lib.curl_version_info.restype = ctypes.POINTER(Info)
    features = lib.curl_version_info(0).contents.features    # (`features` is in every layout)
    names = (["deflate", "gzip"] if features & (1 << 3) else []) + \
        (["br"] if features & (1 << 23) else []) + (["zstd"] if features & (1 << 26) else [])
    return ", ".join(names) or None


def test_user_agent_and_accept_encoding(http_server):
    """Every request names the SDK and the encodings libcurl can decode, unless the caller
    sends its own; graphql()'s kept header lists carry each session's own agent."""
    default, custom, none = _core.Session(), _core.Session(user_agent="app/2"), \
        _core.Session(user_agent="")
    e = echo(default.request("GET", http_server.url + "/echo"))
    assert header(e, "User-Agent") == "approw-py-sdk"
    encodings = header(e, "Accept-Encoding")
    assert encodings == _libcurl_encodings(), encodings
    assert header(echo(custom.request("GET", http_server.url + "/echo")), "User-Agent") == "app/2"
    assert header(echo(none.request("GET", http_server.url + "/echo")), "User-Agent") is None
    mine = echo(default.request("GET", http_server.url + "/echo",
                                {"user-agent": "mine/1", "ACCEPT-ENCODING": "identity"}))
    assert header(mine, "User-Agent") == "mine/1" and header(mine, "Accept-Encoding") == "identity"
    assert [k.lower() for k, _ in mine["headers"]].count("user-agent") == 1

    url = http_server.url + "/graphql"
    fixed = (("x-a", "1"),)
    for _ in range(2):        # the second round finds the lists kept by the first
        for session, agent in ((default, "approw-py-sdk"), (custom, "app/2"), (none, None)):
            got = dict(session.graphql(url, fixed, "{ ping }", {"mode": "headers"})["headers"])
            assert got.get("User-Agent") == agent
            assert got.get("Accept-Encoding") == encodings
            assert got["x-a"] == "1" and got["Content-Type"] == "application/json"


def test_compressed_answers_are_decoded(http_server):
    """A gzip answer (Content-Encoding) is decoded before the caller sees it."""
    import gzip
    import socket

    if _libcurl_encodings() is None:
        pytest.skip("this libcurl decodes no content encoding")
    body = json.dumps({"data": {"ok": "x" * 1000}}).encode()
    packed = gzip.compress(body)
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)

    def serve():
        conn, _ = srv.accept()
        with conn:
            seen = b""
            while b"\r\n\r\n" not in seen:
                seen += conn.recv(65536)
            head, _, rest = seen.partition(b"\r\n\r\n")
            length = int([v for k, v in (ln.split(b":", 1) for ln in head.split(b"\r\n")[1:])
                          if k.lower() == b"content-length"][0])
            while len(rest) < length:
                rest += conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                         b"Content-Encoding: gzip\r\nContent-Length: %d\r\n\r\n" % len(packed)
                         + packed)

    t = threading.Thread(target=serve)
    t.start()
    try:
        got = _core.Session().graphql("http://127.0.0.1:%d/graphql" % srv.getsockname()[1],
                                      (), "{ ok }")
    finally:
        t.join(10)
        srv.close()
    assert got == {"ok": "x" * 1000}


def test_response_headers_lower_case(http_server):
    r = _core.Session().request("GET", http_server.url + "/headers")
    assert r.headers["x-request-id"] == "rid-42"
    assert r.headers["content-type"] == "application/json; charset=utf-8"
    assert r.headers["x-empty"] == ""


def test_large_body(http_server):
    r = _core.Session().request("GET", http_server.url + "/big?n=5000000")
    assert len(r.body) == 5_000_000 and r.body[:3] == b"xxx"


def test_bad_arguments(http_server):
    s = _core.Session()
    with pytest.raises(ValueError, match="upper-case"):
        s.request("get", http_server.url)
    with pytest.raises(TypeError):
        s.request("GET", b"http://x")
    with pytest.raises(ValueError, match="NUL"):
        s.request("GET", http_server.url + "/\x00")
    with pytest.raises(ValueError) as ei:
        s.request("GET", http_server.url, {"Authorization": "Bearer SECRET\r\nX: y"})
    assert "SECRET" not in str(ei.value) and "Authorization" in str(ei.value)
    with pytest.raises(ValueError, match="invalid header name"):
        s.request("GET", http_server.url, {"Bad Name": "x"})
    with pytest.raises(TypeError):
        s.request("GET", http_server.url, {"X": 1})
    with pytest.raises(TypeError):
        s.request("GET", http_server.url, [("X",)])
    with pytest.raises(TypeError):
        s.request("POST", http_server.url, None, 12)
    with pytest.raises(ValueError):
        s.request("GET", http_server.url, timeout_ms=-1)
    with pytest.raises(TypeError):
        s.request("GET", http_server.url, timeout_ms=1.5)
    with pytest.raises(TypeError):
        s.request("GET")
    with pytest.raises(TypeError):
        s.request("GET", http_server.url, nope=1)
    with pytest.raises(_core.TransportError):
        s.request("GET", "ftp://127.0.0.1/")            # only http and https
    with pytest.raises(ValueError):
        _core.Session(max_idle=-1)
    with pytest.raises(_core.ArgumentError):
        _core.Session(ca_file="/nonexistent/ca.pem")
    with pytest.raises(TypeError):
        _core.Session(10)                                # keyword-only


def test_closed_session(http_server):
    with _core.Session() as s:
        s.request("GET", http_server.url + "/echo")
        assert s.idle_connections == 1
    assert s.closed and s.idle_connections == 0
    with pytest.raises(ValueError, match="closed"):
        s.request("GET", http_server.url + "/echo")


# ------------------------------------------------------------------ keep-alive, threads, GIL


def test_keep_alive_one_connection_for_100_calls(http_server):
    s = _core.Session()
    before = http_server.connections()
    for i in range(100):
        assert echo(s.request("POST", http_server.url + "/echo", None, str(i)))["body"] == str(i)
    assert http_server.connections() - before == 1


def test_threads_share_one_session(http_server):
    s = _core.Session(max_idle=8)
    before = http_server.connections()
    errors = []

    def worker(t):
        try:
            for i in range(200):
                rid = f"{t}-{i}"
                e = echo(s.request("POST", http_server.url + "/echo", {"X-Rid": rid}, rid))
                if e["body"] != rid or header(e, "X-Rid") != rid:
                    errors.append((rid, e["body"]))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    # Connections are pooled: at most one per concurrently running thread.
    assert 1 <= http_server.connections() - before <= 8
    assert s.idle_connections <= 8


def test_gil_released_while_waiting(http_server):
    s = _core.Session()
    count = [0]
    stop = threading.Event()

    def spin():
        while not stop.is_set():
            count[0] += 1

    t = threading.Thread(target=spin)
    t.start()
    try:
        time.sleep(0.05)
        c0 = count[0]
        s.request("GET", http_server.url + "/slow?ms=600")
        c1 = count[0]
    finally:
        stop.set()
        t.join()
    # Holding the GIL for 600 ms would freeze the counter; released, it runs freely.
    assert c1 - c0 > 100_000


def test_graphql_large_variables_and_answers(http_server):
    # A big variables dict is echoed back.
    s = _core.Session()
    big = {"mode": "ok", "items": [{"i": i, "s": "x" * 20} for i in range(2000)]}
    data = s.graphql(http_server.url + "/graphql", None, "query q { x }", big)
    assert data["echo"]["variables"] == big


# ------------------------------------------------------------------ failures


def test_timeout(http_server):
    s = _core.Session(timeout_ms=300)
    t0 = time.monotonic()
    with pytest.raises(_core.TimeoutError) as ei:
        s.request("GET", http_server.url + "/slow?ms=30000")
    assert time.monotonic() - t0 < 10.0     # not waiting for the answer (30 s away)
    assert isinstance(ei.value, TimeoutError) and isinstance(ei.value, _core.TransportError)
    assert ei.value.curl_code == 28 and ei.value.url == http_server.url + "/slow?..."
    # per-request override, in both directions
    with pytest.raises(TimeoutError):
        _core.Session().request("GET", http_server.url + "/slow?ms=3000", timeout_ms=200)
    assert s.request("GET", http_server.url + "/slow?ms=500", timeout_ms=5000).status == 200


def test_connection_refused(free_port):
    s = _core.Session()
    with pytest.raises(_core.ConnectionError) as ei:
        s.request("GET", f"http://user:pw@127.0.0.1:{free_port}/x?token=SECRET",
                  {"Authorization": "Bearer SECRET"})
    msg = str(ei.value)
    assert isinstance(ei.value, ConnectionError)
    assert f"http://127.0.0.1:{free_port}/x" in msg
    assert "SECRET" not in msg and "pw" not in msg and "user" not in msg
    assert ei.value.curl_code == 7


def test_dns_failure():
    with pytest.raises(_core.ConnectionError) as ei:
        _core.Session(timeout_ms=5000).request("GET", "http://no-such-host.invalid/")
    assert ei.value.curl_code == 6


@pytest.mark.parametrize("path", ["/reset", "/partial"])
def test_connection_broken_mid_response(http_server, path):
    with pytest.raises(_core.ConnectionError):
        _core.Session().request("GET", http_server.url + path)


def test_body_within_the_limit(http_server):
    # Under the default 32 MiB cap (the cap itself: test_transport_hardening.py).
    r = _core.Session().request("GET", http_server.url + "/big?n=20000000")
    assert len(r.body) == 20_000_000


# ------------------------------------------------------------------ TLS


def test_tls_verification_on_by_default(tls_server):
    with pytest.raises(_core.TLSError) as ei:
        _core.Session().request("GET", tls_server.url + "/echo",
                                {"Authorization": "Bearer SECRET"})
    assert isinstance(ei.value, ConnectionError)
    assert "SECRET" not in str(ei.value) and tls_server.url in str(ei.value)


def test_tls_with_ca_file_and_without_verification(tls_server, tls_files):
    s = _core.Session(ca_file=tls_files[0])
    assert s.verify
    assert echo(s.request("GET", tls_server.url + "/echo"))["method"] == "GET"
    s2 = _core.Session(verify=False)
    assert not s2.verify
    assert echo(s2.request("GET", tls_server.url + "/echo"))["method"] == "GET"


def test_tls_keep_alive(tls_server, tls_files):
    ctx = ssl.create_default_context(cafile=tls_files[0])
    s = _core.Session(ca_file=tls_files[0])
    before = tls_server.connections(ctx)
    for _ in range(20):
        s.request("GET", tls_server.url + "/echo")
    assert tls_server.connections(ctx) - before == 1


# ------------------------------------------------------------------ proxies


def test_proxy_from_environment(http_server, monkeypatch):
    monkeypatch.setenv("http_proxy", http_server.url)
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    e = echo(_core.Session().request("GET", "http://service.invalid/echo"))
    assert e["path"] == "http://service.invalid/echo"      # absolute-form: via the proxy
    monkeypatch.setenv("no_proxy", "service.invalid")
    with pytest.raises(_core.ConnectionError):
        _core.Session().request("GET", "http://service.invalid/echo")


# ------------------------------------------------------------------ graphql


def test_graphql_ok_and_body_shape(http_server):
    s = _core.Session()
    data = s.graphql(http_server.url + "/graphql", {"Authorization": "Bearer t"},
                     'query q($a: Int) { f(a: $a) }  # "quoted" \\ \u00e9',
                     {"mode": "ok", "a": 1})
    echoed = data["echo"]
    assert echoed["query"] == 'query q($a: Int) { f(a: $a) }  # "quoted" \\ \u00e9'
    assert echoed["variables"] == {"mode": "ok", "a": 1}
    assert echoed["authorization"] == "Bearer t"
    assert echoed["content_type"] == "application/json"
    # empty or absent variables are omitted from the body (as the reference does)
    for v in (None, {}):
        data = s.graphql(http_server.url + "/graphql", None, "query { x }", v)
        assert data["echo"]["has_variables"] is False
    # a caller-provided content type wins
    data = s.graphql(http_server.url + "/graphql", [("content-type", "application/json")],
                     "query { x }", {"mode": "ok"})
    assert data["echo"]["content_type"] == "application/json"


def test_graphql_body_keeps_nuls_and_exact_numbers(http_server):
    variables = {"mode": "ok", "s": "a\x00b", "k\x00": [2 ** 64, 0.5, -0.0, "\U0001f600"]}
    data = _core.Session().graphql(http_server.url + "/graphql", None, "query { a }", variables)
    assert data["echo"]["variables"] == variables


def test_graphql_error_envelope(http_server):
    s = _core.Session()
    url = http_server.url + "/graphql"
    with pytest.raises(_core.GraphQLError) as ei:
        s.graphql(url, None, "query { user { id } }", {"mode": "err_obj"})
    e = ei.value
    assert e.errors == [(2004, "User does not exist", None)]
    assert e.status == 200 and e.data == {"user": None}
    assert "2004" in str(e) and "User does not exist" in str(e)

    with pytest.raises(_core.GraphQLError) as ei:
        s.graphql(url, None, "query { x }", {"mode": "err_many"})
    assert ei.value.errors == [(2006, "Incorrect password", None),
                               (1635, "MFA", {"mfaToken": "t"})]

    with pytest.raises(_core.GraphQLError) as ei:
        s.graphql(url, None, "query { x }", {"mode": "err_str"})
    assert ei.value.errors == [(2231, "Cannot query field 'x'", None), (500, "plain", None)]


@pytest.mark.parametrize("mode,fragment", [("not_json", "HTTP 502"), ("no_data", "neither"),
                                           ("array", "not a JSON object")])
def test_graphql_not_an_envelope(http_server, mode, fragment):
    with pytest.raises(_core.HTTPError) as ei:
        _core.Session().graphql(http_server.url + "/graphql", None, "query { x }",
                                {"mode": mode})
    assert fragment in str(ei.value)
    if mode == "not_json":
        assert ei.value.status == 502 and ei.value.body == b"<html>bad gateway</html>"


def test_graphql_data_null(http_server):
    assert _core.Session().graphql(http_server.url + "/graphql", None, "query { x }",
                                   {"mode": "data_null"}) is None


def test_graphql_bad_arguments(http_server):
    s = _core.Session()
    with pytest.raises(TypeError):
        s.graphql(http_server.url + "/graphql", None, "query { x }", [1])
    with pytest.raises(TypeError):
        s.graphql(http_server.url + "/graphql", None, b"query { x }")
    with pytest.raises(ValueError):
        s.graphql(http_server.url + "/graphql", None, "query {\x00}")
    with pytest.raises(TypeError):
        s.graphql(http_server.url + "/graphql", None, "query { x }", {"v": object()})


# ------------------------------------------------------------------ signals and fork

# (signal.signal first: a CPython started with SIGINT ignored -- a background job of a
# non-interactive shell, say -- keeps ignoring it; the test needs Python's usual handler)
SIGINT_CHILD = r"""
import signal, sys, time
signal.signal(signal.SIGINT, signal.default_int_handler)
from approw import _core
s = _core.Session()
print("ready", flush=True)
try:
    s.request("GET", sys.argv[1] + "/slow?ms=10000")
    print("finished", flush=True)
except KeyboardInterrupt:
    print("interrupted", time.monotonic(), flush=True)
"""


def test_ctrl_c_interrupts_a_request(http_server, tmp_path):
    # cwd: outside the source tree, so that the installed package is imported
    proc = subprocess.Popen([sys.executable, "-c", SIGINT_CHILD, http_server.url],
                            stdout=subprocess.PIPE, text=True, cwd=tmp_path)
    try:
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(0.3)                       # the request is now waiting on the server
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out = proc.stdout.readline().split()
        assert out and out[0] == "interrupted"
        assert float(out[1]) - sent < 0.5     # well under a second
        assert proc.wait(timeout=10) == 0
    finally:
        proc.kill()
        proc.wait()


def _socket_inodes():
    inodes = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:"):
            inodes.add(target)
    return inodes


@pytest.mark.parametrize("kind", ["http", "tls"])
def test_fork_child_gets_fresh_connections(kind, http_server, tls_server, tls_files):
    server = http_server if kind == "http" else tls_server
    ctx = ssl.create_default_context(cafile=tls_files[0]) if kind == "tls" else None
    s = _core.Session(ca_file=tls_files[0])
    base = server.connections(ctx)
    sockets_before = _socket_inodes()
    assert s.request("GET", server.url + "/echo").status == 200
    # the connection, plus the multi handle's internal wake-up socket pair
    parent_sockets = _socket_inodes() - sockets_before
    assert parent_sockets

    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:                              # child
        os.close(r)
        code = 1
        try:
            ok = s.request("GET", server.url + "/echo").status == 200
            ok = ok and s.request("GET", server.url + "/echo").status == 200
            shared = _socket_inodes() & parent_sockets
            os.write(w, json.dumps({"ok": ok, "shared": sorted(shared)}).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(w)
    with os.fdopen(r) as f:
        report = json.loads(f.read())
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert report == {"ok": True, "shared": []}
    assert server.connections(ctx) - base == 2     # the parent's and the child's
    # The parent's connection survived the child: still one connection each.
    for _ in range(3):
        assert s.request("GET", server.url + "/echo").status == 200
    assert server.connections(ctx) - base == 2


def test_session_unused_in_child_is_freed_safely(http_server):
    s = _core.Session()
    s.request("GET", http_server.url + "/echo")
    pid = os.fork()
    if pid == 0:
        try:
            del s                              # dealloc in the child: detach, free
            import gc
            gc.collect()
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    before = http_server.connections()
    assert s.request("GET", http_server.url + "/echo").status == 200
    assert http_server.connections() == before     # parent kept its connection


def test_graphql_header_lists_are_kept_per_tuple(http_server):
    """graphql() prepares the header list of a headers tuple once and reuses it; lists, dicts,
    other tuples and tuples that cannot be hashed are sent as given; bad values are refused
    every time (a refused tuple is never kept)."""
    s = _core.Session()
    url = http_server.url + "/graphql"
    fixed = (("x-a", "1"), ("authorization", "Bearer t"))
    cases = [(fixed, "Bearer t", "application/json"), (fixed, "Bearer t", "application/json"),
             (tuple(list(fixed)), "Bearer t", "application/json"),
             ([("authorization", "Bearer l")], "Bearer l", "application/json"),
             ({"authorization": "Bearer d"}, "Bearer d", "application/json"),
             (None, None, "application/json"),
             ((("authorization", "Bearer u"), ("content-type", "application/json; x=1")),
              "Bearer u", "application/json; x=1")]
    for _ in range(2):
        for headers, auth, ctype in cases:
            echo = s.graphql(url, headers, "{ ping }")["echo"]
            assert (echo["authorization"], echo["content_type"]) == (auth, ctype)
    with pytest.raises(TypeError):
        s.graphql(url, (["x-a", "1"],), "{ ping }")          # unhashable: not kept, refused
    for _ in range(2):
        with pytest.raises(_core.ArgumentError):
            s.graphql(url, (("x-a", "1\r\nInjected: yes"),), "{ ping }")
