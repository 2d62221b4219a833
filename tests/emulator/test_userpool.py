"""The user pool: management tokens (accessToken, refreshAccessToken), the JWKS, pool settings."""

from __future__ import annotations

import time

import pytest

pytest.importorskip("graphql")
from token_helpers import b64d, parts, verify_with_jwks  # noqa: E402

ACCESS_TOKEN = "query($p: String!, $s: String!) { accessToken(userPoolId: $p, secret: $s) { accessToken exp iat } }"


def test_access_token_is_an_rs256_jwt_verifiable_with_the_jwks(emu, jwks):
    with emu.client() as c:
        result = c.graphql(ACCESS_TOKEN, {"p": emu.user_pool_id, "s": emu.secret})["data"]["accessToken"]
    header, _, _ = parts(result["accessToken"])
    assert header["alg"] == "RS256" and header["kid"] == jwks["keys"][0]["kid"]
    claims = verify_with_jwks(jwks, result["accessToken"])
    assert (claims["iat"], claims["exp"]) == (result["iat"], result["exp"])
    assert claims["exp"] - claims["iat"] == 7 * 24 * 3600  # cached by clients until exp - 1 h
    assert abs(claims["iat"] - time.time()) < 60
    assert claims["data"]["type"] == "userpool" and claims["data"]["userPoolId"] == emu.user_pool_id


def test_jwks_shape(jwks):
    (key,) = jwks["keys"]
    assert key["kty"] == "RSA" and key["alg"] == "RS256" and key["use"] == "sig" and key["e"] == "AQAB"
    assert len(b64d(key["n"])) == 256


@pytest.mark.parametrize("which, code", [("secret", 1001), ("pool", 2224)])
def test_access_token_with_wrong_credentials_is_an_error(emu, which, code):
    variables = {"p": emu.user_pool_id, "s": emu.secret}
    variables["s" if which == "secret" else "p"] = "wrong"
    with emu.client() as c:
        body = c.graphql(ACCESS_TOKEN, variables)
    assert body["data"] is None and body["errors"][0]["message"]["code"] == code


@pytest.mark.parametrize(
    "authorization, code",
    [
        (None, 2020),
        ("Bearer", 2020),
        ("Bearer not-a-jwt", 2020),
        ("Basic dXNlcjpwYXNz", 2020),
    ],
)
def test_management_operations_need_the_management_token(emu, authorization, code):
    headers = {"Authorization": authorization} if authorization else {}
    with emu.client() as c:
        body = c.graphql("{ users { totalCount } }", headers=headers)
    assert body["errors"][0]["message"]["code"] == code


def test_a_user_token_has_no_permission_for_management_operations(emu, login):
    _, token = login()
    with emu.client(token) as c:
        for doc in ("{ users { totalCount } }", '{ findUser(username: "x") { id } }',
                    'mutation { deleteUser(id: "x") { code } }'):
            assert c.graphql(doc)["errors"][0]["message"]["code"] == 1001


def test_an_expired_management_token_is_refused(emu):
    with emu.client(emu.management_token(expires_in=-5)) as c:
        assert c.graphql("{ users { totalCount } }")["errors"][0]["message"]["code"] == 2020


def test_refresh_access_token(emu):
    old = emu.management_token()
    doc = "mutation($t: String) { refreshAccessToken(accessToken: $t) { accessToken exp iat } }"
    with emu.client() as c:
        fresh = c.graphql(doc, {"t": old})["data"]["refreshAccessToken"]
        assert fresh["accessToken"] != old and fresh["exp"] > fresh["iat"]
        assert c.graphql("{ users { totalCount } }", token=fresh["accessToken"]).get("errors") is None
        assert c.graphql(doc, {"t": "garbage"})["errors"][0]["message"]["code"] == 2207


def test_userpool_query(approw_emulator):
    with approw_emulator.client(approw_emulator.management_token()) as admin:
        body = admin.graphql("{ userpool { id secret tokenExpiresAfter registerDisabled emailVerifiedDefault "
                             "whitelist { emailEnabled } changeEmailStrategy { verifyOldEmail } verifyCodeLength } }")
    pool = body["data"]["userpool"]
    assert pool["id"] == approw_emulator.user_pool_id and pool["secret"] == approw_emulator.secret
    assert pool["tokenExpiresAfter"] == 15 * 24 * 3600 and pool["registerDisabled"] is False
    with approw_emulator.client() as c:
        assert c.graphql("{ userpool { id } }")["errors"][0]["message"]["code"] == 2020
