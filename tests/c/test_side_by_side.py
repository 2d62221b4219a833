"""The C core in one process with the other users of OpenSSL: Python's ssl module (the
libssl its interpreter was built with) and cryptography (its own OpenSSL).

A binary wheel links libcurl and OpenSSL statically and exports nothing but its modules'
init functions, so each library keeps its own OpenSSL and its own state; a source build
shares the system's libssl with Python's ssl.  Either way, all three must work at once:
HTTPS through urllib (ssl) and through a Session, RSA and JWT through the core checked
against cryptography, from several threads together.  versions() names what the core runs
with.
"""

import base64
import json
import re
import ssl
import threading
import time
import urllib.request

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from approw import _core

ROUNDS = 15
THREADS = 4


def test_versions_names_the_libraries():
    v = _core.versions()
    assert set(v) == {"libcurl", "libcurl_tls", "zlib", "nghttp2", "openssl", "cjson"}
    assert v["libcurl"] == _core.CURL_VERSION
    assert v["cjson"] == _core.CJSON_VERSION
    assert v["openssl"] in _core.OPENSSL_VERSION
    for name in ("libcurl", "openssl", "cjson", "zlib"):
        assert re.fullmatch(r"\d+\.\d+(\.\d+)?\S*", v[name]), (name, v[name])
    # libcurl's TLS library is an OpenSSL (whose version _core uses for RSA/JWT too)
    assert v["libcurl_tls"].startswith("OpenSSL/"), v["libcurl_tls"]
    assert _core.versions() == v and _core.versions() is not v


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _rs256(key, claims) -> str:
    head = _b64url(json.dumps({"alg": "RS256", "typ": "JWT"}).encode())
    body = _b64url(json.dumps(claims).encode())
    sig = key.sign(f"{head}.{body}".encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{head}.{body}.{_b64url(sig)}"


def test_ssl_cryptography_and_core_in_threads(tls_server, tls_files):
    cert, _ = tls_files
    ctx = ssl.create_default_context(cafile=cert)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                        serialization.PublicFormat.SubjectPublicKeyInfo)
    session = _core.Session(ca_file=cert)
    errors = []
    done = []

    def work(n):
        try:
            for i in range(ROUNDS):
                # HTTPS through Python's ssl, then through the core's libcurl + OpenSSL
                with urllib.request.urlopen(tls_server.url + "/echo", context=ctx,
                                            timeout=10) as r:
                    assert r.status == 200
                assert session.request("GET", tls_server.url + "/echo").status == 200
                # the core encrypts, cryptography decrypts
                msg = f"thread {n} round {i}".encode()
                out = base64.b64decode(_core.rsa_encrypt(pem, msg))
                assert key.decrypt(out, padding.PKCS1v15()) == msg
                # cryptography signs, the core verifies
                claims = {"sub": f"{n}-{i}", "exp": int(time.time()) + 60}
                assert _core.jwt_verify(_rs256(key, claims), pem, ["RS256"]) == claims
            done.append(n)
        except BaseException as e:   # reported by the main thread
            errors.append(e)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    session.close()
    assert not errors, errors
    assert sorted(done) == list(range(THREADS))
    # and Python's ssl still speaks TLS after all of it
    with urllib.request.urlopen(tls_server.url + "/echo", context=ctx, timeout=10) as r:
        assert r.status == 200
