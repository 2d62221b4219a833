"""Revocation-aware verification: ``TokenVerifier(check_revoked=True)``,
``AsyncTokenVerifier(check_revoked=True)`` and ``verify_token(..., check_revoked=True)`` ask
the service whether a token that passes the local checks is still live, and remember the
answer for ``revocation_ttl`` seconds."""
import asyncio
import socket

import pytest

from approw.v2.authentication import (AsyncTokenVerifier, AuthenticationClient, AuthenticationClientOptions,
                                         TokenVerifier)
from approw.v2.exceptions import ApprowConnectionError, ApprowTokenError, ApprowWrongArgumentException


@pytest.fixture()
def emu(approw_emulator_fresh):
    return approw_emulator_fresh


@pytest.fixture()
def user(emu):
    return emu.create_user(username="revoke-me", password="s3cret!")


def refused(verify, token, reason, code=2207):
    with pytest.raises(ApprowTokenError) as info:
        verify(token)
    assert (info.value.reason, info.value.code) == (reason, code), str(info.value)


def test_a_revoked_token_is_refused_only_when_asked(emu, user):
    token = emu.user_token(user["id"])
    local = TokenVerifier(emu.url + "/oidc", emu.app_id)
    remembering = TokenVerifier(emu.url + "/oidc", emu.app_id, check_revoked=True, key_set=local.key_set)
    asking = TokenVerifier(emu.url + "/oidc", emu.app_id, check_revoked=True, revocation_ttl=0,
                           key_set=local.key_set)
    assert remembering.host == emu.url
    for verifier in (local, remembering, asking):
        assert verifier.verify(token)["sub"] == user["id"]
    emu.revoke_tokens(user["id"])
    assert local.verify(token)["sub"] == user["id"]          # purely local: still accepted
    assert remembering.verify(token)["sub"] == user["id"]    # within revocation_ttl: remembered
    refused(asking.verify, token, "revoked")
    remembering.forget_revocations()
    refused(remembering.verify, token, "revoked")
    refused(remembering.verify, token, "revoked")            # the refusal is remembered too
    fresh = emu.user_token(user["id"])
    assert remembering.verify(fresh)["sub"] == user["id"]
    # local failures come first, without asking the service
    refused(asking.verify, emu.user_token(user["id"], expires_in=-120), "expired", 2206)
    refused(asking.verify, "garbage", "malformed")


def test_client_verify_token_and_async(emu, user):
    def auth_options():
        return AuthenticationClientOptions(app_id=emu.app_id, host=emu.url, enc_public_key=emu.public_key)

    client = AuthenticationClient(auth_options())
    logged_in = client.login_by_username("revoke-me", "s3cret!")
    token = logged_in["token"]
    assert client.verify_token(token, check_revoked=True)["sub"] == user["id"]
    client.logout()
    assert client.verify_token(token)["sub"] == user["id"]
    assert client.check_login_status(token)["status"] is False
    other = AuthenticationClient(auth_options())
    token2 = other.login_by_username("revoke-me", "s3cret!")["token"]
    verifier = AsyncTokenVerifier(emu.url + "/oidc", emu.app_id, check_revoked=True, revocation_ttl=0)

    async def scenario():
        assert (await verifier.verify(token2))["sub"] == user["id"]
        with pytest.raises(ApprowTokenError) as info:
            await verifier.verify(token)
        return info.value.reason

    assert asyncio.run(scenario()) == "revoked"


def test_service_down_is_an_error_never_an_acceptance(emu, user):
    token = emu.user_token(user["id"])
    keys = TokenVerifier(emu.url + "/oidc", emu.app_id)
    keys.verify(token)          # the keys are cached: only the status request fails below
    with socket.socket() as s:      # bound, not listening: refused, and nobody else's port
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        down = TokenVerifier(emu.url + "/oidc", emu.app_id, check_revoked=True,
                             key_set=keys.key_set, host="http://127.0.0.1:%d" % port, timeout=2000)
        with pytest.raises(ApprowConnectionError):
            down.verify(token)


def test_bad_revocation_ttl(emu):
    for bad in (-1, "10", True):
        with pytest.raises(ApprowWrongArgumentException):
            TokenVerifier(emu.url + "/oidc", emu.app_id, check_revoked=True, revocation_ttl=bad)
