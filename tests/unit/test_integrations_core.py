"""The framework-neutral parts of approw.integrations: the TTL cache, the principal built
from claims, permission and role answers from claims, settings from a mapping or the
environment, and the mapping of SDK errors to HTTP answers (RFC 6750); and the SDK core
never imports the integrations (nor the page iterators or the input tables) by itself."""
import subprocess
import sys

import pytest

from approw.integrations.cache import MISSING, TTLCache, invalidate
from approw.integrations.core import ApprowSettings, Principal, bearer_token, claims_allow, error_response
from approw.v2.exceptions import (ApprowConnectionError, ApprowException, ApprowHTTPError, ApprowTokenError,
                                  ApprowWrongArgumentException, PermissionDeniedError, RateLimitedError,
                                  UserExistsError, WrongPasswordError)


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_cache_ttl_bound_and_invalidation():
    clock = Clock()
    cache = TTLCache(ttl=10, maxsize=3, clock=clock)
    assert cache.get(("u1", "allow")) is MISSING
    cache.set(("u1", "allow"), True)
    cache.set(("u1", "roles"), frozenset({"admin"}))
    cache.set(("u2", "allow"), False)
    assert cache.get(("u1", "allow")) is True and cache.get(("u2", "allow")) is False
    cache.set(("u3", "allow"), True)                 # over maxsize: the least recently used goes
    assert len(cache) == 3 and cache.get(("u1", "roles")) is MISSING
    clock.now += 10
    assert cache.get(("u1", "allow")) is MISSING     # expired
    cache.set(("u1", "allow"), True)
    cache.set(("u1", "x"), 1)
    assert cache.invalidate("u1") == 2 and cache.get(("u1", "allow")) is MISSING
    assert cache.get(("u3", "allow")) is MISSING     # expired meanwhile
    cache.set(("u4", "allow"), True)
    cache.clear()
    assert len(cache) == 0 and cache.hits >= 2 and cache.misses >= 4
    one, two = TTLCache(), TTLCache()
    one.set(("u1", "a"), 1)
    two.set(("u1", "b"), 2)
    two.set(("u2", "b"), 3)
    assert invalidate("u1") == 2 and one.get(("u1", "a")) is MISSING and two.get(("u2", "b")) == 3
    assert invalidate() >= 1 and len(two) == 0
    off = TTLCache(ttl=0)
    off.set(("u", "k"), 1)
    assert off.get(("u", "k")) is MISSING
    for bad in ({"ttl": -1}, {"ttl": "1"}, {"maxsize": 0}, {"maxsize": True}):
        with pytest.raises(ApprowWrongArgumentException):
            TTLCache(**bad)


def test_principal_from_claims():
    claims = {"sub": "u1", "aud": "app1", "userpool_id": "pool1", "scope": "openid profile",
              "data": {"id": "u1", "userPoolId": "pool1", "appId": "app1", "username": "bob", "email": "b@x.io",
                       "phone": None},
              "roles": ["admin", {"code": "editor"}, 3], "permissions": [{"resource": "books:*", "actions": ["read"]}]}
    p = Principal.from_claims(claims, "tok")
    assert (p.user_id, p.user_pool_id, p.app_id, p.username, p.email, p.phone) == ("u1", "pool1", "app1", "bob",
                                                                                   "b@x.io", None)
    assert p.scopes == ("openid", "profile") and p.has_scope("profile") and p.roles == ("admin", "editor")
    assert p.is_authenticated and "tok" not in repr(p) and "claims" not in repr(p)
    bare = Principal.from_claims({"sub": "u2", "aud": ["a", "b"], "scp": ["x", 1]}, "t")
    assert bare.app_id == "a" and bare.scopes == ("x",) and bare.roles is None and bare.permissions is None
    assert claims_allow(bare, "books:1", "read", None) is None
    assert claims_allow(p, "books:1", "read", None) is True
    assert claims_allow(p, "books:1", "write", None) is False
    assert claims_allow(p, "films:1", "read", None) is False
    scoped = Principal.from_claims({"sub": "u", "permissions": [
        {"code": "*", "action": "*", "namespace": "shop"}]}, "t")
    assert claims_allow(scoped, "x", "y", "shop") is True and claims_allow(scoped, "x", "y", "other") is False


def test_settings_from_mapping_and_env():
    s = ApprowSettings.from_env(environ={"APPROW_HOST": "http://h", "APPROW_APP_ID": "a", "APPROW_CACHE_TTL": "5",
                                         "APPROW_CHECK_REVOKED": "true", "APPROW_AUDIENCE": "a, b",
                                         "APPROW_SECRET": "", "OTHER": "x"})
    assert (s.host, s.app_id, s.cache_ttl, s.check_revoked, s.audience, s.secret) == (
        "http://h", "a", 5.0, True, ["a", "b"], None)
    assert "s3" not in repr(ApprowSettings(host="http://h", app_id="a", secret="s3", app_secret="s3"))
    for bad, match in (({"APP_ID": "a"}, "HOST"), ({"HOST": "h", "APP_ID": "a", "CACHE_TL": 1}, "CACHE_TL"),
                       ({"HOST": "h", "APP_ID": "a", "TIMEOUT": "soon"}, "timeout"),
                       ({"HOST": "h", "APP_ID": "a", "CHECK_REVOKED": "maybe"}, "check_revoked")):
        with pytest.raises(ApprowWrongArgumentException, match=match):
            ApprowSettings.from_mapping(bad)
    for bad in ({"host": None}, {"host": "h"}, {"app_id": ""}, {"secret": 3}, {"audience": "a"},
                {"cache_ttl": -1}, {"cache_size": 0}, {"timeout": 1.5}, {"check_revoked": "yes"}):
        with pytest.raises(ApprowWrongArgumentException):
            ApprowSettings(**{"host": "http://h", "app_id": "a", **bad})
    with pytest.raises(ApprowWrongArgumentException, match="user_pool_id and secret"):
        ApprowSettings(host="http://h", app_id="a").management_options()


def test_bearer_token():
    assert bearer_token("Bearer abc") == "abc" and bearer_token("bearer  abc ") == "abc"
    for bad in (None, "", "Bearer", "Bearer ", "Basic abc", "abc"):
        with pytest.raises(ApprowTokenError) as info:
            bearer_token(bad)
        assert info.value.reason == "missing" and info.value.code == 2020


def test_error_answers():
    status, headers, body = error_response(ApprowTokenError(2020, "no token", reason="missing"))
    assert (status, headers) == (401, {"WWW-Authenticate": 'Bearer realm="approw"'})
    status, headers, body = error_response(ApprowTokenError(2206, 'it "expired"\r\n', reason="expired"), "shop")
    assert status == 401 and body["code"] == 2206 and body["error"] == "invalid_token"
    assert headers["WWW-Authenticate"] == 'Bearer realm="shop", error="invalid_token", error_description="it expired"'
    status, headers, body = error_response(PermissionDeniedError(1001, "needs the role 'admin'"))
    assert status == 403 and 'error="insufficient_scope"' in headers["WWW-Authenticate"]
    status, headers, body = error_response(ApprowConnectionError(500, "refused"))
    assert status == 503 and headers == {} and body["error"] == "service_unavailable"
    busy = ApprowHTTPError(503, "busy")
    busy.retry_after = "30"
    assert error_response(busy)[:2] == (503, {"Retry-After": "30"})
    cause = RuntimeError("core")
    cause.retry_after = "7"
    chained = ApprowHTTPError(503, "busy")
    chained.__cause__ = cause
    assert error_response(chained)[1] == {"Retry-After": "7"}
    assert error_response(RateLimitedError(2100, "slow down"))[0] == 503
    assert error_response(UserExistsError(2026, "exists"))[0] == 409
    assert error_response(WrongPasswordError(2006, "wrong"))[:1] == (400,)
    assert error_response(ApprowWrongArgumentException("bad"))[2]["error"] == "invalid_request"
    assert error_response(ApprowException(500, "role not exists"))[0] == 400


def test_the_sdk_does_not_import_integrations_paging_or_input_tables():
    code = ("import sys; import approw.v2.management, approw.v2.authentication; "
            "print(sorted(m for m in sys.modules if m.startswith('approw.integrations') or m in "
            "('approw.v2.common.inputs', 'approw.v2.common.paging', 'approw.v2.common._async.paging', "
            "'difflib', 'fastapi', 'starlette', 'flask', 'django', 'rest_framework')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
