"""``python -m approw.emulator`` as a process: startup line, signals, persistence, storage."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
from pathlib import Path
from typing import Dict, List, Optional

import pytest

from approw.emulator.client import EmulatorClient

pytest.importorskip("graphql")
from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import padding  # noqa: E402

STARTUP_KEYS = {"url", "user_pool_id", "secret", "app_id", "app_secret", "public_key", "issuer", "jwks_uri"}
CREATE = "mutation($i: CreateUserInput!) { createUser(userInfo: $i) { id username } }"
LOGIN = "mutation($i: LoginByUsernameInput!) { loginByUsername(input: $i) { id token } }"
TOKEN = "query($p: String!, $s: String!) { accessToken(userPoolId: $p, secret: $s) { accessToken } }"


def encrypt(public_pem: str, plain: str) -> str:
    """What an SDK sends: RSA PKCS#1 v1.5 with the published key, then base64."""
    import base64

    key = serialization.load_pem_public_key(public_pem.encode())
    return base64.b64encode(key.encrypt(plain.encode(), padding.PKCS1v15())).decode()  # type: ignore[union-attr]


class Server:
    """One emulator process; ``info`` is its startup line."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "approw.emulator", "--port", "0", "--hash-iterations", "1000", *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        line: List[str] = []
        reader = threading.Thread(target=lambda: line.append(self.proc.stdout.readline()))  # type: ignore[union-attr]
        reader.start()
        reader.join(30)
        if not line or not line[0]:
            self.proc.kill()
            raise AssertionError("no startup line; stderr: %s" % self.proc.communicate()[1])
        self.raw_line = line[0]
        self.info: Dict[str, str] = json.loads(line[0])

    def client(self, token: Optional[str] = None) -> EmulatorClient:
        return EmulatorClient(self.info["url"], token=token)

    def management_token(self) -> str:
        with self.client() as c:
            body = c.graphql(TOKEN, {"p": self.info["user_pool_id"], "s": self.info["secret"]})
        return body["data"]["accessToken"]["accessToken"]

    def stop(self, sig: int = signal.SIGTERM) -> subprocess.CompletedProcess:
        self.proc.send_signal(sig)
        out, err = self.proc.communicate(timeout=20)
        return subprocess.CompletedProcess(self.proc.args, self.proc.returncode, out, err)


@pytest.fixture
def server():
    s = Server()
    yield s
    if s.proc.poll() is None:
        s.stop()


def test_startup_line_is_one_json_object_with_the_client_settings(server):
    assert server.raw_line.endswith("\n")
    assert set(server.info) == STARTUP_KEYS
    assert server.info["issuer"] == server.info["url"] + "/oidc"
    assert server.info["jwks_uri"] == server.info["url"] + "/oidc/.well-known/jwks.json"
    assert server.info["url"].startswith("http://127.0.0.1:")
    assert int(server.info["url"].rsplit(":", 1)[1]) > 0
    assert server.info["public_key"].startswith("-----BEGIN PUBLIC KEY-----")
    assert len(server.info["user_pool_id"]) == 24 and len(server.info["app_id"]) == 24
    with server.client() as c:
        status, body = c.get("/api/v2/.well-known")
    assert status == 200 and body["data"]["publicKey"] == server.info["public_key"]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_stops_cleanly_with_exit_code_0(server, sig):
    with server.client() as c:  # an open keep-alive connection must not block the shutdown
        assert c.get("/api/v2/.well-known")[0] == 200
        done = server.stop(sig)
    assert done.returncode == 0
    assert "Traceback" not in done.stderr
    assert done.stdout == ""  # nothing after the startup line


def test_help_lists_the_options():
    out = subprocess.run([sys.executable, "-m", "approw.emulator", "--help"], capture_output=True, text=True)
    assert out.returncode == 0
    for option in ("--host", "--port", "--db", "--hash-iterations", "--token-lifetime", "--log-level"):
        assert option in out.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["--port", "70000"], "port must be between 0 and 65535"),
        (["--hash-iterations", "0"], "hash iterations must be at least 1"),
        (["--db", "/nonexistent-dir/x.db"], "cannot start"),
    ],
)
def test_bad_settings_exit_with_a_message(args, message):
    out = subprocess.run([sys.executable, "-m", "approw.emulator", *args], capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert message in out.stderr and "Traceback" not in out.stderr
    assert out.stdout == ""


def test_port_in_use_exits_with_a_message(server):
    port = server.info["url"].rsplit(":", 1)[1]
    out = subprocess.run([sys.executable, "-m", "approw.emulator", "--port", port], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 2 and "cannot start" in out.stderr and "Traceback" not in out.stderr


def _sqlite_files(db: Path) -> bytes:
    return b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))


def test_state_survives_a_restart_with_db(tmp_path):
    db = tmp_path / "state.db"
    first = Server("--db", str(db))
    try:
        admin = first.management_token()
        key = first.info["public_key"]
        with first.client(admin) as c:
            created = c.graphql(CREATE, {"i": {"username": "persisted", "password": encrypt(key, "s3cret-pw!")}})
            user_id = created["data"]["createUser"]["id"]
            token = c.graphql(LOGIN, {"i": {"username": "persisted", "password": encrypt(key, "s3cret-pw!")}},
                              token="")["data"]["loginByUsername"]["token"]
    finally:
        assert first.stop().returncode == 0
    assert stat.S_IMODE(os.stat(db).st_mode) == 0o600  # it holds private keys and secrets

    second = Server("--db", str(db))
    try:
        for key_name in ("user_pool_id", "secret", "app_id", "app_secret", "public_key"):
            assert second.info[key_name] == first.info[key_name]
        with second.client() as c:
            status, me = c.get("/api/v2/users/me", token=token)  # the old token is still valid
            assert (status, me["code"], me["data"]["id"]) == (200, 200, user_id)
            again = c.graphql(LOGIN, {"i": {"username": "persisted", "password": encrypt(key, "s3cret-pw!")}})
            assert again["data"]["loginByUsername"]["id"] == user_id  # the old key still decrypts, hash verifies
        with second.client(admin) as c:  # the first run's management token: same signing key
            assert c.graphql("{ user(id: \"%s\") { username } }" % user_id)["data"]["user"]["username"] == "persisted"
    finally:
        assert second.stop().returncode == 0


def test_passwords_are_never_stored_in_plain_text(tmp_path):
    db = tmp_path / "state.db"
    s = Server("--db", str(db))
    try:
        with s.client(s.management_token()) as c:
            for name in ("alice", "bob"):
                c.graphql(CREATE, {"i": {"username": name, "password": encrypt(s.info["public_key"], "Plain-Pw-123")}})
        assert b"Plain-Pw-123" not in _sqlite_files(db)
    finally:
        s.stop()
    assert b"Plain-Pw-123" not in _sqlite_files(db)
    with sqlite3.connect(db) as conn:
        hashes = [r[0] for r in conn.execute("SELECT password_hash FROM users ORDER BY username")]
    assert len(hashes) == 2 and hashes[0] != hashes[1]  # salted: same password, different hashes
    for h in hashes:
        scheme, iterations, salt, digest = h.split("$")
        assert scheme == "pbkdf2_sha256" and int(iterations) == 1000 and len(salt) >= 16 and len(digest) >= 40


def test_a_db_of_another_pool_is_refused(tmp_path):
    db = tmp_path / "state.db"
    s = Server("--db", str(db))
    s.stop()
    out = subprocess.run([sys.executable, "-m", "approw.emulator", "--db", str(db), "--user-pool-id", "other"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "different id" in out.stderr


def test_fixed_identity_options_are_used_for_a_new_state():
    s = Server("--user-pool-id", "pool-1", "--secret", "sec-1", "--app-id", "app-1", "--app-secret", "asec-1")
    try:
        assert (s.info["user_pool_id"], s.info["secret"], s.info["app_id"], s.info["app_secret"]) == (
            "pool-1", "sec-1", "app-1", "asec-1")
        assert s.management_token().count(".") == 2
    finally:
        s.stop()


def test_info_log_level_writes_an_access_log_to_stderr():
    s = Server("--log-level", "info")
    with s.client() as c:
        c.get("/api/v2/.well-known")
    done = s.stop()
    assert '"GET /api/v2/.well-known HTTP/1.1" 200' in done.stderr
    assert done.returncode == 0


def test_a_foreign_sqlite_file_is_left_alone(tmp_path):
    db = tmp_path / "app.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE orders (id INTEGER)")
    before = db.read_bytes()
    out = subprocess.run([sys.executable, "-m", "approw.emulator", "--db", str(db)], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 2 and "not an emulator state" in out.stderr
    assert db.read_bytes() == before


def test_nobody_reading_the_startup_line_is_a_clean_failure():
    proc = subprocess.Popen([sys.executable, "-m", "approw.emulator", "--hash-iterations", "1000"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    proc.stdout.close()  # type: ignore[union-attr]
    err = proc.stderr.read()  # type: ignore[union-attr]
    assert proc.wait(timeout=60) == 1
    assert "cannot write the startup line" in err and "Traceback" not in err and "Exception ignored" not in err


@pytest.mark.parametrize("missing", ["graphql", "cryptography"])
def test_without_the_emulator_extra_prints_the_install_hint(tmp_path, missing):
    # a package that cannot be imported, as when the extra is not installed
    (tmp_path / missing).mkdir()
    (tmp_path / missing / "__init__.py").write_text(
        "raise ModuleNotFoundError(%r, name=%r)\n" % ("No module named '%s'" % missing, missing))
    env = dict(os.environ, PYTHONPATH=str(tmp_path))
    result = subprocess.run([sys.executable, "-m", "approw.emulator", "--port", "0"], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "pip install 'approw-py-sdk[emulator]'" in result.stderr
    assert missing in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""
