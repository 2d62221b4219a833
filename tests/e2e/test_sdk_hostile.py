"""What a hostile or broken server (or a bad argument at call time) makes the SDK raise:
always an ApprowException subclass with a clear message, never a bare builtin exception."""
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from approw.v2 import exceptions as exc
from approw.v2.authentication import AuthenticationClient
from approw.v2.management import ManagementClient, ManagementClientOptions


@pytest.fixture()
def server():
    """A server answering every POST with ``server.body`` (bytes)."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = httpd.body
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.body = b"{}"
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd
    httpd.shutdown()


def _client(url: str, **kw) -> ManagementClient:
    return ManagementClient(ManagementClientOptions("pool", access_token="t", host=url, **kw))


def test_an_integer_too_long_for_python(server):
    digits = (sys.get_int_max_str_digits() if hasattr(sys, "get_int_max_str_digits") else 4300) + 1
    server.body = b'{"data": {"users": {"totalCount": 1' + b"0" * digits + b', "list": []}}}'
    with pytest.raises(exc.ApprowHTTPError) as ei:
        _client("http://127.0.0.1:%d" % server.server_port).users.list()
    assert "not JSON" in str(ei.value)


def test_an_answer_over_max_response_bytes(server):
    server.body = json.dumps({"data": {"users": {"totalCount": 1, "list": ["x" * 4096] * 64}}}).encode()
    with pytest.raises(exc.ApprowResponseTooLargeError):
        _client("http://127.0.0.1:%d" % server.server_port, max_response_bytes=64 * 1024).users.list()
    assert _client("http://127.0.0.1:%d" % server.server_port).users.list()["totalCount"] == 1


def test_cr_lf_in_a_token_given_at_call_time(auth_options):
    client = AuthenticationClient(auth_options())
    with pytest.raises(exc.ApprowWrongArgumentException) as ei:
        client.get_current_user(token="abc\r\nX-Injected: 1")
    assert "X-Injected" not in str(ei.value)
