"""The emulator's own routes (``/_emulator/...``) are not readable by a web page the developer
visits: no CORS headers, and only same-origin loopback requests or the pool secret."""
import http.client
import json
from urllib.parse import urlsplit

import pytest

from approw.emulator import guard

PATHS = ["/_emulator/outbox", "/_emulator/mfa"]


def get(emu, path, headers=None, method="GET"):
    parts = urlsplit(emu.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request(method, path, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


@pytest.mark.parametrize("path", PATHS)
def test_no_cors_header_on_emulator_routes(approw_emulator, path):
    status, headers, _ = get(approw_emulator, path)
    assert status == 200 and "access-control-allow-origin" not in headers


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("headers", [
    {"Origin": "http://evil.example"},
    {"Origin": "null"},
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},
    {"Host": "evil.example"},                        # a DNS-rebound name pointing at 127.0.0.1
    {"Host": "127.0.0.1.evil.example:80"},
    {guard.SECRET_HEADER: "wrong"},
])
def test_web_pages_and_wrong_secrets_are_refused(approw_emulator, path, headers):
    status, answer, body = get(approw_emulator, path, headers)
    assert status == 403 and "access-control-allow-origin" not in answer
    assert json.loads(body)["code"] == 403


def test_preflight_is_refused_without_cors(approw_emulator):
    status, headers, _ = get(approw_emulator, "/_emulator/outbox",
                             {"Origin": "http://evil.example", "Access-Control-Request-Method": "PUT"}, "OPTIONS")
    assert status == 403 and not any(k.startswith("access-control-") for k in headers)


def test_same_origin_and_the_secret_are_served(approw_emulator):
    port = urlsplit(approw_emulator.url).port
    for host in ("127.0.0.1:%d" % port, "localhost:%d" % port, "[::1]:%d" % port):
        status, _, _ = get(approw_emulator, "/_emulator/outbox",
                           {"Host": host, "Origin": "http://" + host, "Sec-Fetch-Site": "same-origin"})
        assert status == 200, host
    status, _, body = get(approw_emulator, "/_emulator/outbox",
                          {"Host": "emulator.internal", guard.SECRET_HEADER: approw_emulator.secret})
    assert status == 200 and json.loads(body)["code"] == 200


def test_service_routes_keep_cors(approw_emulator):
    _, headers, _ = get(approw_emulator, "/api/v2/users/me", {"Origin": "http://app.example"})
    assert headers["access-control-allow-origin"] == "*"


def test_other_machines_need_the_secret():
    header = {"Host": "127.0.0.1:1"}.get
    assert guard.refusal(header, "192.0.2.7", "s3") is not None
    assert guard.refusal({"Host": "x", guard.SECRET_HEADER: "s3"}.get, "192.0.2.7", "s3") is None
    assert guard.refusal(header, "::ffff:127.0.0.1", "s3") is None
    assert guard.refusal(header, "::1", "s3") is None
