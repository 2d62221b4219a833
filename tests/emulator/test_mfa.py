"""The mfa domain: RFC 6238 TOTP (appendix B vectors, and against pyotp), authenticator
set-up over REST, the mfaToken challenge, and the application's required factors."""

import hashlib
import time

import pytest

from approw.emulator.domains.mfa import totp

pyotp = pytest.importorskip("pyotp")

LOGIN = "mutation($i: LoginByUsernameInput!) { loginByUsername(input: $i) { id token } }"

# RFC 6238 appendix B: (time, SHA-1, SHA-256, SHA-512), 8 digits
RFC6238 = [
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
]
KEYS = {hashlib.sha1: b"12345678901234567890", hashlib.sha256: b"12345678901234567890123456789012",
        hashlib.sha512: b"1234567890" * 6 + b"1234"}


@pytest.mark.parametrize("at,sha1,sha256,sha512", RFC6238)
def test_rfc6238_appendix_b(at, sha1, sha256, sha512):
    for digest, expected in ((hashlib.sha1, sha1), (hashlib.sha256, sha256), (hashlib.sha512, sha512)):
        assert totp.totp(KEYS[digest], at, digits=8, digest=digest) == expected


def test_same_codes_as_pyotp():
    for _ in range(5):
        secret = totp.new_secret()
        assert len(totp.secret_key(secret)) == 20
        reference = pyotp.TOTP(secret)
        for at in (0, 29, 30, 1_600_000_000, int(time.time())):
            assert totp.totp(totp.secret_key(secret), at) == reference.at(at)
    secret = totp.new_secret()
    parsed = pyotp.parse_uri(totp.provisioning_uri(secret, "bob@example.org", "Approw emulator"))
    assert parsed.secret == secret and parsed.name == "bob@example.org"
    assert parsed.issuer == "Approw emulator"


def test_drift_window_and_replay():
    key = totp.secret_key(totp.new_secret())
    now = 1_700_000_015
    step = totp.step_at(now)
    for offset in (-1, 0, 1):
        assert totp.matching_step(key, totp.hotp(key, step + offset), now, -1) == step + offset
    assert totp.matching_step(key, totp.hotp(key, step + 2), now, -1) is None
    assert totp.matching_step(key, totp.hotp(key, step), now, step) is None      # used already
    assert totp.matching_step(key, "12345", now, -1) is None
    assert totp.matching_step(key, None, now, -1) is None


# --- over REST -----------------------------------------------------------------------------


def _login(emu, name, password="passw0rd"):
    with emu.client() as c:
        return c.graphql(LOGIN, {"i": {"username": name, "password": emu.encrypt_password(password)}})


def _code(secret, offset=0):
    return pyotp.TOTP(secret).at(time.time() + offset)


def test_totp_enrolment_and_login_over_rest(approw_emulator, unique):
    emu = approw_emulator
    name = unique("mfa")
    user = emu.create_user(username=name, password="passw0rd")
    token = _login(emu, name)["data"]["loginByUsername"]["token"]
    c = emu.client(token)
    assert c.get("/api/v2/mfa/authenticator?type=totp")[1]["data"] == []
    status, body = c.post("/api/v2/mfa/totp/associate", {"authenticator_type": "totp"})
    association = body["data"]
    assert association["qrcode_uri"].startswith("otpauth://totp/")
    assert association["qrcode_data_url"].startswith("data:image/svg+xml")
    secret = association["secret"]
    assert c.post("/api/v2/mfa/totp/associate/confirm", {"totp": "000000"})[1]["code"] == 2001
    confirmed = _code(secret)
    assert c.post("/api/v2/mfa/totp/associate/confirm", {"totp": confirmed})[1]["code"] == 200
    listed = c.post("/api/v2/mfa/authenticator", {"type": "totp"})[1]["data"]
    assert [(a["userId"], a["enable"]) for a in listed] == [(user["id"], True)]
    assert c.post("/api/v2/mfa/totp/associate", {})[1]["code"] == 2231        # already bound

    refused = _login(emu, name)
    error = refused["errors"][0]["message"]
    assert error["code"] == 1635 and error["data"]["totpMfaEnabled"] is True
    mfa_token = error["data"]["mfaToken"]
    m = emu.client(mfa_token)
    assert m.get("/api/v2/users/me")[1]["code"] == 2020               # not a user token
    assert m.post("/api/v2/mfa/totp/verify", {"totp": confirmed})[1]["code"] == 2001   # replay
    status, body = m.post("/api/v2/mfa/totp/verify", {"totp": _code(secret, 30)})
    assert body["code"] == 200 and body["data"]["id"] == user["id"] and body["data"]["token"]
    assert m.post("/api/v2/mfa/totp/verify", {"totp": _code(secret, 30)})[1]["code"] == 2207  # used up

    assert emu.client(mfa_token).request("DELETE", "/api/v2/mfa/totp/associate")[1]["code"] == 2020
    assert c.request("DELETE", "/api/v2/mfa/totp/associate")[1]["code"] == 200
    assert "errors" not in _login(emu, name)


def test_challenge_is_void_after_five_wrong_codes(approw_emulator, unique):
    emu = approw_emulator
    name = unique("mfa")
    emu.create_user(username=name, password="passw0rd")
    c = emu.client(_login(emu, name)["data"]["loginByUsername"]["token"])
    secret = c.post("/api/v2/mfa/totp/associate", {})[1]["data"]["secret"]
    c.post("/api/v2/mfa/totp/associate/confirm", {"totp": _code(secret)})
    m = emu.client(_login(emu, name)["errors"][0]["message"]["data"]["mfaToken"])
    for _ in range(5):
        assert m.post("/api/v2/mfa/totp/recovery", {"recoveryCode": "nope"})[1]["code"] == 2001
    assert m.post("/api/v2/mfa/totp/verify", {"totp": _code(secret, 30)})[1]["code"] == 2207


def test_application_factors(approw_emulator_fresh):
    emu = approw_emulator_fresh
    emu.create_user(username="carol", password="passw0rd")
    with emu.client() as c:
        assert c.get("/_emulator/mfa")[1]["data"] == {"appId": emu.app_id, "factors": []}
        assert c.request("PUT", "/_emulator/mfa", {"factors": ["SMS", "FACE"]})[1]["code"] == 2231
        assert c.request("PUT", "/_emulator/mfa", {"factors": ["SMS"]})[1]["data"]["factors"] == ["SMS"]
    error = _login(emu, "carol")["errors"][0]["message"]
    assert error["code"] == 1635 and error["data"]["applicationMfa"][0]["mfaPolicy"] == "SMS"
    m = emu.client(error["data"]["mfaToken"])
    assert m.post("/api/v2/mfa/totp/verify", {"totp": "123456"})[1]["code"] == 2231   # no authenticator
    assert m.post("/api/v2/applications/mfa/email/verify", {"email": "c@example.org", "code": "1"})[1]["code"] == 2231
    emu.set_mfa([])
    assert "errors" not in _login(emu, "carol")
    with pytest.raises(ValueError):
        emu.set_mfa(["FACE"])
