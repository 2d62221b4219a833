#!/usr/bin/env python3
"""Side-by-side timings of approw._core crypto against the pure-Python baselines.

Not a test: prints a table.  Each row is timed in `--reps` rounds (default 7),
the implementations interleaved round by round so machine noise hits them
alike; a round is the mean of `--number` calls.  The table shows the median
per-call time with the min-max over the rounds, and the ratio of medians
against the baseline named in the row.

    python tools/crypto_speed.py [--reps 7] [--number 2000] [--threads]

Baselines (what the reference SDK and common libraries do):
  rsa pkg     rsa.PublicKey.load_pkcs1_openssl_pem(pem) + rsa.encrypt + base64,
              the PEM parsed on every call (as the reference SDK does)
  cryptography  load_pem_public_key once, then key.encrypt(PKCS1v15) + base64
  PyJWT       jwt.decode(token, pem, algorithms=['RS256']) (PEM parsed per call)

--threads adds a throughput table: 4 threads encrypting / verifying at once,
to see what the GIL policy of the C core gives on this machine.
"""
from __future__ import annotations

import argparse
import base64
import statistics
import sys
import threading
import time
import timeit

from approw import _core

from approw.v2.common.constants import DEFAULT_ENCRYPT_PUBLICKEY  # noqa: E402 (API.md 1.3)
from approw.v2.common.keys import public_key  # noqa: E402


def _rounds(funcs: dict, number: int, reps: int) -> dict:
    """Per-call microseconds for each function, `reps` interleaved rounds."""
    out = {name: [] for name in funcs}
    for fn in funcs.values():          # warm-up (caches, imports, JIT-less but fair)
        for _ in range(max(10, number // 20)):
            fn()
    for _ in range(reps):
        for name, (fn, n) in ((k, (f, number)) for k, f in funcs.items()):
            t = timeit.timeit(fn, number=n)
            out[name].append(t / n * 1e6)
    return out


def _row(label: str, samples: list, base: list | None, target: float | None) -> str:
    med = statistics.median(samples)
    lo, hi = min(samples), max(samples)
    ratio = ""
    verdict = ""
    if base is not None:
        r = statistics.median(base) / med
        ratio = f"{r:7.1f}x"
        if target is not None:
            verdict = f"target >= {target:g}x: {'MET' if r >= target else 'MISSED'}"
    return f"  {label:<44} {med:9.2f} us  [{lo:8.2f} - {hi:8.2f}]  {ratio:>8}  {verdict}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--number", type=int, default=2000, help="calls per round (fast rows)")
    ap.add_argument("--threads", action="store_true", help="also run the 4-thread table")
    args = ap.parse_args()
    if args.reps < 5:
        ap.error("--reps must be >= 5")

    import jwt                                   # PyJWT
    import rsa                                   # the reference SDK's RSA library
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding
    from cryptography.hazmat.primitives.asymmetric import rsa as crsa

    pem = DEFAULT_ENCRYPT_PUBLICKEY
    msg = "p@ssw0rd-123456"

    def ref_rsa() -> str:
        key = rsa.PublicKey.load_pkcs1_openssl_pem(pem.encode())
        return base64.b64encode(rsa.encrypt(msg.encode("utf-8"), key)).decode()

    ckey = serialization.load_pem_public_key(pem.encode())
    pad = padding.PKCS1v15()

    def ref_cryptography() -> str:
        return base64.b64encode(ckey.encrypt(msg.encode("utf-8"), pad)).decode()

    def ours_rsa() -> str:
        return _core.rsa_encrypt(public_key(pem), msg)     # as the SDK: parsed keys kept

    # JWT material: a 2048-bit key (what identity providers use for RS256).
    priv = crsa.generate_private_key(public_exponent=65537, key_size=2048)
    pub_pem = priv.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    nums = priv.public_key().public_numbers()

    def _b64u_int(v: int) -> str:
        return _core.b64url_encode(v.to_bytes((v.bit_length() + 7) // 8, "big"))

    jwk = {"kty": "RSA", "n": _b64u_int(nums.n), "e": _b64u_int(nums.e)}
    now = int(time.time())
    claims = {"sub": "5f8a", "iss": "https://example.approw.com/oidc", "aud": "app1",
              "iat": now, "exp": now + 3600, "name": "someone", "email": "a@b.c"}
    rs_token = jwt.encode(claims, priv, algorithm="RS256")
    secret = "s" * 32
    hs_token = jwt.encode(claims, secret, algorithm="HS256")

    def ref_jwt_rs() -> dict:
        return jwt.decode(rs_token, pub_pem, algorithms=["RS256"], audience="app1")

    def ours_jwt_rs() -> dict:
        return _core.jwt_verify(rs_token, public_key(pub_pem), ["RS256"], audience="app1")

    def ours_jwt_jwk() -> dict:
        return _core.jwt_verify(rs_token, public_key(jwk), ["RS256"], audience="app1")

    def ref_jwt_hs() -> dict:
        return jwt.decode(hs_token, secret, algorithms=["HS256"], audience="app1")

    def ours_jwt_hs() -> dict:
        return _core.jwt_verify(hs_token, secret, ["HS256"], audience="app1")

    blob = bytes(range(48))

    print(f"approw._core crypto timings ({_core.OPENSSL_VERSION}; Python {sys.version.split()[0]})")
    print(f"median of {args.reps} interleaved rounds, [min - max]; ratio = baseline median / row median\n")

    n = args.number
    print("RSA PKCS#1 v1.5 encryption + base64, default 1024-bit key")
    r = _rounds({"ref": ref_rsa, "cry": ref_cryptography, "ours": ours_rsa}, n, args.reps)
    print(_row("rsa package, PEM parsed per call (reference)", r["ref"], None, None))
    print(_row("cryptography, key object cached", r["cry"], None, None))
    print(_row("approw._core.rsa_encrypt  vs rsa package", r["ours"], r["ref"], 20))
    # <= 1.2x cryptography's time: a speed ratio of at least 1/1.2
    print(_row("approw._core.rsa_encrypt  vs cryptography", r["ours"], r["cry"], 1 / 1.2))

    print("\nJWT verification, RS256 (2048-bit key), HS256")
    r = _rounds({"ref": ref_jwt_rs, "ours": ours_jwt_rs, "jwk": ours_jwt_jwk,
                 "refh": ref_jwt_hs, "oursh": ours_jwt_hs}, max(200, n // 4), args.reps)
    print(_row("PyJWT jwt.decode RS256, PEM (reference)", r["ref"], None, None))
    print(_row("approw._core.jwt_verify RS256, PEM", r["ours"], r["ref"], 2))
    print(_row("approw._core.jwt_verify RS256, JWK dict", r["jwk"], r["ref"], None))
    print(_row("PyJWT jwt.decode HS256", r["refh"], None, None))
    print(_row("approw._core.jwt_verify HS256", r["oursh"], r["refh"], None))

    print("\nbase64url (no target; for information)")
    r = _rounds({
        "he": lambda: base64.urlsafe_b64encode(blob).rstrip(b"=").decode(),
        "ce": lambda: _core.b64url_encode(blob),
    }, n * 5, args.reps)
    print(_row("base64.urlsafe_b64encode(48 B).rstrip", r["he"], None, None))
    print(_row("approw._core.b64url_encode(48 B)", r["ce"], r["he"], None))

    if args.threads:
        _thread_table(args.reps)
    return 0


def _thread_table(reps: int) -> None:
    """Calls/s with 1 and 4 threads for RSA keys of several sizes."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa as crsa

    print("\nThroughput, rsa_encrypt (calls/s, median of rounds [min-max])")
    for bits in (1024, 2048, 3072, 4096):
        priv = crsa.generate_private_key(public_exponent=65537, key_size=bits)
        pem = priv.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode()
        res = {}
        for nthreads in (1, 4):
            rates = []
            for _ in range(reps):
                calls = 4000 if bits <= 2048 else 1000
                per = calls // nthreads
                barrier = threading.Barrier(nthreads + 1)

                def work() -> None:
                    barrier.wait()
                    for _ in range(per):
                        _core.rsa_encrypt(public_key(pem), "password")

                ts = [threading.Thread(target=work) for _ in range(nthreads)]
                for t in ts:
                    t.start()
                barrier.wait()
                t0 = time.perf_counter()
                for t in ts:
                    t.join()
                rates.append(per * nthreads / (time.perf_counter() - t0))
            res[nthreads] = rates
        m1 = statistics.median(res[1])
        m4 = statistics.median(res[4])
        busy = _busy_rate(pem, reps)
        print(f"  RSA-{bits:<5} 1 thread {m1:8.0f}/s [{min(res[1]):7.0f}-{max(res[1]):7.0f}]"
              f"  4 threads {m4:8.0f}/s [{min(res[4]):7.0f}-{max(res[4]):7.0f}] x{m4 / m1:.2f}"
              f"  beside a busy Python thread {statistics.median(busy):8.0f}/s"
              f" [{min(busy):7.0f}-{max(busy):7.0f}]")


def _busy_rate(pem: str, reps: int) -> list:
    """Calls/s of rsa_encrypt while another thread spins in pure Python.

    If the call releases the GIL, every call hands the GIL to the spinning
    thread and waits up to sys.getswitchinterval() to get it back."""
    rates = []
    for _ in range(reps):
        stop = threading.Event()

        def spin() -> None:
            x = 0
            while not stop.is_set():
                x += 1

        t = threading.Thread(target=spin)
        t.start()
        try:
            calls = 0
            t0 = time.perf_counter()
            while time.perf_counter() - t0 < 0.25:
                _core.rsa_encrypt(public_key(pem), "password")
                calls += 1
            rates.append(calls / (time.perf_counter() - t0))
        finally:
            stop.set()
            t.join()
    return rates


if __name__ == "__main__":
    sys.exit(main())
