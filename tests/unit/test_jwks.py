"""The JWKS key set without sockets: cache lifetimes from the answer's headers, refreshes on a
fake clock, stale keys kept when a refresh fails, key selection, refetch limits, and the
verifier's argument checks."""
import pytest

from approw.v2.authentication.jwks import KeySet, cache_lifetime
from approw.v2.authentication.verifier import TokenVerifier
from approw.v2.exceptions import ApprowHTTPError, ApprowTokenError, ApprowWrongArgumentException
from approw import _core

URL = "https://idp.example.test/oidc/.well-known/jwks.json"


def jwk(kid, **extra):
    return dict({"kty": "RSA", "kid": kid, "n": "sXch", "e": "AQAB", "use": "sig", "alg": "RS256"}, **extra)


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.mark.parametrize("headers, ttl", [
    ({}, 300.0),
    ({"cache-control": "public, max-age=600"}, 600.0),
    ({"cache-control": "max-age=5"}, 60.0),                       # at least a minute
    ({"cache-control": "max-age=9999999"}, 86400.0),              # at most a day
    ({"cache-control": "no-store"}, 60.0),
    ({"expires": "Thu, 01 Jan 2037 00:10:00 GMT", "date": "Thu, 01 Jan 2037 00:00:00 GMT"}, 600.0),
    ({"expires": "garbage"}, 60.0),
])
def test_cache_lifetime(headers, ttl):
    assert cache_lifetime(headers) == ttl


def test_refresh_on_expiry_and_stale_keys_on_failure(fake):
    clock = Clock()
    fake.answer_rest("GET", "/oidc/.well-known/jwks.json", {"keys": [jwk("a")]},
                     headers={"content-type": "application/json", "cache-control": "max-age=120"})
    keys = KeySet(URL, clock=clock)
    assert keys.get("a") is None                  # nothing yet: the caller loads
    assert keys.load("a")["kid"] == "a" and keys.fetches == 1
    assert keys.get("a")["kid"] == "a" and keys.get(None)["kid"] == "a"   # a set of one: no kid needed
    clock.now += 119
    assert keys.get("a") is not None
    clock.now += 1
    assert keys.get("a") is None                  # stale
    fake.answer_rest("GET", "/oidc/.well-known/jwks.json", _core.ConnectionError("down"))
    assert keys.load("a")["kid"] == "a" and keys.fetches == 2     # the failure keeps the old keys
    assert keys.get("a") is not None              # retried after refetch_interval
    clock.now += 61
    fake.answer_rest("GET", "/oidc/.well-known/jwks.json", {"keys": [jwk("a"), jwk("b"),
                                                                     jwk("enc", use="enc"), {"kty": "EC"}]})
    assert keys.load("b")["kid"] == "b" and keys.fetches == 3
    assert keys.get("enc") is None and keys.get(None) is None
    with pytest.raises(ApprowTokenError) as info:
        keys.load(None)                           # two keys: a token must name its kid
    assert info.value.reason == "unknown_key"


def test_first_fetch_failures_raise(fake):
    fake.answer_rest("GET", "/oidc/.well-known/jwks.json", b"<html>", status=200)
    with pytest.raises(ApprowHTTPError, match="not JSON"):
        KeySet(URL).load("a")
    fake.answer_rest("GET", "/oidc/.well-known/jwks.json", {"keys": "no"})
    with pytest.raises(ApprowHTTPError, match="not a JWKS"):
        KeySet(URL).load("a")
    fake.answer_rest("GET", "/oidc/.well-known/jwks.json", {"error": "x"}, status=404)
    with pytest.raises(ApprowHTTPError, match="HTTP 404"):
        KeySet(URL).load("a")


def test_unknown_kids_refetch_at_most_once_per_interval(fake):
    clock = Clock()
    fake.answer_rest("GET", "/oidc/.well-known/jwks.json", {"keys": [jwk("a")]})
    keys = KeySet(URL, clock=clock, refetch_interval=30)
    keys.load("a")
    for _ in range(3):
        with pytest.raises(ApprowTokenError):
            keys.load("x")
    assert keys.fetches == 2
    clock.now += 30
    fake.answer_rest("GET", "/oidc/.well-known/jwks.json", {"keys": [jwk("a"), jwk("x")]})
    assert keys.load("x")["kid"] == "x" and keys.fetches == 3


def test_verifier_arguments():
    for bad in ({"issuer": "idp"}, {"audience": ""}, {"audience": [1]}, {"algorithms": ["ES256"]},
                {"algorithms": ["HS256"]}, {"leeway": -1}, {"secret": ""}):
        args = dict({"issuer": "https://idp.example.test/oidc", "audience": "app1"}, **bad)
        with pytest.raises(ApprowWrongArgumentException):
            TokenVerifier(**args)
    verifier = TokenVerifier("https://idp.example.test/oidc/", ["app1", "app2"], secret="s")
    assert verifier.algorithms == ("RS256", "HS256") and verifier.issuer == "https://idp.example.test/oidc"
    assert verifier.key_set.jwks_uri == "https://idp.example.test/oidc/.well-known/jwks.json"
    assert "app1" in repr(verifier)


def test_an_over_cap_token_is_refused_before_decoding_caching_or_a_key_fetch(fake):
    """60 different 1 MB tokens with unknown kids once left 77 MiB in the header cache and
    asked the provider for keys; now each is refused by its length alone."""
    import asyncio
    import base64
    import json as _json

    from approw.v2.authentication.verifier import AsyncTokenVerifier

    fake.answer_rest("GET", "/oidc/.well-known/jwks.json", {"keys": [jwk("a")]})
    verifier = TokenVerifier("https://idp.example.test/oidc", "app1")
    averifier = AsyncTokenVerifier("https://idp.example.test/oidc", "app1")
    for i in range(60):
        header = {"alg": "RS256", "kid": "k%d" % i, "pad": "x" * (1 << 20)}
        token = base64.urlsafe_b64encode(_json.dumps(header).encode()).decode().rstrip("=") + ".e30.sig"
        with pytest.raises(ApprowTokenError) as ei:
            verifier.verify(token)
        assert ei.value.reason == "malformed" and "longer than" in str(ei.value)
        with pytest.raises(ApprowTokenError):
            asyncio.run(averifier.verify(token))
    assert not verifier._headers and not averifier._headers
    assert verifier.key_set.fetches == 0 and not fake.calls
    at_cap = "a" * _core.JWT_MAX_BYTES
    with pytest.raises(ApprowTokenError) as ei:
        verifier.verify(at_cap)                            # at the cap: decoded, and malformed
    assert "longer than" not in str(ei.value)


@pytest.mark.parametrize("kwargs", [{"nonce": 5}, {"nonce": b"n"}, {"nonce": "\ud800"}, {"access_token": 5},
                                    {"access_token": "\u00e9t\u00e9"}])
def test_verify_checks_nonce_and_access_token(kwargs):
    import asyncio

    from approw.v2.authentication.verifier import AsyncTokenVerifier

    for verifier in (TokenVerifier("https://idp.example.test/oidc", "app1", secret="s" * 32),
                     AsyncTokenVerifier("https://idp.example.test/oidc", "app1", secret="s" * 32)):
        with pytest.raises(ApprowWrongArgumentException) as ei:
            result = verifier.verify("a.b.c", **kwargs)
            if asyncio.iscoroutine(result):
                asyncio.run(result)
        assert next(iter(kwargs)) in str(ei.value)
