"""User tokens: claims, refresh, checkLoginStatus, expiry, forgery, logout, validate_token."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import pytest

pytest.importorskip("graphql")
from cryptography.hazmat.primitives import hashes  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import padding, rsa  # noqa: E402
from token_helpers import LOGIN, b64e, me, parts, verify_with_jwks  # noqa: E402

STATUS = "query($t: String) { checkLoginStatus(token: $t) { code message status exp iat data { id userPoolId arn } } }"
REFRESH = "mutation($id: String) { refreshToken(id: $id) { token iat exp } }"


def reassemble(header: dict, claims: dict, signature: bytes) -> str:
    return ".".join([b64e(json.dumps(header).encode()), b64e(json.dumps(claims).encode()), b64e(signature)])


def status_of(emu, token=None, bearer=None):
    with emu.client() as c:
        body = c.graphql(STATUS, {"t": token} if token is not None else {}, token=bearer)
    assert "errors" not in body, body
    return body["data"]["checkLoginStatus"]


def test_user_token_claims(emu, jwks, login):
    user_id, token = login()
    claims = verify_with_jwks(jwks, token)
    assert claims["sub"] == user_id
    assert claims["aud"] == emu.app_id and claims["iss"] == emu.url + "/oidc"
    assert claims["exp"] - claims["iat"] == 15 * 24 * 3600
    assert claims["userpool_id"] == emu.user_pool_id
    data = claims["data"]
    assert data["type"] == "user" and data["id"] == data["userId"] == data["_id"] == user_id
    assert data["userPoolId"] == emu.user_pool_id and data["appId"] == emu.app_id
    assert data["username"].startswith("tok-") and data["email"] is None
    for claim in ("picture", "gender", "email_verified", "phone_number", "address", "updated_at", "jti"):
        assert claim in claims
    assert claims["gender"] == "U"


def test_token_lifetime_follows_the_option(approw_emulator_options):
    from approw.emulator.app import Emulator
    from approw.emulator.config import EmulatorConfig

    with Emulator(EmulatorConfig(hash_iterations=1000, token_lifetime=120, management_token_lifetime=90)) as e:
        user = e.create_user(username="short", password="pw-123456")
        token = e.user_token(user["id"])
        _, claims, _ = parts(token)
        assert claims["exp"] - claims["iat"] == 120
        _, mclaims, _ = parts(e.management_token())
        assert mclaims["exp"] - mclaims["iat"] == 90


def test_the_app_id_header_sets_the_audience(emu):
    user = emu.create_user(username="aud-%d" % time.monotonic_ns(), password="pw-aud-1")
    doc = LOGIN
    with emu.client() as c:
        body = c.graphql(doc, {"i": {"username": user["username"], "password": emu.encrypt_password("pw-aud-1")}},
                         headers={"x-approw-app-id": emu.app_id})
    assert parts(body["data"]["loginByUsername"]["token"])[1]["aud"] == emu.app_id


def test_refresh_gives_a_new_distinct_token_every_time(emu, login):
    user_id, token = login()
    with emu.client(token) as c:
        tokens = {c.graphql(REFRESH)["data"]["refreshToken"]["token"] for _ in range(3)}
    assert len(tokens) == 3 and token not in tokens
    for t in tokens | {token}:  # refreshing does not revoke
        assert me(emu, t)["data"]["id"] == user_id


def test_refresh_by_the_management_token_for_a_user(emu, login):
    user_id, _ = login()
    with emu.client(emu.management_token()) as c:
        result = c.graphql(REFRESH, {"id": user_id})["data"]["refreshToken"]
        assert result["exp"] - result["iat"] == 15 * 24 * 3600
        assert c.graphql(REFRESH, {"id": "000000000000000000000000"})["errors"][0]["message"]["code"] == 2004
        assert c.graphql(REFRESH)["errors"][0]["message"]["code"] == 2231
    assert me(emu, result["token"])["data"]["id"] == user_id


def test_refresh_needs_a_token_and_only_for_oneself(emu, login):
    user_id, token = login()
    other_id, _ = login()
    with emu.client() as c:
        assert c.graphql(REFRESH)["errors"][0]["message"]["code"] == 2020
        assert c.graphql(REFRESH, {"id": other_id}, token=token)["errors"][0]["message"]["code"] == 1001
        assert "errors" not in c.graphql(REFRESH, {"id": user_id}, token=token)


def test_check_login_status_of_a_valid_token(emu, login):
    user_id, token = login()
    result = status_of(emu, token)
    assert result["code"] == 200 and result["status"] is True
    _, claims, _ = parts(token)
    assert (result["exp"], result["iat"]) == (claims["exp"], claims["iat"])
    assert result["data"] == {"id": user_id, "userPoolId": emu.user_pool_id,
                              "arn": "arn:cn:approw:%s:user:%s" % (emu.user_pool_id, user_id)}


def test_check_login_status_falls_back_to_the_bearer_token(emu, login):
    user_id, token = login()
    assert status_of(emu, bearer=token)["data"]["id"] == user_id
    result = status_of(emu)  # neither variable nor header
    assert (result["status"], result["code"]) == (False, 2207)


def test_expired_user_token(emu, login):
    user_id, _ = login()
    expired = emu.user_token(user_id, expires_in=-60)
    assert me(emu, expired) == {"code": 2020, "message": "Not logged in yet, no permission to access this request"}
    result = status_of(emu, expired)
    assert (result["status"], result["code"], result["data"]) == (False, 2206, None)
    assert result["message"] == "Login information has expired, need to log in again"
    assert result["exp"] == parts(expired)[1]["exp"]


def _forgeries(emu, token):
    header, claims, signature = parts(token)
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    signing_input = token.rsplit(".", 1)[0].encode()
    tampered = dict(claims, data=dict(claims["data"], id="000000000000000000000000"))
    hs_secret = emu.public_key.encode()  # algorithm confusion: HMAC keyed with the public key
    hs_header = dict(header, alg="HS256")
    hs_input = (b64e(json.dumps(hs_header).encode()) + "." + token.split(".")[1]).encode()
    return {
        "payload changed": reassemble(header, tampered, signature),
        "alg none": reassemble(dict(header, alg="none"), claims, b""),
        "other key": reassemble(header, claims, other_key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())),
        "hs256 confusion": hs_input.decode() + "." + b64e(hmac.new(hs_secret, hs_input, hashlib.sha256).digest()),
        "truncated": token[:-10],
        "not a jwt": "1",
    }


def test_forged_tokens_are_rejected(emu, login):
    _, token = login()
    for name, forged in _forgeries(emu, token).items():
        assert me(emu, forged)["code"] == 2020, name
        result = status_of(emu, forged)
        assert (result["status"], result["code"]) == (False, 2207), name
        with emu.client(forged) as c:
            assert c.graphql("{ users { totalCount } }")["errors"][0]["message"]["code"] == 2020, name


def test_a_token_of_another_emulator_is_rejected(emu, approw_emulator_fresh):
    other = approw_emulator_fresh.create_user(username="elsewhere", password="pw-elsewhere")
    foreign = approw_emulator_fresh.user_token(other["id"])
    assert me(emu, foreign)["code"] == 2020
    assert status_of(emu, foreign)["code"] == 2207


def test_logout_revokes_exactly_that_token(emu, login):
    user_id, token = login()
    with emu.client(token) as c:
        second = c.graphql(REFRESH)["data"]["refreshToken"]["token"]
        status, body = c.get("/api/v2/logout?app_id=%s" % emu.app_id)
    assert (status, body["code"]) == (200, 200)
    assert me(emu, token)["code"] == 2020
    assert status_of(emu, token)["code"] == 2207
    assert me(emu, second)["data"]["id"] == user_id
    with emu.client(token) as c:
        assert c.get("/api/v2/logout?app_id=None")[1]["code"] == 2020  # already logged out


def test_logout_without_a_valid_token_is_2020(emu):
    with emu.client() as c:
        assert c.get("/api/v2/logout?app_id=x")[1] == {
            "code": 2020, "message": "Not logged in yet, no permission to access this request"}
        assert c.get("/api/v2/logout", token="garbage")[1]["code"] == 2020


def test_validate_token_endpoint(emu, login):
    user_id, token = login()
    with emu.client() as c:
        status, claims = c.get("/api/v2/oidc/validate_token?id_token=" + token)
        assert status == 200 and claims["sub"] == user_id and claims["data"]["id"] == user_id
        assert c.get("/api/v2/oidc/validate_token?access_token=" + token)[1]["sub"] == user_id
        assert c.get("/api/v2/oidc/validate_token?id_token=1")[1] == {"code": 400, "message": "id_token illegal"}
        assert c.get("/api/v2/oidc/validate_token?access_token=1")[1] == {"code": 400, "message": "access_token illegal"}
        assert c.get("/api/v2/oidc/validate_token")[1]["code"] == 2231


def test_users_read_about_themselves_carry_the_callers_token(emu, login):
    """SDKs store ``token`` from every current-user result (e.g. after update_profile)."""
    user_id, token = login()
    doc = 'mutation($id: String) { updateUser(id: $id, input: {nickname: "N"}) { id token } }'
    with emu.client(token) as c:
        assert c.graphql(doc, {"id": user_id})["data"]["updateUser"]["token"] == token
        assert c.graphql("{ user { token } }")["data"]["user"]["token"] == token
    with emu.client(emu.management_token()) as c:
        assert c.graphql(doc, {"id": user_id})["data"]["updateUser"]["token"] is None
        assert c.graphql('{ users(limit: 100) { list { id token } } }')["data"]["users"]["list"][0]["token"] is None
