"""The web-framework integrations and their examples, against the emulator: shared fixtures
(settings for the emulator, a service that is down, one that answers 503 with Retry-After,
tokens the pool's key signs with chosen claims)."""
import itertools
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from approw.integrations.core import ApprowSettings
from approw.v2.management import ManagementClient, ManagementClientOptions

_names = itertools.count()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    for item in items:
        if "/tests/integrations/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.emulator)


@pytest.fixture()
def unique():
    return lambda prefix="u": "%s%dx%d" % (prefix, next(_names), int(time.time() * 1000) % 100000)


@pytest.fixture(scope="session")
def emu(approw_emulator):
    return approw_emulator


@pytest.fixture(scope="session")
def settings(emu):
    return ApprowSettings(host=emu.url, app_id=emu.app_id, user_pool_id=emu.user_pool_id, secret=emu.secret,
                          enc_public_key=emu.public_key, check_revoked=True, revocation_ttl=0)


@pytest.fixture(scope="session")
def management(emu):
    return ManagementClient(ManagementClientOptions(user_pool_id=emu.user_pool_id, secret=emu.secret, host=emu.url,
                                                    enc_public_key=emu.public_key))


@pytest.fixture(scope="session")
def admin_role(management):
    if not any(r["code"] == "admin" for r in management.roles.iter()):
        management.roles.create("admin")
    return "admin"


@pytest.fixture()
def dead_url():
    """Where nothing listens; the port stays bound (not listening) for the whole test, so no
    other process can take it meanwhile."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        yield "http://127.0.0.1:%d" % s.getsockname()[1]


class _Busy(BaseHTTPRequestHandler):
    def _answer(self):
        self.send_response(503)
        self.send_header("Retry-After", "120")
        self.send_header("Content-Length", "4")
        self.end_headers()
        self.wfile.write(b"busy")

    do_GET = do_POST = _answer

    def log_message(self, *args):
        pass


@pytest.fixture()
def busy_url():
    """A service that answers everything with 503 and ``Retry-After: 120``."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Busy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield "http://127.0.0.1:%d" % server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture()
def signed(emu):
    """A token the pool's key signs with the claims of ``user`` plus ``extra``."""
    def sign(user_id, **extra):
        now = int(time.time())
        claims = {"sub": user_id, "iss": emu.url + "/oidc", "aud": emu.app_id, "iat": now, "exp": now + 600,
                  "data": {"id": user_id, "userPoolId": emu.user_pool_id, "appId": emu.app_id}}
        claims.update(extra)
        return emu.pool.keys.sign(claims)
    return sign
