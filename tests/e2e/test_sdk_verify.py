"""Local token verification (TokenVerifier, AuthenticationClient.verify_token) against the
emulator's keys: what must be refused, key rotation (one refetch for a new kid, none for a
garbage kid within the interval, one for N threads at once), HS256 ID tokens, fork()."""
import json
import os
import threading
import time

import pytest

from approw import _core
from approw.v2.authentication import AsyncTokenVerifier, AuthenticationClient, TokenVerifier
from approw.v2.exceptions import ApprowTokenError, ApprowWrongArgumentException
from browser import Browser


def b64(data) -> str:
    return _core.b64url_encode(data if isinstance(data, bytes) else json.dumps(data).encode())


def forge(header, claims, signature=b"") -> str:
    return "%s.%s.%s" % (b64(header), b64(claims), _core.b64url_encode(signature))


def hs256(header, claims, secret: bytes) -> str:
    import hashlib
    import hmac

    signing_input = "%s.%s" % (b64(header), b64(claims))
    return signing_input + "." + _core.b64url_encode(hmac.new(secret, signing_input.encode(), hashlib.sha256).digest())


@pytest.fixture()
def emu(approw_emulator_fresh):
    return approw_emulator_fresh


@pytest.fixture()
def user(emu):
    return emu.create_user(username="verify-me", password="s3cret!")


@pytest.fixture()
def verifier(emu):
    return TokenVerifier(emu.url + "/oidc", emu.app_id)


def claims_now(emu, user, **extra):
    now = int(time.time())
    claims = {"sub": user["id"], "iss": emu.url + "/oidc", "aud": emu.app_id, "iat": now, "exp": now + 600}
    claims.update(extra)
    return claims


def refused(verifier, token, reason, code=2207, **kw):
    with pytest.raises(ApprowTokenError) as info:
        verifier.verify(token, **kw)
    assert (info.value.reason, info.value.code) == (reason, code), str(info.value)
    return info.value


def test_valid_tokens_and_what_is_refused(emu, user, verifier):
    token = emu.user_token(user["id"])
    assert verifier.verify(token)["sub"] == user["id"]
    refused(verifier, emu.user_token(user["id"], expires_in=-120), "expired", 2206)
    refused(TokenVerifier(emu.url + "/oidc", "another-app", key_set=verifier.key_set), token, "audience")
    refused(TokenVerifier("http://issuer.example.test/oidc", emu.app_id, key_set=verifier.key_set), token, "issuer")
    head, body, sig = token.split(".")
    refused(verifier, "%s.%s.%s" % (head, body, sig[:-4] + ("AAAA" if sig[-4:] != "AAAA" else "BBBB")), "signature")
    forged_body = b64(dict(json.loads(_core.b64url_decode(body)), sub="someone-else"))
    refused(verifier, "%s.%s.%s" % (head, forged_body, sig), "signature")
    refused(verifier, forge({"alg": "none"}, claims_now(emu, user)), "algorithm")
    refused(verifier, forge({"alg": "None", "typ": "JWT"}, claims_now(emu, user)), "algorithm")
    refused(verifier, "not-a-token", "malformed")
    refused(verifier, "e30.e30", "malformed")
    sign = emu.pool.keys.sign        # the emulator's own key: claims a real provider could sign
    refused(verifier, sign(claims_now(emu, user, nbf=int(time.time()) + 600)), "not_yet_valid")
    refused(verifier, sign(claims_now(emu, user, iat=int(time.time()) + 600)), "issued_in_future")
    refused(verifier, sign({k: v for k, v in claims_now(emu, user).items() if k != "exp"}), "claims")
    refused(verifier, sign(claims_now(emu, user, azp="someone-else")), "audience")
    refused(verifier, sign(claims_now(emu, user, nonce="n-1")), "nonce", nonce="n-2")
    assert verifier.verify(sign(claims_now(emu, user, nonce="n-1")), nonce="n-1")["nonce"] == "n-1"
    assert verifier.verify(emu.user_token(user["id"], expires_in=-10))["sub"]     # within the leeway
    with pytest.raises(ApprowWrongArgumentException):
        verifier.verify(None)


def test_rs_hs_confusion_is_refused(emu, user, verifier):
    from cryptography.hazmat.primitives import serialization

    verifier.verify(emu.user_token(user["id"]))
    public_jwk = json.dumps(next(iter(verifier.key_set._keys.values()))).encode()   # as published
    public_pem = emu.pool.keys._signing.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    for secret in (public_pem, public_jwk):   # HS256 "signed" with the public key as HMAC secret
        token = hs256({"alg": "HS256", "kid": emu.pool.keys.kid}, claims_now(emu, user), secret)
        refused(verifier, token, "algorithm")                  # HS256 is not accepted without a secret
        with_secret = TokenVerifier(emu.url + "/oidc", emu.app_id, secret=emu.app_secret, key_set=verifier.key_set)
        refused(with_secret, token, "signature")               # and never with a JWKS key
    with pytest.raises(ApprowTokenError) as info:   # a public key given as the secret is refused in C
        TokenVerifier(emu.url + "/oidc", emu.app_id, secret=public_pem.decode(), key_set=verifier.key_set).verify(
            hs256({"alg": "HS256"}, claims_now(emu, user), public_pem))
    assert info.value.reason == "algorithm"


def test_hs256_id_tokens_of_an_app_configured_so(emu, user):
    emu.configure_app(id_token_alg="HS256")
    client = AuthenticationClient(_options(emu))
    page = Browser().sign_in(client.build_authorize_url(nonce="hs-1"), "verify-me", "s3cret!")
    tokens = client.get_access_token_by_code(page.redirect_params()["code"])
    assert json.loads(_core.b64url_decode(tokens["id_token"].split(".")[0]))["alg"] == "HS256"
    assert client.verify_token(tokens["id_token"], nonce="hs-1", access_token=tokens["access_token"])["sub"] == user["id"]
    refused(TokenVerifier(emu.url + "/oidc", emu.app_id), tokens["id_token"], "algorithm")
    refused(TokenVerifier(emu.url + "/oidc", emu.app_id, secret="not-the-secret"), tokens["id_token"], "signature")
    refused(TokenVerifier(emu.url + "/oidc", emu.app_id, secret=emu.app_secret), tokens["id_token"], "at_hash",
            access_token="another-access-token")


def _options(emu):
    from approw.v2.authentication import AuthenticationClientOptions

    return AuthenticationClientOptions(app_id=emu.app_id, app_host=emu.url, secret=emu.app_secret,
                                       redirect_uri="http://rp.example.test/cb", enc_public_key=emu.public_key)


def test_unknown_kid_refetches_once_then_rotation_succeeds(emu, user, verifier):
    assert verifier.verify(emu.user_token(user["id"]))["sub"] == user["id"]
    assert verifier.key_set.fetches == 1
    for _ in range(3):
        verifier.verify(emu.user_token(user["id"]))
    assert verifier.key_set.fetches == 1                      # cached
    old = emu.user_token(user["id"])
    new_kid = emu.rotate_signing_key()
    token = emu.user_token(user["id"])
    assert json.loads(_core.b64url_decode(token.split(".")[0]))["kid"] == new_kid
    assert verifier.verify(token)["sub"] == user["id"]       # unknown kid: one refetch, then found
    assert verifier.key_set.fetches == 2
    assert verifier.verify(old)["sub"] == user["id"]         # the retired key still verifies
    garbage = emu.pool.keys.sign(claims_now(emu, user))
    garbage = forge({"alg": "RS256", "kid": "no-such-key"}, claims_now(emu, user),
                    _core.b64url_decode(garbage.split(".")[2]))
    refused(verifier, garbage, "unknown_key")
    refused(verifier, garbage, "unknown_key")
    assert verifier.key_set.fetches == 2                      # within the interval: no refetch


def test_no_refetch_storm(emu, user, verifier):
    verifier.verify(emu.user_token(user["id"]))
    before = verifier.key_set.fetches
    emu.rotate_signing_key()
    token = emu.user_token(user["id"])
    start = threading.Barrier(16)
    results = []

    def work():
        start.wait()
        results.append(verifier.verify(token)["sub"])

    threads = [threading.Thread(target=work) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [user["id"]] * 16
    assert verifier.key_set.fetches == before + 1


def test_async_verifier_and_client(emu, user):
    import asyncio

    from approw.v2.authentication import AsyncAuthenticationClient

    verifier = AsyncTokenVerifier(emu.url + "/oidc", emu.app_id)
    client = AsyncAuthenticationClient(_options(emu))

    async def run():
        first = await verifier.verify(emu.user_token(user["id"]))
        emu.rotate_signing_key()
        token = emu.user_token(user["id"])
        both = await asyncio.gather(verifier.verify(token), client.verify_token(token))
        return first, both

    first, both = asyncio.run(run())
    assert first["sub"] == both[0]["sub"] == both[1]["sub"] == user["id"]
    assert verifier.key_set.fetches == 2


def test_async_verifier_fetches_once_on_the_loop_without_threads(emu, user):
    import asyncio
    import threading

    verifier = AsyncTokenVerifier(emu.url + "/oidc", emu.app_id)
    tokens = [emu.user_token(user["id"]) for _ in range(50)]

    async def run():
        claims = await asyncio.gather(*(verifier.verify(t) for t in tokens))
        # the loop's default executor names its threads asyncio_N (the emulator's own
        # request threads run in this process too)
        return claims, [t.name for t in threading.enumerate() if t.name.startswith("asyncio")]

    claims, executor_threads = asyncio.run(run())
    assert [c["sub"] for c in claims] == [user["id"]] * 50
    assert verifier.key_set.fetches == 1 and executor_threads == []


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_key_set_is_usable_in_a_forked_child(emu, user, verifier):
    verifier.verify(emu.user_token(user["id"]))
    verifier.key_set._lock.acquire()          # held by this process when it forks
    try:
        pid = os.fork()
        if pid == 0:                          # child: the lock was recreated, a refetch works
            code = 1
            try:
                emu_token = emu.user_token(user["id"])
                verifier.key_set._expires = float("-inf")
                code = 0 if verifier.verify(emu_token)["sub"] == user["id"] else 2
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
    finally:
        verifier.key_set._lock.release()
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
