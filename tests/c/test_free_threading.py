"""Many threads sharing one Session and one PublicKey, every answer checked against its
request: the C core's shared state (the Session's connection pool, the GraphQL document
and header caches, the JSON key cache, a PublicKey's OpenSSL contexts, the callers'
containers that another thread changes meanwhile).

On any CPython this runs the threads truly in parallel wherever the core releases the GIL
(every transfer).  On a free-threaded CPython ("3.13t", "3.14t") it runs them in parallel
everywhere, and checks that importing the core leaves the GIL off by itself; built with
ThreadSanitizer (scripts/tsan), the same run is the race detector's input.

Bounded in work (threads x rounds), never in time: each thread's loop ends by itself and
the joins wait generously.
"""
from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import threading
import time

import pytest

from approw import _core

try:
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa
except ImportError:     # the free-threaded CPython 3.13: cffi, which it needs, refuses it
    rsa = None

THREADS = 8
ROUNDS = 40
JOIN_S = 300

FREE_THREADED = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))


def test_the_gil_is_off_when_asked():
    """Under a free-threaded CPython with PYTHON_GIL=0 the GIL stays off after the core's
    modules are imported (elsewhere there is no GIL to turn off, and nothing to check)."""
    if not FREE_THREADED or os.environ.get("PYTHON_GIL") != "0":
        pytest.skip("not a free-threaded CPython run with PYTHON_GIL=0")
    _core.Session().close()
    assert sys._is_gil_enabled() is False


def test_importing_the_core_keeps_the_gil_off(tmp_path):
    """Under a free-threaded CPython without PYTHON_GIL (ignored: -I), importing the core's
    modules and the SDK leaves the GIL off: both modules declare that they run without it
    (a module that does not turns the GIL back on, with a RuntimeWarning, an error here)."""
    if not FREE_THREADED:
        pytest.skip("not a free-threaded CPython")
    env = {k: v for k, v in os.environ.items() if k != "PYTHON_GIL"}
    child = ("import sys, approw._core, approw._transport, approw.v2.management; "
             "approw._core.Session().close(); print(sys._is_gil_enabled())")
    out = subprocess.run([sys.executable, "-I", "-W", "error", "-c", child], env=env,
                         cwd=str(tmp_path), capture_output=True, text=True, timeout=JOIN_S)
    assert (out.returncode, out.stdout.strip(), out.stderr) == (0, "False", "")


def _b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class _Key:
    """A 2048-bit RSA private key: cryptography's, or the openssl command's where the
    cryptography package cannot be installed."""

    def __init__(self, path):
        self.path = str(path)
        if rsa is not None:
            self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            return
        self._openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                      "-out", self.path)

    @staticmethod
    def _openssl(*args, data=b""):
        return subprocess.run(["openssl", *args], input=data, capture_output=True,
                              check=True, timeout=JOIN_S).stdout

    def public_pem(self) -> bytes:
        if rsa is not None:
            return self.key.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        return self._openssl("pkey", "-in", self.path, "-pubout")

    def sign(self, data: bytes) -> bytes:        # RS256
        if rsa is not None:
            return self.key.sign(data, padding.PKCS1v15(), hashes.SHA256())
        return self._openssl("dgst", "-sha256", "-sign", self.path, data=data)

    def decrypt(self, data: bytes) -> bytes:     # RSAES-PKCS1-v1_5
        if rsa is not None:
            return self.key.decrypt(data, padding.PKCS1v15())
        return self._openssl("pkeyutl", "-decrypt", "-inkey", self.path, "-pkeyopt",
                             "rsa_padding_mode:pkcs1", data=data)


def _run(worker, n=THREADS):
    errors = []
    barrier = threading.Barrier(n)

    def wrapped(t):
        try:
            barrier.wait(JOIN_S)
            worker(t)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append((t, repr(exc)))

    threads = [threading.Thread(target=wrapped, args=(t,)) for t in range(n)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(JOIN_S)
    assert not any(th.is_alive() for th in threads), "a thread did not finish"
    assert errors == []


def test_one_session_graphql_from_many_threads(http_server):
    """graphql(): each answer echoes its own request's variables, document and token,
    while the threads fill and clear the document cache (more distinct documents than it
    keeps) and share header tuples (the header cache)."""
    s = _core.Session(max_idle=4)
    url = http_server.url + "/graphql"
    shared_headers = (("Authorization", "Bearer shared"),)

    def worker(t):
        own_headers = (("Authorization", f"Bearer t{t}"),)
        for i in range(ROUNDS):
            doc = f"query q{t}_{i % 90} {{ x }}"            # 8 x 90 > the cache's 512
            headers = shared_headers if i % 2 else own_headers
            variables = {"t": t, "i": i, "tag": f"{t}-{i}", "nested": [{"k": i}] * 3}
            echo = s.graphql(url, headers, doc, variables)["echo"]
            assert echo["variables"] == variables, (t, i, echo["variables"])
            assert echo["query"] == doc, (t, i, echo["query"])
            assert echo["authorization"] == headers[0][1], (t, i, echo["authorization"])

    _run(worker)
    s.close()


def test_one_session_request_with_a_dict_other_threads_change(http_server):
    """request() with a headers dict and a JSON body built from a dict that one thread
    keeps changing while the others send them: every request carries a whole, valid
    snapshot (a value the changer wrote), and its own id."""
    s = _core.Session(max_idle=4)
    url = http_server.url + "/echo"
    shared = {"X-Shared": "v0"}
    shared_body = {"n": 0}
    stop = threading.Event()

    def changer():
        k = 0
        while not stop.is_set() and k < 200000:
            k += 1
            shared["X-Shared"] = f"v{k % 50}"
            shared_body["n"] = k
            shared_body[f"k{k % 7}"] = k
            if k % 3 == 0:
                shared.pop("X-Extra", None)
            else:
                shared["X-Extra"] = "e"

    def worker(t):
        for i in range(ROUNDS):
            rid = f"{t}-{i}"
            body = _core.dumps({"rid": rid, "shared": shared_body})
            r = s.request("POST", url, {**{"X-Rid": rid}, **shared} if i % 2 else shared,
                          body)
            assert r.status == 200
            echo = json.loads(r.body)
            sent = json.loads(echo["body"])
            assert sent["rid"] == rid
            assert isinstance(sent["shared"]["n"], int)
            got = {k.lower(): v for k, v in echo["headers"]}
            assert got["x-shared"].startswith("v"), got
            if i % 2:
                assert got["x-rid"] == rid

    th = threading.Thread(target=changer)
    th.start()
    try:
        _run(worker)
    finally:
        stop.set()
        th.join(JOIN_S)
    s.close()


def test_one_public_key_from_many_threads(tmp_path):
    """One PublicKey for every thread: each thread's tokens verify to its own claims, a
    token signed by another key is refused, and what the key encrypts decrypts to the
    thread's own message (2048 bits: the key's own OpenSSL contexts when there is a
    GIL; copies without one)."""
    if rsa is None and shutil.which("openssl") is None:
        pytest.skip("neither the cryptography package nor the openssl command")
    priv = _Key(tmp_path / "priv.pem")
    other = _Key(tmp_path / "other.pem")
    key = _core.PublicKey(priv.public_pem())
    algorithms = ["RS256"]                                # one list, shared by all

    def token(signer, claims):
        head = _b64u(json.dumps({"alg": "RS256", "typ": "JWT"}).encode())
        body = _b64u(json.dumps(claims).encode())
        sig = signer.sign(f"{head}.{body}".encode())
        return f"{head}.{body}.{_b64u(sig)}"

    exp = int(time.time()) + 3600
    tokens = {t: [token(priv, {"sub": f"{t}-{i}", "exp": exp}) for i in range(ROUNDS)]
              for t in range(THREADS)}
    forged = token(other, {"sub": "forged", "exp": exp})

    def worker(t):
        for i in range(ROUNDS):
            assert _core.jwt_verify(tokens[t][i], key, algorithms) == {
                "sub": f"{t}-{i}", "exp": exp}
            if i % 8 == 0:
                with pytest.raises(_core.JWTSignatureError):
                    _core.jwt_verify(forged, key, algorithms)
            msg = f"thread {t} round {i}".encode()
            sealed[t].append((msg, base64.b64decode(_core.rsa_encrypt(key, msg))))

    sealed = {t: [] for t in range(THREADS)}
    _run(worker)
    for t in range(THREADS):
        assert [priv.decrypt(out) for _, out in sealed[t]] == [m for m, _ in sealed[t]]


def test_json_key_cache_from_many_threads():
    """loads() of documents whose keys collide in the key cache, from every thread at once:
    each result is exactly its own document."""
    def worker(t):
        for i in range(ROUNDS * 5):
            doc = {f"key{(t * 31 + i + j) % 3000}": [t, i, j] for j in range(20)}
            assert _core.loads(json.dumps(doc).encode()) == doc

    _run(worker)
