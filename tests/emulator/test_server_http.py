"""The HTTP layer: keep-alive, framing, limits, bad requests, routing, concurrency."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from typing import Dict, Tuple
from urllib.parse import quote, urlsplit

import pytest

pytest.importorskip("graphql")

from approw.emulator.app import Emulator  # noqa: E402
from approw.emulator.config import EmulatorConfig  # noqa: E402

WELL_KNOWN = "/api/v2/.well-known"


def address(url: str) -> Tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname, parts.port  # type: ignore[return-value]


class Raw:
    """A socket speaking HTTP by hand, to send what well-behaved clients never send."""

    def __init__(self, url: str) -> None:
        self.sock = socket.create_connection(address(url), timeout=10)
        self.buf = b""

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def _fill(self) -> bool:
        chunk = self.sock.recv(65536)
        self.buf += chunk
        return bool(chunk)

    def head(self) -> bytes:
        """Bytes up to the next blank line (a response head)."""
        while b"\r\n\r\n" not in self.buf:
            if not self._fill():
                raise ConnectionError("closed before a response")
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        return head

    def response(self) -> Tuple[int, Dict[str, str], bytes]:
        head = self.head()
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
        length = int(headers["content-length"])
        while len(self.buf) < length:
            if not self._fill():
                raise ConnectionError("closed inside a body")
        body, self.buf = self.buf[:length], self.buf[length:]
        return status, headers, body

    def closed_by_server(self) -> bool:
        try:
            return self.sock.recv(1) == b""
        except (ConnectionResetError, socket.timeout):
            return False

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def raw(approw_emulator):
    r = Raw(approw_emulator.url)
    yield r
    r.close()


@pytest.fixture(scope="module")
def small():
    """An emulator with tight limits: 1 KiB bodies, 0.5 s idle timeout."""
    with Emulator(EmulatorConfig(hash_iterations=1000, max_body=1024, idle_timeout=0.5)) as emu:
        yield emu


def post_graphql(raw: Raw, body: bytes, extra: str = "") -> Tuple[int, Dict[str, str], dict]:
    raw.send(b"POST /graphql/v2 HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n%s"
             b"Content-Length: %d\r\n\r\n%s" % (extra.encode(), len(body), body))
    status, headers, payload = raw.response()
    return status, headers, json.loads(payload)


def error_code(body: dict) -> int:
    return body["errors"][0]["message"]["code"]


def test_keep_alive_serves_many_requests_on_one_connection(approw_emulator):
    conn = http.client.HTTPConnection(*address(approw_emulator.url), timeout=10)
    try:
        sockets = set()
        for i in range(30):
            if i % 2:
                conn.request("GET", WELL_KNOWN)
            else:
                conn.request("POST", "/graphql/v2", json.dumps({"query": "{ __typename }"}),
                             {"Content-Type": "application/json"})
            response = conn.getresponse()
            body = response.read()
            assert response.status == 200
            assert int(response.getheader("Content-Length")) == len(body)
            assert response.getheader("Connection") is None and not response.will_close
            json.loads(body)
            sockets.add(id(conn.sock))
        assert len(sockets) == 1
    finally:
        conn.close()


def test_pipelined_requests_are_answered_in_order(raw):
    raw.send((b"GET %s HTTP/1.1\r\nHost: x\r\n\r\n" % WELL_KNOWN.encode()) * 2
             + b"GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n")
    assert [raw.response()[0] for _ in range(3)] == [200, 200, 404]


def test_http_1_0_without_keep_alive_is_closed_after_the_response(raw):
    raw.send(b"GET %s HTTP/1.0\r\n\r\n" % WELL_KNOWN.encode())
    status, headers, _ = raw.response()
    assert status == 200 and headers.get("connection") == "close"
    assert raw.closed_by_server()


def test_connection_close_request_header_is_honoured(raw):
    raw.send(b"GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" % WELL_KNOWN.encode())
    assert raw.response()[1]["connection"] == "close"
    assert raw.closed_by_server()


@pytest.mark.parametrize(
    "body, fragment",
    [
        (b"{not json", "not valid JSON"),
        (b"\xff\xfe\x00", "not UTF-8"),
        (b"", "body is empty"),
        (b"[1, 2]", "Batched GraphQL requests are not supported"),
        (b"42", "must be a JSON object"),
        (b'{"variables": {}}', "Must provide a GraphQL query string"),
        (b'{"query": 5}', "Must provide a GraphQL query string"),
        (b'{"query": "{ __typename }", "variables": [1]}', "'variables' must be a JSON object"),
        (b'{"query": "{ __typename }", "variables": "{bad"}', "'variables' is not valid JSON text"),
        (b'{"query": "{ __typename }", "operationName": 3}', "'operationName' must be a string"),
    ],
)
def test_bad_graphql_bodies_get_code_2231_with_http_200(raw, body, fragment):
    status, headers, payload = post_graphql(raw, body)
    assert status == 200 and headers["content-type"].startswith("application/json")
    assert payload["data"] is None and error_code(payload) == 2231
    assert fragment in payload["errors"][0]["message"]["message"]
    status, _, _ = post_graphql(raw, b'{"query": "{ __typename }"}')  # the connection is still usable
    assert status == 200


def test_variables_given_as_json_text_are_accepted(raw):
    query = "query($p: String!, $s: String!) { accessToken(userPoolId: $p, secret: $s) { exp } }"
    _, _, payload = post_graphql(raw, json.dumps({"query": query, "variables": json.dumps({"p": "x", "s": "y"})}).encode())
    assert error_code(payload) == 2224  # reached the resolver: the variables were decoded


def test_bad_rest_body_gets_the_rest_envelope(raw, approw_emulator):
    token = approw_emulator.management_token()
    raw.send(b"POST /api/v2/users/batch HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
             b"Content-Length: 5\r\n\r\n{oops" % token.encode())
    status, _, body = raw.response()
    assert status == 200
    payload = json.loads(body)
    assert payload["code"] == 2231 and "not valid JSON" in payload["message"]


def test_unknown_path_is_a_404_json_body(raw):
    raw.send(b"GET /api/v2/nothing-here HTTP/1.1\r\nHost: x\r\n\r\n")
    status, headers, body = raw.response()
    assert status == 404 and headers["content-type"].startswith("application/json")
    assert json.loads(body) == {"code": 404, "message": "No endpoint at GET /api/v2/nothing-here"}


def test_wrong_method_is_a_405_naming_the_allowed_ones(raw):
    raw.send(b"DELETE %s HTTP/1.1\r\nHost: x\r\n\r\n" % WELL_KNOWN.encode())
    status, _, body = raw.response()
    assert status == 405 and "allowed: GET" in json.loads(body)["message"]
    raw.send(b"PUT /graphql/v2 HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}")
    status, _, body = raw.response()
    assert status == 405 and error_code(json.loads(body)) == 405  # GraphQL path: GraphQL envelope


def test_garbage_request_line_is_a_400_json_body(raw):
    raw.send(b"this is not http\r\n\r\n")
    status, headers, body = raw.response()
    assert status == 400 and headers["connection"] == "close"
    assert json.loads(body)["code"] == 400


def test_unknown_method_is_a_501_json_body(raw):
    raw.send(b"BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n")
    status, _, body = raw.response()
    assert status == 501 and json.loads(body)["code"] == 501


@pytest.mark.parametrize("length", [b"abc", b"-5", b"1e3"])
def test_invalid_content_length_is_a_400_and_closes(raw, length):
    raw.send(b"POST /graphql/v2 HTTP/1.1\r\nHost: x\r\nContent-Length: %s\r\n\r\n{}" % length)
    status, headers, body = raw.response()
    assert status == 400 and headers["connection"] == "close"
    assert "Content-Length" in error_body_message(body)
    assert raw.closed_by_server()


def error_body_message(body: bytes) -> str:
    payload = json.loads(body)
    return payload["errors"][0]["message"]["message"] if "errors" in payload else payload["message"]


def test_oversized_body_is_a_413_and_closes_without_reading_it(small):
    r = Raw(small.url)
    try:
        r.send(b"POST /graphql/v2 HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" + b"x" * 100)
        status, headers, body = r.response()
        assert status == 413 and headers["connection"] == "close"
        assert "exceeds the limit of 1024 bytes" in error_body_message(body)
        assert r.closed_by_server()
    finally:
        r.close()


def test_oversized_body_is_refused_before_100_continue(small):
    r = Raw(small.url)
    try:
        r.send(b"POST /api/v2/users/batch HTTP/1.1\r\nHost: x\r\nContent-Length: 4096\r\nExpect: 100-continue\r\n\r\n")
        status, _, body = r.response()
        assert status == 413 and json.loads(body)["code"] == 413
    finally:
        r.close()


def test_100_continue_then_body_is_served(approw_emulator):
    r = Raw(approw_emulator.url)
    try:
        body = b'{"query": "{ __typename }"}'
        r.send(b"POST /graphql/v2 HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n" % len(body))
        assert r.head().startswith(b"HTTP/1.1 100")
        r.send(body)
        status, _, payload = r.response()
        assert status == 200 and json.loads(payload) == {"data": {"__typename": "Query"}}
    finally:
        r.close()


def test_chunked_bodies_are_decoded(raw):
    body = b'{"query": "{ __typename }"}'
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 7]), body[i:i + 7]) for i in range(0, len(body), 7))
    raw.send(b"POST /graphql/v2 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks + b"0\r\n\r\n")
    status, _, payload = raw.response()
    assert status == 200 and json.loads(payload) == {"data": {"__typename": "Query"}}


def test_chunked_bodies_over_the_limit_are_refused(small):
    r = Raw(small.url)
    try:
        r.send(b"POST /graphql/v2 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
               + b"400\r\n" + b"x" * 1024 + b"\r\n" + b"1\r\nx\r\n0\r\n\r\n")
        assert r.response()[0] == 413
    finally:
        r.close()


def test_malformed_chunked_body_is_a_400(raw):
    raw.send(b"POST /graphql/v2 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
    assert raw.response()[0] == 400


def test_unsupported_transfer_encoding_is_a_501(raw):
    raw.send(b"POST /graphql/v2 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n")
    assert raw.response()[0] == 501


def test_client_vanishing_mid_body_does_not_hurt_the_server(approw_emulator):
    r = Raw(approw_emulator.url)
    r.send(b"POST /graphql/v2 HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"query\"")
    r.close()
    with approw_emulator.client() as c:
        assert c.get(WELL_KNOWN)[0] == 200


def test_idle_keep_alive_connections_are_closed_after_the_idle_timeout(small):
    r = Raw(small.url)
    try:
        r.send(b"GET %s HTTP/1.1\r\nHost: x\r\n\r\n" % WELL_KNOWN.encode())
        assert r.response()[0] == 200
        time.sleep(1.0)
        assert r.closed_by_server()
    finally:
        r.close()
    with small.client() as c:  # new connections are still served
        assert c.get(WELL_KNOWN)[0] == 200


def test_graphql_queries_work_over_get(approw_emulator):
    with approw_emulator.client() as c:
        status, body = c.get("/graphql/v2?query=" + quote("{ __typename }"))
        assert status == 200 and body == {"data": {"__typename": "Query"}}
        mutation = quote('mutation { deleteUser(id: "x") { code } }')
        status, body = c.get("/graphql/v2?query=" + mutation)
        assert error_code(body) == 2231 and "use POST" in body["errors"][0]["message"]["message"]


def test_cors_preflight(raw):
    raw.send(b"OPTIONS /graphql/v2 HTTP/1.1\r\nHost: x\r\nOrigin: http://localhost:3000\r\n"
             b"Access-Control-Request-Method: POST\r\n\r\n")
    status, headers, body = raw.response()
    assert status == 204 and body == b""
    assert headers["access-control-allow-origin"] == "*"
    assert "POST" in headers["access-control-allow-methods"]


def test_head_sends_headers_only(raw):
    raw.send(b"HEAD %s HTTP/1.1\r\nHost: x\r\n\r\n" % WELL_KNOWN.encode())
    head = raw.head().decode()
    assert head.startswith("HTTP/1.1 200") and "Content-Length: " in head
    raw.send(b"GET %s HTTP/1.1\r\nHost: x\r\n\r\n" % WELL_KNOWN.encode())  # no body came after the HEAD
    assert raw.response()[0] == 200


def test_concurrent_clients_are_all_served(approw_emulator):
    failures = []
    admin = approw_emulator.management_token()

    def work(n: int) -> None:
        try:
            with approw_emulator.client(admin) as c:
                for i in range(20):
                    body = c.graphql("mutation($i: CreateUserInput!) { createUser(userInfo: $i) { id } }",
                                     {"i": {"username": "conc-%d-%d" % (n, i)}})
                    assert "errors" not in body, body
                    assert c.graphql("{ users(limit: 1) { totalCount } }")["data"]["users"]["totalCount"] >= 1
        except Exception as exc:  # collected and reported below
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not failures
    with approw_emulator.client(admin) as c:
        body = c.graphql('{ searchUser(query: "conc-", limit: 1) { totalCount } }')
    assert body["data"]["searchUser"]["totalCount"] == 160


def test_stop_finishes_and_closes_everything(approw_emulator_fresh):
    conn = http.client.HTTPConnection(*address(approw_emulator_fresh.url), timeout=5)
    conn.request("GET", WELL_KNOWN)
    conn.getresponse().read()
    approw_emulator_fresh.stop()
    with pytest.raises(OSError):
        socket.create_connection(address(approw_emulator_fresh.url), timeout=2)
    conn.close()


def test_http_1_0_keep_alive_is_honoured_and_announced(raw):
    for _ in range(2):
        raw.send(b"GET %s HTTP/1.0\r\nConnection: keep-alive\r\n\r\n" % WELL_KNOWN.encode())
        status, headers, _ = raw.response()
        assert status == 200 and headers["connection"] == "keep-alive"


def test_a_connection_reset_by_the_client_is_not_logged_as_an_error(approw_emulator, caplog):
    import struct

    with caplog.at_level("DEBUG", logger="approw.emulator"):
        for _ in range(3):
            sock = socket.create_connection(address(approw_emulator.url))
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.sendall(b"GET /api/v2/.well-known HTTP/1.1\r\nHost: x\r\n")
            time.sleep(0.05)
            sock.close()  # RST
        time.sleep(0.2)
        with approw_emulator.client() as c:
            assert c.get(WELL_KNOWN)[0] == 200
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


def test_unpaired_surrogate_escapes_are_refused_and_pairs_accepted(approw_emulator):
    admin = approw_emulator.management_token()
    doc = "mutation($i: CreateUserInput!) { createUser(userInfo: $i) { nickname } }"
    with approw_emulator.client(admin) as c:
        body = b'{"query": "%s", "variables": {"i": {"username": "sur-%d", "nickname": "\\ud800x"}}}' % (
            doc.encode(), time.monotonic_ns())
        status, payload = c.request("POST", "/graphql/v2", body, headers={"Content-Type": "application/json"})
        assert status == 200 and error_code(payload) == 2231
        assert "surrogate" in payload["errors"][0]["message"]["message"]
        pair = b'{"query": "%s", "variables": {"i": {"username": "sur-%d", "nickname": "\\ud83d\\ude00"}}}' % (
            doc.encode(), time.monotonic_ns())
        status, payload = c.request("POST", "/graphql/v2", pair, headers={"Content-Type": "application/json"})
        assert payload["data"]["createUser"]["nickname"] == "\U0001F600"
