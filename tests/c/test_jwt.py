"""approw._core.jwt_verify: good tokens, signatures, algorithm rules, claims, malformed
tokens, threads and limits.  PyJWT makes the test vectors; `cryptography` the keys."""
from __future__ import annotations

import base64
import json
import os
import threading
import time

import pytest

from approw import _core

jwt = pytest.importorskip("jwt")

from crypto_keys import (  # noqa: E402
    NOW, PKCS1, SECRET, _b64u, _b64u_int, _claims, _jwk, _pem, _raw_token, keys, rs,  # noqa: F401 (fixtures)
)
from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec, rsa  # noqa: E402


def _verify(token, key, algs=("RS256",), **kw):
    kw.setdefault("now", NOW)
    return _core.jwt_verify(token, key, list(algs), **kw)


# --------------------------------------------------------------- JWT: good tokens

def test_jwt_rs256_pem_and_jwk(rs):
    token = jwt.encode(_claims(), rs["priv"], algorithm="RS256")
    for key in (rs["pem"], rs["pem"].encode(), rs["pkcs1"], rs["jwk"]):
        assert _verify(token, key) == _claims()
    assert _verify(token.encode(), rs["pem"]) == _claims()
    assert _verify(token, rs["pem"], ("HS256", "RS256")) == _claims()
    assert _verify(token, dict(rs["jwk"], alg="RS256", use="sig", kid="k1")) == _claims()


def test_jwt_hs256(rs):
    token = jwt.encode(_claims(), SECRET, algorithm="HS256")
    assert _verify(token, SECRET, ("HS256",)) == _claims()
    assert _verify(token, SECRET.encode(), ("HS256",)) == _claims()
    token2 = jwt.encode(_claims(), b"\x00\xffbinary-secret" * 3, algorithm="HS256")
    assert _verify(token2, b"\x00\xffbinary-secret" * 3, ("HS256",)) == _claims()


def test_jwt_returns_all_claim_types(rs):
    claims = _claims(roles=["a", "b"], nested={"x": 1.5, "y": None, "z": True}, n=2**70)
    token = jwt.encode(claims, rs["priv"], algorithm="RS256", headers={"kid": "k"})
    assert _verify(token, rs["jwk"]) == claims


def test_jwt_default_now_is_wall_clock(rs):
    t = int(time.time())
    ok = jwt.encode({"exp": t + 60, "nbf": t - 60}, SECRET, algorithm="HS256")
    assert _core.jwt_verify(ok, SECRET, ["HS256"]) == {"exp": t + 60, "nbf": t - 60}
    old = jwt.encode({"exp": t - 60}, SECRET, algorithm="HS256")
    with pytest.raises(_core.JWTExpiredError):
        _core.jwt_verify(old, SECRET, ["HS256"])


# --------------------------------------------------------------- JWT: signature

def _tamper_payload(token: str, **change) -> str:
    h, p, s = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)))
    claims.update(change)
    return ".".join([h, _b64u(json.dumps(claims).encode()), s])


def _tamper_sig(token: str) -> str:
    h, p, s = token.split(".")
    raw = bytearray(base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)))
    raw[len(raw) // 2] ^= 0x01
    return ".".join([h, p, _b64u(bytes(raw))])


def test_jwt_tampered(rs, keys):
    rs_token = jwt.encode(_claims(), rs["priv"], algorithm="RS256")
    hs_token = jwt.encode(_claims(), SECRET, algorithm="HS256")
    for token, key, algs in ((rs_token, rs["pem"], ("RS256",)), (rs_token, rs["jwk"], ("RS256",)),
                             (hs_token, SECRET, ("HS256",))):
        with pytest.raises(_core.JWTSignatureError):
            _verify(_tamper_payload(token, sub="admin"), key, algs)
        with pytest.raises(_core.JWTSignatureError):
            _verify(_tamper_sig(token), key, algs)
        h, p, s = token.split(".")
        short = _b64u(base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))[:-3])
        with pytest.raises(_core.JWTSignatureError):
            _verify(f"{h}.{p}.{short}", key, algs)                  # truncated signature
        with pytest.raises(_core.JWTSignatureError):
            _verify(f"{h}.{p}.", key, algs)                         # empty signature


def test_jwt_wrong_key(rs, keys):
    token = jwt.encode(_claims(), rs["priv"], algorithm="RS256")
    with pytest.raises(_core.JWTSignatureError):
        _verify(token, _pem(keys[1024], "spki"))
    with pytest.raises(_core.JWTSignatureError):
        _verify(token, _jwk(keys[3072]))
    hs = jwt.encode(_claims(), SECRET, algorithm="HS256")
    with pytest.raises(_core.JWTSignatureError):
        _verify(hs, SECRET + "x", ("HS256",))


def test_jwt_large_key_path(keys):
    """3072-bit keys verify on a duplicated context without the GIL."""
    priv = keys[3072]
    token = jwt.encode(_claims(), priv, algorithm="RS256")
    assert _verify(token, _pem(priv, "spki")) == _claims()
    with pytest.raises(_core.JWTSignatureError):
        _verify(_tamper_sig(token), _pem(priv, "spki"))


# --------------------------------------------------------------- JWT: algorithm rules

def test_jwt_alg_none_refused(rs):
    token = _raw_token({"alg": "none", "typ": "JWT"}, _claims(), None, "none")
    assert token.endswith(".")
    for algs in (("RS256",), ("HS256",), ("RS256", "HS256")):
        with pytest.raises(_core.JWTAlgorithmError, match="never accepted"):
            _verify(token, rs["pem"], algs)
        with pytest.raises(_core.JWTAlgorithmError):
            _verify(token, SECRET, algs)
    with pytest.raises(_core.JWTAlgorithmError, match="unsupported algorithm 'none'"):
        _verify(token, SECRET, ("none",))


def test_jwt_rs_hs_confusion_refused(rs):
    """An HS256 token MACed with the RSA public key PEM as the secret."""
    for pem in (rs["pem"], rs["pkcs1"]):
        forged = _raw_token({"alg": "HS256", "typ": "JWT"}, _claims(sub="admin"), pem, "HS256")
        for algs in (("HS256",), ("RS256", "HS256")):
            with pytest.raises(_core.JWTAlgorithmError, match="confusion"):
                _verify(forged, pem, algs)
            with pytest.raises(_core.JWTAlgorithmError):
                _verify(forged, pem.encode(), algs)
        with pytest.raises(_core.JWTAlgorithmError, match="not in algorithms"):
            _verify(forged, pem, ("RS256",))
    # A JWK serialised as JSON text, or an OpenSSH key, is not a secret either.
    for text in (json.dumps(rs["jwk"]), "ssh-rsa AAAAB3NzaC1yc2E user@host"):
        forged = _raw_token({"alg": "HS256"}, _claims(), text, "HS256")
        with pytest.raises(_core.JWTAlgorithmError):
            _verify(forged, text, ("HS256",))
    # HS256 with a JWK mapping as the key.
    hs = jwt.encode(_claims(), SECRET, algorithm="HS256")
    with pytest.raises(_core.JWTAlgorithmError):
        _verify(hs, rs["jwk"], ("HS256",))


def test_jwt_alg_must_be_allowed_and_fit_key(rs):
    rs_token = jwt.encode(_claims(), rs["priv"], algorithm="RS256")
    with pytest.raises(_core.JWTAlgorithmError, match="not in algorithms"):
        _verify(rs_token, rs["pem"], ("HS256",))
    with pytest.raises(_core.JWTAlgorithmError, match="shared secret"):
        _verify(rs_token, SECRET, ("RS256",))
    with pytest.raises(_core.JWTAlgorithmError, match="JWK is for"):
        _verify(rs_token, dict(rs["jwk"], alg="HS256"))
    rs512 = jwt.encode(_claims(), rs["priv"], algorithm="RS512")
    with pytest.raises(_core.JWTAlgorithmError, match="not supported"):
        _verify(rs512, rs["pem"])


def test_jwt_algorithms_argument(rs):
    token = jwt.encode(_claims(), rs["priv"], algorithm="RS256")
    with pytest.raises(_core.JWTAlgorithmError, match="empty"):
        _verify(token, rs["pem"], ())
    with pytest.raises(_core.JWTAlgorithmError, match="unsupported"):
        _verify(token, rs["pem"], ("RS256", "ES256"))
    with pytest.raises(TypeError):
        _core.jwt_verify(token, rs["pem"], "RS256", now=NOW)
    with pytest.raises(TypeError):
        _core.jwt_verify(token, rs["pem"], [256], now=NOW)
    with pytest.raises(TypeError):
        _core.jwt_verify(token, rs["pem"], None, now=NOW)
    assert _core.jwt_verify(token, rs["pem"], ("RS256",), now=NOW) == _claims()
    assert _core.jwt_verify(token, rs["pem"], {"RS256"}, now=NOW) == _claims()
    assert _core.jwt_verify(token=token, key=rs["pem"], algorithms=["RS256"], now=NOW) == _claims()


def test_jwt_bad_keys(rs):
    token = jwt.encode(_claims(), rs["priv"], algorithm="RS256")
    with pytest.raises(_core.CryptoError, match="kty"):
        _verify(token, {"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA"})
    with pytest.raises(_core.CryptoError, match="missing 'n'"):
        _verify(token, {"kty": "RSA", "e": "AQAB"})
    with pytest.raises(_core.CryptoError, match="not base64url"):
        _verify(token, {"kty": "RSA", "n": "!!!!", "e": "AQAB"})
    with pytest.raises(_core.CryptoError):
        _verify(token, {"kty": "RSA", "n": rs["jwk"]["n"], "e": "AQ"})      # e = 1
    with pytest.raises(_core.CryptoError):
        _verify(token, {"kty": "RSA", "n": rs["jwk"]["n"], "e": 65537})     # not a str
    with pytest.raises(_core.CryptoError):
        _verify(token, "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
    with pytest.raises(TypeError):
        _verify(token, 12345)
    n = rs["jwk"]["n"]
    with pytest.raises(_core.CryptoError, match="odd"):
        _verify(token, {"kty": "RSA", "n": n, "e": _b64u_int(65536)})
    with pytest.raises(_core.CryptoError, match="odd"):
        _verify(token, {"kty": "RSA", "n": n, "e": n})                     # e >= n
    with pytest.raises(_core.CryptoError, match="out of range"):
        _verify(token, {"kty": "RSA", "n": _b64u_int((1 << 300) + 1), "e": "AQAB"})
    big_n = _b64u_int((1 << 4095) | int.from_bytes(os.urandom(511), "big") | 1)
    with pytest.raises(_core.CryptoError, match="exponent too large"):
        _verify(token, {"kty": "RSA", "n": big_n, "e": _b64u_int((1 << 65) + 1)})
    with pytest.raises(_core.JWTSignatureError):                           # loads; wrong key
        _verify(token, {"kty": "RSA", "n": big_n, "e": "AQAB"})
    hs = jwt.encode(_claims(), SECRET, algorithm="HS256")
    with pytest.raises(_core.CryptoError, match="empty"):
        _verify(hs, "", ("HS256",))


# --------------------------------------------------------------- JWT: claims

def test_jwt_expiry(rs):
    token = jwt.encode(_claims(exp=NOW - 100), SECRET, algorithm="HS256")
    with pytest.raises(_core.JWTExpiredError):
        _verify(token, SECRET, ("HS256",))
    assert _verify(token, SECRET, ("HS256",), leeway=100)["exp"] == NOW - 100    # within leeway
    assert _verify(token, SECRET, ("HS256",), leeway=150.5)["exp"] == NOW - 100
    with pytest.raises(_core.JWTExpiredError):
        _verify(token, SECRET, ("HS256",), leeway=99)
    edge = jwt.encode(_claims(exp=NOW), SECRET, algorithm="HS256")
    assert _verify(edge, SECRET, ("HS256",))["exp"] == NOW                        # now == exp
    with pytest.raises(_core.JWTExpiredError):
        _verify(edge, SECRET, ("HS256",), now=NOW + 0.001)
    # Signature problems are reported before claims.
    with pytest.raises(_core.JWTSignatureError):
        _verify(_tamper_sig(token), SECRET, ("HS256",))


def test_jwt_not_before(rs):
    token = jwt.encode(_claims(nbf=NOW + 100), rs["priv"], algorithm="RS256")
    with pytest.raises(_core.JWTNotYetValidError):
        _verify(token, rs["pem"])
    assert _verify(token, rs["pem"], leeway=100)["nbf"] == NOW + 100
    assert _verify(token, rs["pem"], now=NOW + 100)["nbf"] == NOW + 100


def test_jwt_malformed_time_claims():
    for claim, value in (("exp", "soon"), ("exp", True), ("nbf", [1]), ("iat", "yesterday"),
                         ("exp", None), ("iat", {"t": 1})):
        payload = {"sub": "x", claim: value}
        token = _raw_token({"alg": "HS256"}, payload, SECRET, "HS256")
        with pytest.raises(_core.JWTClaimsError, match=claim):
            _verify(token, SECRET, ("HS256",))
    ok = _raw_token({"alg": "HS256"}, {"exp": NOW + 0.5, "iat": 1.5, "nbf": 10**30 * -1},
                    SECRET, "HS256")
    assert _verify(ok, SECRET, ("HS256",))["iat"] == 1.5
    huge = _raw_token({"alg": "HS256"}, {"exp": 10**40}, SECRET, "HS256")
    assert _verify(huge, SECRET, ("HS256",))["exp"] == 10**40
    far = _raw_token({"alg": "HS256"}, {"nbf": 10**40}, SECRET, "HS256")
    with pytest.raises(_core.JWTNotYetValidError):
        _verify(far, SECRET, ("HS256",))


def test_jwt_audience(rs):
    one = jwt.encode(_claims(aud="app1"), SECRET, algorithm="HS256")
    many = jwt.encode(_claims(aud=["app0", "app1"]), SECRET, algorithm="HS256")
    none = jwt.encode(_claims(), SECRET, algorithm="HS256")
    for token in (one, many):
        assert _verify(token, SECRET, ("HS256",), audience="app1")
        assert _verify(token, SECRET, ("HS256",), audience=["x", "app1"])
        assert _verify(token, SECRET, ("HS256",), audience=("app1",))
        with pytest.raises(_core.JWTClaimsError, match="does not match"):
            _verify(token, SECRET, ("HS256",), audience="other")
        with pytest.raises(_core.JWTClaimsError, match="does not match"):
            _verify(token, SECRET, ("HS256",), audience=["other", "app"])
        # RFC 7519 4.1.3: aud present but the caller did not say who it is.
        with pytest.raises(_core.JWTClaimsError, match="no audience was given"):
            _verify(token, SECRET, ("HS256",))
    with pytest.raises(_core.JWTClaimsError, match="no 'aud'"):
        _verify(none, SECRET, ("HS256",), audience="app1")
    bad = _raw_token({"alg": "HS256"}, {"aud": 5}, SECRET, "HS256")
    with pytest.raises(_core.JWTClaimsError, match="aud"):
        _verify(bad, SECRET, ("HS256",), audience="app1")
    bad = _raw_token({"alg": "HS256"}, {"aud": ["ok", 5]}, SECRET, "HS256")
    with pytest.raises(_core.JWTClaimsError, match="aud"):
        _verify(bad, SECRET, ("HS256",), audience="ok")
    with pytest.raises(ValueError):
        _verify(one, SECRET, ("HS256",), audience=[])
    with pytest.raises(TypeError):
        _verify(one, SECRET, ("HS256",), audience=5)
    with pytest.raises(TypeError):
        _verify(one, SECRET, ("HS256",), audience=["app1", 5])


def test_jwt_issuer(rs):
    token = jwt.encode(_claims(iss="https://idp.example"), SECRET, algorithm="HS256")
    assert _verify(token, SECRET, ("HS256",), issuer="https://idp.example")
    assert _verify(token, SECRET, ("HS256",))                 # not checked when not asked
    with pytest.raises(_core.JWTClaimsError, match="issuer"):
        _verify(token, SECRET, ("HS256",), issuer="https://evil.example")
    no_iss = jwt.encode(_claims(), SECRET, algorithm="HS256")
    with pytest.raises(_core.JWTClaimsError, match="no 'iss'"):
        _verify(no_iss, SECRET, ("HS256",), issuer="https://idp.example")
    bad = _raw_token({"alg": "HS256"}, {"iss": 7}, SECRET, "HS256")
    with pytest.raises(_core.JWTClaimsError, match="iss"):
        _verify(bad, SECRET, ("HS256",), issuer="7")
    with pytest.raises(TypeError):
        _verify(token, SECRET, ("HS256",), issuer=b"https://idp.example")


def test_jwt_option_arguments():
    token = jwt.encode(_claims(), SECRET, algorithm="HS256")
    with pytest.raises(ValueError):
        _verify(token, SECRET, ("HS256",), leeway=-1)
    with pytest.raises(ValueError):
        _verify(token, SECRET, ("HS256",), leeway=float("nan"))
    with pytest.raises(TypeError):
        _verify(token, SECRET, ("HS256",), leeway="5")
    with pytest.raises(TypeError):
        _verify(token, SECRET, ("HS256",), now="now")
    with pytest.raises(ValueError):
        _verify(token, SECRET, ("HS256",), now=float("inf"))
    with pytest.raises(TypeError):
        _core.jwt_verify(token, SECRET, ["HS256"], 0)           # options are keyword-only
    with pytest.raises(TypeError):
        _core.jwt_verify(token, SECRET, ["HS256"], bogus=1)
    with pytest.raises(TypeError):
        _core.jwt_verify(token, SECRET)
    fresh = jwt.encode({"exp": int(time.time()) + 600}, SECRET, algorithm="HS256")
    assert _core.jwt_verify(fresh, SECRET, ["HS256"], now=None, audience=None, issuer=None,
                            leeway=0)["exp"] > time.time()


# --------------------------------------------------------------- JWT: malformed

def test_jwt_malformed_structure(rs):
    good = jwt.encode(_claims(), SECRET, algorithm="HS256")
    h, p, s = good.split(".")
    cases = [
        f"{h}.{p}",                        # 2 parts
        f"{h}.{p}.{s}.{s}",                # 4 parts
        "",                                # empty
        "..",                              # empty parts
        f".{p}.{s}",
        f"{h}..{s}",
        f"{h}!.{p}.{s}",                   # bad base64 in header
        f"{h}.{p}*.{s}",                   # bad base64 in payload
        f"{h}.{p}.{s}+",                   # bad base64 in signature
        f"{h}.{p}x.{s}",                   # impossible base64 length
        "ünïcode." + p + "." + s,
    ]
    for token in cases:
        with pytest.raises(_core.JWTDecodeError):
            _verify(token, SECRET, ("HS256",))
    with pytest.raises(TypeError):
        _verify(12, SECRET, ("HS256",))


def test_jwt_header_and_payload_must_be_json_objects(rs):
    cases = [
        ("not json", _claims()),
        (["HS256"], _claims()),
        ({"alg": "HS256"}, "[1, 2, 3]"),
        ({"alg": "HS256"}, '"just a string"'),
        ({"alg": "HS256"}, "{bad json"),
        ({"alg": "HS256"}, "123"),
    ]
    for header, payload in cases:
        token = _raw_token(header, payload, SECRET, "HS256")
        with pytest.raises(_core.JWTDecodeError):
            _verify(token, SECRET, ("HS256",))
    # The JSON failure is chained.
    token = _raw_token("{nope", _claims(), SECRET, "HS256")
    with pytest.raises(_core.JWTDecodeError) as ei:
        _verify(token, SECRET, ("HS256",))
    assert isinstance(ei.value.__cause__, ValueError)
    # No alg, alg not a string, unsupported crit extension.
    for header in ({"typ": "JWT"}, {"alg": 256}, {"alg": "HS256", "crit": ["b64"], "b64": False}):
        token = _raw_token(header, _claims(), SECRET, "HS256")
        with pytest.raises(_core.JWTDecodeError):
            _verify(token, SECRET, ("HS256",))


# --------------------------------------------------------------- threads

def test_concurrent_encrypt_and_verify(keys, rs):
    """4 threads encrypting (GIL-held 1024, GIL-free 3072) and verifying at once."""
    pem_small = _pem(keys[1024], "spki")
    pem_big = _pem(keys[3072], "pkcs1")
    rs_token = jwt.encode(_claims(), rs["priv"], algorithm="RS256")
    big_token = jwt.encode(_claims(), keys[3072], algorithm="RS256")
    hs_token = jwt.encode(_claims(), SECRET, algorithm="HS256")
    errors: list = []
    results: list = []
    barrier = threading.Barrier(4)

    def worker(idx: int) -> None:
        try:
            barrier.wait()
            for i in range(60):
                msg = f"t{idx}-{i}"
                results.append((1024, msg, _core.rsa_encrypt(pem_small, msg)))
                if i % 4 == 0:
                    results.append((3072, msg, _core.rsa_encrypt(pem_big, msg)))
                assert _verify(rs_token, rs["jwk"] if i % 2 else rs["pem"]) == _claims()
                assert _verify(hs_token, SECRET, ("HS256",)) == _claims()
                if i % 4 == 1:
                    assert _verify(big_token, pem_big) == _claims()
                    with pytest.raises(_core.JWTSignatureError):
                        _verify(_tamper_sig(rs_token), rs["pem"])
        except BaseException as e:     # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert len(results) == 4 * (60 + 15)
    for bits, msg, ct in results:
        assert keys[bits].decrypt(base64.b64decode(ct), PKCS1) == msg.encode()


# --------------------------------------------------------------- limits

def _weak_pem(bits: int) -> tuple[str, dict]:
    """A public key of `bits` bits (an odd modulus; never used to sign)."""
    n = (1 << (bits - 1)) | (int.from_bytes(os.urandom(bits // 8), "big") % (1 << (bits - 1))) | 1
    pub = rsa.RSAPublicNumbers(65537, n).public_key()
    pem = pub.public_bytes(serialization.Encoding.PEM,
                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return pem, {"kty": "RSA", "n": _b64u_int(n), "e": "AQAB"}


@pytest.mark.parametrize("bits", [512, 768, 1016])
def test_rsa_keys_under_1024_bits_are_refused(rs, bits):
    assert _core.RSA_MIN_BITS == 1024
    pem, jwk = _weak_pem(bits)
    with pytest.raises(_core.CryptoError, match="out of range"):
        _core.rsa_encrypt(pem, "passw0rd")
    token = jwt.encode(_claims(), rs["priv"], algorithm="RS256")
    for key in (pem, jwk):
        with pytest.raises(_core.CryptoError, match="out of range"):
            _verify(token, key)


def test_jwt_size_cap(rs):
    assert _core.JWT_MAX_BYTES == 16 * 1024
    big = jwt.encode(_claims(pad="x" * 20_000), rs["priv"], algorithm="RS256")
    for token in (big, big.encode()):
        with pytest.raises(_core.JWTDecodeError, match="larger than max_bytes"):
            _verify(token, rs["pem"])
    assert _verify(big, rs["pem"], max_bytes=len(big))["pad"] == "x" * 20_000
    small = jwt.encode(_claims(), rs["priv"], algorithm="RS256")
    assert _verify(small, rs["pem"], max_bytes=len(small)) == _claims()
    with pytest.raises(_core.JWTDecodeError, match="larger than max_bytes"):
        _verify(small, rs["pem"], max_bytes=len(small) - 1)
    # the cap is checked before anything is decoded: even garbage gets the size error
    with pytest.raises(_core.JWTDecodeError, match="larger than max_bytes"):
        _verify("!" * (_core.JWT_MAX_BYTES + 1), rs["pem"])
    for bad in (0, -1):
        with pytest.raises(ValueError):
            _verify(small, rs["pem"], max_bytes=bad)
    with pytest.raises(TypeError):
        _verify(small, rs["pem"], max_bytes="10")
