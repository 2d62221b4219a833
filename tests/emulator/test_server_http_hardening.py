"""The emulator's HTTP framing and JSON limits under hostile input: chunk sizes,
Content-Length / Transfer-Encoding smuggling, trailers, deeply nested JSON."""

from __future__ import annotations

import json
import socket
from typing import Dict, Tuple
from urllib.parse import urlsplit

import pytest

pytest.importorskip("graphql")

from approw.emulator.app import Emulator  # noqa: E402
from approw.emulator.config import EmulatorConfig  # noqa: E402
from approw.emulator import endpoint  # noqa: E402

MAX_JSON_DEPTH = 256          # the documented limit (endpoint.MAX_JSON_DEPTH)
GRAPHQL = b"/graphql/v2"
TYPENAME = b'{"query": "{ __typename }"}'


class Raw:
    """HTTP by hand over one socket, with a short timeout: a server that reads
    "until EOF" shows up as a timeout instead of hanging the suite."""

    def __init__(self, url: str, timeout: float = 5.0) -> None:
        parts = urlsplit(url)
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=timeout)
        self.buf = b""

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def response(self) -> Tuple[int, Dict[str, str], bytes]:
        while b"\r\n\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed before a response")
            self.buf += chunk
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
        length = int(headers["content-length"])
        while len(self.buf) < length:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed inside a body")
            self.buf += chunk
        body, self.buf = self.buf[:length], self.buf[length:]
        return int(lines[0].split()[1]), headers, body

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def raw(approw_emulator):
    r = Raw(approw_emulator.url)
    yield r
    r.close()


@pytest.fixture(scope="module")
def small():
    """An emulator with 1 KiB bodies."""
    with Emulator(EmulatorConfig(hash_iterations=1000, max_body=1024)) as emu:
        yield emu


def message(body: bytes) -> str:
    payload = json.loads(body)
    return payload["errors"][0]["message"]["message"] if "errors" in payload else payload["message"]


def code(body: bytes) -> int:
    payload = json.loads(body)
    return payload["errors"][0]["message"]["code"] if "errors" in payload else payload["code"]


def chunked_post(chunks: bytes, extra: bytes = b"") -> bytes:
    return (b"POST /graphql/v2 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n" + extra
            + b"\r\n" + chunks)


# ------------------------------------------------------------------ chunk sizes

@pytest.mark.parametrize("size_line", [
    b"-1\r\n", b"-0\r\n", b"+5\r\n", b"0x5\r\n", b"1_0\r\n", b" 5\r\n", b"5\n",
    b"fffffffffffffffff\r\n", b"\r\n", b"g\r\n", b"5;" + b"x" * 2000 + b"\r\n",
])
def test_malformed_chunk_sizes_are_a_400(small, size_line):
    r = Raw(small.url)
    try:
        # "-1" used to be read as "read until EOF": 100 MiB would have been swallowed
        # without any limit.  Now the line is refused before anything is read.
        r.send(chunked_post(size_line + b"x" * 100))
        status, headers, body = r.response()
        assert status == 400 and headers["connection"] == "close"
        assert "chunk" in message(body).lower()
    finally:
        r.close()


def test_negative_chunk_size_does_not_read_past_the_limit(small):
    r = Raw(small.url)
    try:
        r.send(chunked_post(b"-1\r\n"))
        for _ in range(8):                       # 8 x 64 KiB, far over max_body (1 KiB)
            try:
                r.send(b"y" * 65536)
            except OSError:                      # the server already answered and closed
                break
        assert r.response()[0] == 400
    finally:
        r.close()


def test_well_formed_chunks_with_extensions_still_work(raw):
    body = TYPENAME
    chunks = b"%X;name=value\r\n%s\r\n0\r\nX-Trailer: t\r\n\r\n" % (len(body), body)
    raw.send(chunked_post(chunks))
    status, _, payload = raw.response()
    assert status == 200 and json.loads(payload) == {"data": {"__typename": "Query"}}


def test_oversized_trailers_are_a_400(raw):
    chunks = b"%x\r\n%s\r\n0\r\n" % (len(TYPENAME), TYPENAME)
    chunks += b"".join(b"X-T%d: %s\r\n" % (i, b"t" * 1000) for i in range(80)) + b"\r\n"
    raw.send(chunked_post(chunks))
    status, _, body = raw.response()
    assert status == 400 and "trailers" in message(body)


# ------------------------------------------------------------------ smuggling

def test_content_length_and_transfer_encoding_together_are_a_400(raw):
    raw.send(b"POST /graphql/v2 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
             b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
    status, headers, body = raw.response()
    assert status == 400 and headers["connection"] == "close"
    assert "both Content-Length and Transfer-Encoding" in message(body)


def test_two_content_lengths_are_a_400(raw):
    raw.send(b"POST /graphql/v2 HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n"
             b"Content-Length: 2\r\n\r\n%s" % (len(TYPENAME), TYPENAME))
    status, headers, body = raw.response()
    assert status == 400 and headers["connection"] == "close"
    assert "More than one Content-Length" in message(body)


@pytest.mark.parametrize("value", ["\u00b2", "\uff15", "+5", "5 5", "0x5", "1" * 20])
def test_content_length_must_be_ascii_digits(raw, value):
    raw.send(b"POST /graphql/v2 HTTP/1.1\r\nHost: x\r\nContent-Length: " + value.encode("utf-8")
             + b"\r\n\r\n{}")
    status, headers, body = raw.response()
    assert status == 400 and headers["connection"] == "close"
    assert "Content-Length" in message(body)


def test_two_transfer_encodings_are_refused(raw):
    raw.send(b"POST /graphql/v2 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
             b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
    status, headers, _ = raw.response()
    assert status == 501 and headers["connection"] == "close"


# ------------------------------------------------------------------ nesting

def post(r: Raw, path: bytes, body: bytes, token: str = "") -> Tuple[int, bytes]:
    auth = b"Authorization: Bearer %s\r\n" % token.encode() if token else b""
    r.send(b"POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n%s"
           b"Content-Length: %d\r\n\r\n%s" % (path, auth, len(body), body))
    status, _, payload = r.response()
    return status, payload


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 100_000])
def test_deep_variables_are_a_2231_not_a_500(raw, depth):
    inner = b"[" * depth + b"]" * depth
    body = b'{"query": "query($x: Object) { __typename }", "variables": {"x": ' + inner + b"}}"
    status, payload = post(raw, GRAPHQL, body)
    assert status == 200 and code(payload) == 2231
    assert "nested deeper than %d levels" % MAX_JSON_DEPTH in message(payload)
    assert post(raw, GRAPHQL, TYPENAME)[0] == 200            # the connection is still fine


def test_deep_variables_as_json_text_are_a_2231(raw):
    text = "[" * 100_000 + "]" * 100_000
    body = json.dumps({"query": "{ __typename }", "variables": text}).encode()
    status, payload = post(raw, GRAPHQL, body)
    assert status == 200 and code(payload) == 2231
    assert "nested deeper" in message(payload)


def test_deep_rest_body_is_a_2231_in_the_rest_envelope(raw, approw_emulator):
    token = approw_emulator.management_token()
    body = b'{"users": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    status, payload = post(raw, b"/api/v2/users/batch", body, token)
    assert status == 200
    assert json.loads(payload)["code"] == 2231 and "nested deeper" in message(payload)


def test_nesting_at_the_limit_is_decoded(raw):
    inner = b"[" * (MAX_JSON_DEPTH - 2) + b"]" * (MAX_JSON_DEPTH - 2)   # + 2 enclosing objects
    body = b'{"query": "query($x: Object) { __typename }", "variables": {"x": ' + inner + b"}}"
    status, payload = post(raw, GRAPHQL, body)
    assert status == 200 and "nested" not in message(payload)    # graphql-core's own verdict


def test_depth_check_ignores_brackets_in_strings_and_is_linear():
    assert endpoint.MAX_JSON_DEPTH == MAX_JSON_DEPTH
    json_too_deep = endpoint.json_too_deep
    assert not json_too_deep(json.dumps({"s": "[" * 10_000}))
    assert not json_too_deep("[" * 100 + json.dumps('\\"[[[' * 100) + "]" * 100)
    assert json_too_deep("[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1))
    assert not json_too_deep("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH)
    # many unterminated-looking quotes: one pass, not one pass per quote
    assert json_too_deep("[" * 300 + '"\\"' * 500_000)


def test_a_token_with_deeply_nested_parts_is_refused_not_a_500(raw):
    import base64

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    deep = b"[" * 5000 + b"]" * 5000
    for token in (b64(deep) + "." + b64(b"{}") + ".sig", b64(b'{"alg":"HS256"}') + "." + b64(deep) + ".sig"):
        status, payload = post(raw, GRAPHQL, b'{"query": "{ user { id } }"}', token=token)
        assert status == 200 and code(payload) != 500, payload
        raw.send(b"GET /api/v2/users/me HTTP/1.1\r\nHost: x\r\n"
                 b"Authorization: Bearer %s\r\n\r\n" % token.encode())
        status, _, payload = raw.response()
        assert status == 200 and code(payload) == 2020, payload


# ------------------------------------------------------------------ header-line smuggling vectors
# Each of these is read differently by some proxy than by a lenient server; the request is
# refused (400, connection closed) so its body can never be parsed as a second request.

SMUGGLED = b"GET /_emulator/outbox HTTP/1.1\r\nHost: x\r\n\r\n"


def _smuggle(head: bytes, body: bytes = SMUGGLED) -> bytes:
    return b"POST /graphql/v2 HTTP/1.1\r\nHost: x\r\n" + head + b"\r\n" + body


@pytest.mark.parametrize("request_bytes", [
    _smuggle(b"Content-Length : %d\r\n" % len(SMUGGLED)),              # space before the colon
    _smuggle(b"Content-Length\t: %d\r\n" % len(SMUGGLED)),
    _smuggle(b"Transfer-Encoding : chunked\r\n", b"0\r\n\r\n" + SMUGGLED),
    _smuggle(b"X-A: 1\r\n Transfer-Encoding: chunked\r\n", b"0\r\n\r\n" + SMUGGLED),   # obs-fold
    _smuggle(b"X-A: 1\r\n\tContent-Length: 5\r\n"),
    _smuggle(b"Content-Length: 0\nX-B: 1\r\n"),                         # bare LF in a header line
    b"POST /graphql/v2 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\n",  # bare LF ends the header block
    b"POST /graphql/v2 HTTP/1.1\nHost: x\r\nContent-Length: 0\r\n\r\n",  # bare LF after the request line
    _smuggle(b"Content-Length: 5, 5\r\n"),
    _smuggle(b"Content-Length: 0\r\nContent-Length: 0\r\n"),
    _smuggle(b"Transfer-Encoding: chunked\r\nContent-Length: 0\r\n", b"0\r\n\r\n" + SMUGGLED),
    _smuggle(b"X\x00Y: 1\r\nContent-Length: 0\r\n"),
    _smuggle(b"X-C: a\rb\r\nContent-Length: 0\r\n"),                     # bare CR inside a value
    _smuggle(b"[X]: 1\r\nContent-Length: 0\r\n"),                        # not a token
    b"POST /graphql/v2 HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + SMUGGLED,
    _smuggle(b"Host: y\r\nContent-Length: 0\r\n"),                        # two Host headers
    b"POST /graphql/v2 HTTP/1.1\r\nContent-Length: 0\r\n\r\n",              # none
])
def test_smuggling_header_vectors_are_a_400_and_close(approw_emulator, request_bytes):
    r = Raw(approw_emulator.url)
    try:
        r.send(request_bytes)
        status, headers, _ = r.response()
        assert status == 400 and headers["connection"] == "close"
        r.sock.settimeout(2)
        assert r.buf == b"" and r.sock.recv(65536) == b""      # no second response
    finally:
        r.close()


@pytest.mark.parametrize("size_line", [
    b"5;\r\n", b"5;=v\r\n", b"5;a=\r\n", b"5;a=\"x\r\n", b"5;a b\r\n", b"5;a\x00\r\n", b"5;a=v;\r\n",
    b"5\x00\r\n", b"5;a=\"\x7f\"\r\n",
])
def test_invalid_chunk_extensions_are_a_400(small, size_line):
    r = Raw(small.url)
    try:
        r.send(chunked_post(size_line + b"{}   \r\n0\r\n\r\n"))
        status, headers, body = r.response()
        assert status == 400 and headers["connection"] == "close"
        assert "chunk" in message(body).lower()
    finally:
        r.close()


@pytest.mark.parametrize("ext", [b";a", b";a=b", b' ; a = "q \\" x" ;b=c', b";a=b\t;c"])
def test_valid_chunk_extensions_are_accepted(raw, ext):
    chunks = b"%X%s\r\n%s\r\n0\r\n\r\n" % (len(TYPENAME), ext, TYPENAME)
    raw.send(chunked_post(chunks))
    status, _, payload = raw.response()
    assert status == 200 and json.loads(payload) == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize("ending", [b"0\r\n\n", b"0\r\nX-T: 1\n\r\n"])
def test_bare_lf_in_the_chunked_trailer_is_a_400(raw, ending):
    raw.send(chunked_post(b"%X\r\n%s\r\n%s" % (len(TYPENAME), TYPENAME, ending)))
    status, headers, _ = raw.response()
    assert status == 400 and headers["connection"] == "close"
