"""Options classes: parameters, order, defaults, derived values, validation."""
import inspect
from typing import Any
import warnings

import pytest

from approw.v2.authentication import AuthenticationClientOptions
from approw.v2.authentication import types as auth_types
from approw.v2.exceptions import ApprowException, ApprowWrongArgumentException
from approw.v2.management import ManagementClientOptions
from approw.v2.management import types as mgmt_types

PEM_LINES = [
    "-----BEGIN PUBLIC KEY-----",
    "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC4xKeUgQ+Aoz7TLfAfs9+paePb",
    "5KIofVthEopwrXFkp8OCeocaTHt9ICjTT2QeJh6cZaDaArfZ873GPUn00eOIZ7Ae",
    "+TiA2BKHbCvloW3w5Lnqm70iSsUi5Fmu9/2+68GZRH9L7Mlh8cFksCicW2Y2W2uM",
    "GKl64GDcIq3au+aqJQIDAQAB",
    "-----END PUBLIC KEY-----",
]


def _params(cls: type) -> list:
    sig = inspect.signature(cls.__init__)
    return [(p.name, p.default, p.kind) for p in list(sig.parameters.values())[1:]]


def test_management_signature() -> None:
    P = inspect.Parameter
    empty = P.empty
    assert _params(ManagementClientOptions) == [
        ("user_pool_id", empty, P.POSITIONAL_OR_KEYWORD),
        ("secret", None, P.POSITIONAL_OR_KEYWORD),   # optional with access_token
        ("host", None, P.POSITIONAL_OR_KEYWORD),
        ("enc_public_key", None, P.POSITIONAL_OR_KEYWORD),
        ("on_error", None, P.POSITIONAL_OR_KEYWORD),
        ("timeout", None, P.POSITIONAL_OR_KEYWORD),       # None: 10000 (ms), from the C core
        ("lang", None, P.POSITIONAL_OR_KEYWORD),
        ("use_unverified_ssl", False, P.POSITIONAL_OR_KEYWORD),
        ("ca_bundle", None, P.KEYWORD_ONLY),
        ("access_token", None, P.KEYWORD_ONLY),
        ("max_retries", 2, P.KEYWORD_ONLY),
        ("retry_mutations", False, P.KEYWORD_ONLY),
        ("max_response_bytes", 32 * 1024 * 1024, P.KEYWORD_ONLY),
    ]


def test_authentication_signature() -> None:
    names = [n for n, _, _ in _params(AuthenticationClientOptions)]
    assert names == [
        "app_id", "app_host", "user_pool_id", "token", "host", "enc_public_key", "on_error",
        "timeout", "lang", "websocket_host", "protocol", "secret", "token_endpoint_auth_method",
        "introspection_endpoint_auth_method", "revocation_endpoint_auth_method",
        "redirect_uri", "use_unverified_ssl", "access_token", "ca_bundle", "max_retries",
        "retry_mutations", "max_response_bytes",
    ]
    defaults = {n: d for n, d, _ in _params(AuthenticationClientOptions)}
    assert defaults["timeout"] is None and defaults["use_unverified_ssl"] is False
    assert (defaults["max_retries"], defaults["retry_mutations"], defaults["max_response_bytes"]) \
        == (2, False, 32 * 1024 * 1024)
    assert all(defaults[n] is None for n in names if n not in (
        "timeout", "use_unverified_ssl", "max_retries", "retry_mutations", "max_response_bytes"))
    kinds = {n: k for n, _, k in _params(AuthenticationClientOptions)}
    assert kinds["access_token"] == kinds["ca_bundle"] == inspect.Parameter.KEYWORD_ONLY


def test_management_defaults() -> None:
    o = ManagementClientOptions("pool", "secret")
    assert o.user_pool_id == "pool" and o.secret == "secret"
    assert o.host == "https://core.approw.com"
    assert o.graphql_endpoint == "https://core.approw.com/graphql/v2"
    assert o.enc_public_key == mgmt_types.DEFAULT_ENCRYPT_PUBLICKEY
    assert o.on_error is mgmt_types.DEFAULT_ONERROR
    assert o.timeout == 10000 and o.timeout_ms == 10000
    assert o.lang is None and o.use_unverified_ssl is False and o.ca_bundle is None
    assert o.app_id is None


def test_authentication_defaults_and_derived() -> None:
    o = AuthenticationClientOptions(app_id="app")
    assert o.host == "https://core.approw.com"
    assert o.protocol == "oidc"
    assert o.token_endpoint_auth_method == "client_secret_post"
    assert o.introspection_endpoint_auth_method == "client_secret_post"
    assert o.revocation_endpoint_auth_method == "client_secret_post"
    assert o.token is None and o.user_pool_id is None and o.app_host is None
    o = AuthenticationClientOptions(app_id="a", app_host="https://me.approw.test",
                                    host="https://other.test", protocol="oauth",
                                    token_endpoint_auth_method="none")
    assert o.host == "https://me.approw.test"  # app_host wins
    assert o.graphql_endpoint == "https://me.approw.test/graphql/v2"
    assert o.protocol == "oauth" and o.token_endpoint_auth_method == "none"


def test_host_trailing_slash_is_normalised() -> None:
    o = ManagementClientOptions("p", "s", host="https://private.test/")
    assert o.host == "https://private.test"
    assert o.graphql_endpoint == "https://private.test/graphql/v2"


def test_access_token_alias() -> None:
    o = AuthenticationClientOptions(app_id="a", access_token="tok")
    assert o.token == "tok" and o.access_token == "tok"
    assert AuthenticationClientOptions(app_id="a", token="t", access_token="t").token == "t"
    with pytest.raises(ApprowWrongArgumentException):
        AuthenticationClientOptions(app_id="a", token="t1", access_token="t2")


def test_app_id_or_user_pool_id_required() -> None:
    with pytest.raises(Exception, match="^Please provide app_id or user_pool_id$"):
        AuthenticationClientOptions()
    assert AuthenticationClientOptions(user_pool_id="p").user_pool_id == "p"


@pytest.mark.parametrize("bad", [0, -5, "10000", [], True, float("nan")])
def test_bad_timeout(bad: object) -> None:
    with pytest.raises(ApprowWrongArgumentException, match="timeout"):
        ManagementClientOptions("p", "s", timeout=bad)  # type: ignore[arg-type]


def test_timeout_in_seconds_warns() -> None:
    with pytest.warns(UserWarning, match="milliseconds") as record:
        o = AuthenticationClientOptions(app_id="a", timeout=10.0)
    assert record[0].filename == __file__  # points at the caller
    assert o.timeout_ms == 10
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert ManagementClientOptions("p", "s", timeout=100).timeout_ms == 100
        assert ManagementClientOptions("p", "s", timeout=2500.7).timeout_ms == 2500


@pytest.mark.parametrize("kwargs, match", [
    ({"host": "core.approw.com"}, "host"),
    ({"on_error": "raise"}, "on_error"),
    ({"lang": 1}, "lang"),
    ({"ca_bundle": 3}, "ca_bundle"),
    ({"enc_public_key": 5}, "enc_public_key"),
])
def test_bad_common_values(kwargs: dict, match: str) -> None:
    with pytest.raises(ApprowWrongArgumentException, match=match):
        ManagementClientOptions("p", "s", **kwargs)


@pytest.mark.parametrize("args", [(None, "s"), ("p", ""), ("", "s"), ("p", 5)])
def test_management_requires_pool_and_secret(args: tuple) -> None:
    with pytest.raises(ApprowWrongArgumentException):
        ManagementClientOptions(*args)


def test_constants_in_both_types_modules() -> None:
    for mod in (mgmt_types, auth_types):
        key = mod.DEFAULT_ENCRYPT_PUBLICKEY
        assert key == "\n" + "\n".join(PEM_LINES) + "\n"
        with pytest.raises(ApprowException) as info:
            mod.DEFAULT_ONERROR(2004, "User does not exist")
        assert (info.value.code, info.value.message) == (2004, "User does not exist")
    assert mgmt_types.DEFAULT_ONERROR is auth_types.DEFAULT_ONERROR


def test_default_key_is_rsa_1024() -> None:
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_public_key(mgmt_types.DEFAULT_ENCRYPT_PUBLICKEY.strip().encode())
    assert key.key_size == 1024  # type: ignore[union-attr]


def test_repr_hides_secrets() -> None:
    o = ManagementClientOptions("pool", "very-secret")
    assert "very-secret" not in repr(o) and "pool" in repr(o)
    a = AuthenticationClientOptions(app_id="a", token="user-token", secret="app-secret")
    assert "user-token" not in repr(a) and "app-secret" not in repr(a)


@pytest.mark.parametrize("make, message", [
    (lambda: AuthenticationClientOptions(app_id="a", token="t\r\nX-Evil: 1"), "token must not contain CR"),
    (lambda: AuthenticationClientOptions(app_id="a\n"), "app_id must not contain CR"),
    (lambda: AuthenticationClientOptions(app_id="a", secret="s\0"), "secret must not contain CR"),
    (lambda: ManagementClientOptions("p\r", "s"), "user_pool_id must not contain CR"),
    (lambda: ManagementClientOptions("p", access_token="t\n"), "access_token must not contain CR"),
    (lambda: ManagementClientOptions("p", "s", lang="en\r\n"), "lang must not contain CR"),
    (lambda: ManagementClientOptions("p", "s", host="http://a b"), "host must be an absolute URL"),
    (lambda: ManagementClientOptions("p", "s", ca_bundle="/no/such/ca.pem"), "is not a readable file"),
    (lambda: ManagementClientOptions("p", "s", max_retries=-1), "max_retries must be an int"),
    (lambda: ManagementClientOptions("p", "s", max_retries=True), "max_retries must be an int"),
    (lambda: ManagementClientOptions("p", "s", max_response_bytes=0), "max_response_bytes must be"),
    (lambda: ManagementClientOptions("p"), "secret must be a non-empty str (or give access_token)"),
])
def test_options_validated_when_built(make: Any, message: str) -> None:
    with pytest.raises(ApprowWrongArgumentException) as ei:
        make()
    assert message in str(ei.value)
    assert "X-Evil" not in str(ei.value)      # a value that may be a secret is not echoed


def test_management_access_token_is_used_without_fetching(fake: Any) -> None:
    from approw.v2.management import ManagementClient

    client = ManagementClient(ManagementClientOptions("pool1", access_token="given-token",
                                                      host="https://api.example.test"))
    fake.answer("users", {"totalCount": 0, "list": []})
    client.users.list()
    assert [c.operation for c in fake.calls] == ["users"]           # no accessToken query
    assert fake.last().headers["authorization"] == "Bearer given-token"
    assert "given-token" not in repr(client.options)
