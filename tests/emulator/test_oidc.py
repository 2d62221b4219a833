"""The oidc domain over HTTP: discovery, the authorization endpoint's checks and response
modes, PKCE, codes, client authentication, the token endpoint's errors, implicit and hybrid
flows, prompt/max_age, end_session, signing-key rotation and the JWKS."""
import base64
import hashlib
import json
import time
from urllib.parse import urlencode

import pytest

from approw import _core
from browser import Browser

CB = "http://rp.example.test/cb"
VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


@pytest.fixture()
def emu(approw_emulator_fresh):
    approw_emulator_fresh.create_user(username="olga", email="olga@example.test", password="pw-olga",
                                      phone="+15550001", nickname="Olga")
    return approw_emulator_fresh


def auth_url(emu, protocol="oidc", **params):
    query = {"client_id": emu.app_id, "redirect_uri": CB, "response_type": "code", "state": "s1",
             "scope": "openid profile" if protocol == "oidc" else None}
    query.update(params)
    return "%s/%s/auth?%s" % (emu.url, protocol, urlencode({k: v for k, v in query.items() if v is not None}))


def post(emu, path, form, basic=None):
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if basic:
        headers["Authorization"] = "Basic " + base64.b64encode(("%s:%s" % basic).encode()).decode()
    with emu.client() as c:
        return c.request("POST", path, urlencode(form).encode(), headers=headers)


def exchange(emu, code, **extra):
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": CB, "client_id": emu.app_id,
            "client_secret": emu.app_secret}
    form.update(extra)
    return post(emu, "/oidc/token", {k: v for k, v in form.items() if v is not None})


def test_discovery(emu):
    with emu.client() as c:
        status, meta = c.get("/oidc/.well-known/openid-configuration")
        assert status == 200
        assert meta["issuer"] == emu.url + "/oidc"
        assert meta["jwks_uri"] == emu.url + "/oidc/.well-known/jwks.json"
        for name in ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "introspection_endpoint",
                     "revocation_endpoint", "end_session_endpoint"):
            assert meta[name].startswith(meta["issuer"] + "/")
        assert meta["code_challenge_methods_supported"] == ["plain", "S256"]
        assert c.get("/oidc/.well-known/jwks.json")[1]["keys"][0]["kid"]


def test_requests_shown_to_the_user_not_redirected(emu):
    browser = Browser()
    page = browser.get(auth_url(emu, client_id="someone-else"))
    assert page.status == 400 and "Unknown client_id" in page.text
    emu.configure_app(redirect_uris=[CB])
    page = browser.get(auth_url(emu, redirect_uri="http://evil.example.test/cb"))
    assert page.status == 400 and "not registered" in page.text
    assert browser.get(auth_url(emu)).status == 200


@pytest.mark.parametrize("params, error", [
    ({"response_type": "token id_token code none"}, "unsupported_response_type"),
    ({"response_type": ""}, "invalid_request"),
    ({"scope": "profile"}, "invalid_scope"),
    ({"response_type": "id_token"}, "invalid_request"),                 # no nonce
    ({"response_type": "id_token", "nonce": "n", "response_mode": "query"}, "invalid_request"),
    ({"code_challenge": "short"}, "invalid_request"),
    ({"code_challenge": CHALLENGE, "code_challenge_method": "S512"}, "invalid_request"),
    ({"prompt": "none login"}, "invalid_request"),
    ({"prompt": "none"}, "login_required"),
])
def test_errors_go_back_to_the_client(emu, params, error):
    page = Browser().get(auth_url(emu, **params))
    answer = page.redirect_params()
    assert answer["error"] == error and answer["state"] == "s1" and answer["error_description"]


def test_wrong_password_shows_the_form_again(emu):
    browser = Browser()
    page = browser.submit(browser.get(auth_url(emu)), username="olga", password="nope")
    assert page.status == 200 and "Incorrect" in page.text and page.form()[1]["state"] == "s1"
    page = browser.submit(page, username="+15550001", password="pw-olga")     # the phone works too
    assert page.status == 302 and page.redirect_params()["code"]


def test_pkce_plain_and_s256_enforced(emu):
    for method, challenge, verifier in (("S256", CHALLENGE, VERIFIER), ("plain", VERIFIER, VERIFIER)):
        url = auth_url(emu, code_challenge=challenge, code_challenge_method=method)
        code = Browser().sign_in(url, "olga", "pw-olga").redirect_params()["code"]
        status, body = exchange(emu, code)                                    # no verifier
        assert (status, body["error"]) == (400, "invalid_grant")
        code = Browser().sign_in(url, "olga", "pw-olga").redirect_params()["code"]
        assert exchange(emu, code, code_verifier="A" * 43)[1]["error"] == "invalid_grant"
        code = Browser().sign_in(url, "olga", "pw-olga").redirect_params()["code"]
        status, body = exchange(emu, code, code_verifier=verifier)
        assert status == 200 and body["id_token"]
    code = Browser().sign_in(auth_url(emu), "olga", "pw-olga").redirect_params()["code"]
    assert exchange(emu, code, code_verifier=VERIFIER)[1]["error"] == "invalid_grant"   # none was sent


def test_codes_single_use_bound_and_short_lived(emu):
    code = Browser().sign_in(auth_url(emu), "olga", "pw-olga").redirect_params()["code"]
    assert exchange(emu, code, redirect_uri=CB + "/other")[1]["error"] == "invalid_grant"
    assert exchange(emu, code)[1]["error"] == "invalid_grant"                 # spent by the first try
    assert exchange(emu, "no-such-code")[1]["error"] == "invalid_grant"
    emu.configure_app(code_lifetime=1)
    code = Browser().sign_in(auth_url(emu), "olga", "pw-olga").redirect_params()["code"]
    time.sleep(2.1)
    status, body = exchange(emu, code)
    assert (status, body["error_description"]) == (400, "the authorization code has expired")


def test_token_endpoint_errors_and_client_authentication(emu):
    code = Browser().sign_in(auth_url(emu), "olga", "pw-olga").redirect_params()["code"]
    assert post(emu, "/oidc/token", {"grant_type": "password", "client_id": emu.app_id,
                                     "client_secret": emu.app_secret}) == (
        400, {"error": "unsupported_grant_type", "error_description": "grant_type 'password' is not supported"})
    status, body = exchange(emu, code, client_secret="wrong")
    assert (status, body["error"]) == (401, "invalid_client")
    status, body = post(emu, "/oidc/token", {"grant_type": "authorization_code", "code": code, "redirect_uri": CB},
                        basic=(emu.app_id, emu.app_secret))
    assert (status, body["error"]) == (401, "invalid_client")                 # post is configured, not basic
    emu.configure_app(token_endpoint_auth_method="client_secret_basic")
    status, body = post(emu, "/oidc/token", {"grant_type": "authorization_code", "code": code, "redirect_uri": CB},
                        basic=(emu.app_id, emu.app_secret))
    assert status == 200 and body["access_token"]
    with emu.client() as c:
        status, body = c.request("POST", "/oidc/token", b'{"grant_type": "x"}',
                                 headers={"Content-Type": "application/json"})
    assert (status, body["error"]) == (400, "invalid_request")
    with pytest.raises(ValueError):
        emu.configure_app(token_endpoint_auth_method="private_key_jwt")
    with pytest.raises(TypeError):
        emu.configure_app(no_such_setting=1)


def _claims(token):
    return json.loads(_core.b64url_decode(token.split(".")[1]))


def test_id_token_claims(emu):
    url = auth_url(emu, scope="openid profile email phone", nonce="n-1")
    code = Browser().sign_in(url, "olga", "pw-olga").redirect_params()["code"]
    body = exchange(emu, code)[1]
    claims = _claims(body["id_token"])
    assert claims["nonce"] == "n-1" and claims["aud"] == emu.app_id and claims["iss"] == emu.url + "/oidc"
    digest = hashlib.sha256(body["access_token"].encode()).digest()[:16]
    assert claims["at_hash"] == _core.b64url_encode(digest)
    assert claims["email"] == "olga@example.test" and claims["phone_number"] == "+15550001"
    assert claims["nickname"] == "Olga" and claims["exp"] - claims["iat"] == 3600 and claims["auth_time"]
    access = _claims(body["access_token"])
    assert access["scope"] == "openid profile email phone" and access["aud"] == emu.app_id


def test_implicit_hybrid_and_form_post(emu):
    browser = Browser()
    browser.sign_in(auth_url(emu), "olga", "pw-olga")
    page = browser.get(auth_url(emu, response_type="id_token token", nonce="n-2"))
    assert page.status == 302 and "#" in page.location
    answer = page.redirect_params()
    assert answer["token_type"] == "Bearer" and answer["state"] == "s1"
    assert _claims(answer["id_token"])["at_hash"] == _core.b64url_encode(
        hashlib.sha256(answer["access_token"].encode()).digest()[:16])
    answer = browser.get(auth_url(emu, response_type="code id_token", nonce="n-3")).redirect_params()
    assert _claims(answer["id_token"])["c_hash"] == _core.b64url_encode(hashlib.sha256(answer["code"].encode()).digest()[:16])
    assert exchange(emu, answer["code"])[0] == 200
    page = browser.get(auth_url(emu, response_mode="form_post"))
    action, fields, _ = page.form()
    assert page.status == 200 and action == CB and fields["code"] and fields["state"] == "s1"


def test_sessions_prompt_and_max_age(emu):
    browser = Browser()
    browser.sign_in(auth_url(emu), "olga", "pw-olga")
    assert browser.get(auth_url(emu, prompt="none")).redirect_params()["code"]
    assert browser.get(auth_url(emu, prompt="login")).status == 200          # the form, despite the session
    time.sleep(1.1)
    assert browser.get(auth_url(emu, max_age="0")).status == 200             # too old a sign-in


def test_end_session(emu):
    browser = Browser()
    code = browser.sign_in(auth_url(emu, nonce="n"), "olga", "pw-olga").redirect_params()["code"]
    id_token = exchange(emu, code)[1]["id_token"]
    page = browser.get(emu.url + "/oidc/session/end?" + urlencode({"post_logout_redirect_uri": CB}))
    assert page.status == 400                                                # who asks? no hint, no client_id
    page = browser.get(emu.url + "/oidc/session/end?" + urlencode({"id_token_hint": "garbage"}))
    assert page.status == 400
    page = browser.get(emu.url + "/oidc/session/end?" + urlencode(
        {"id_token_hint": id_token, "post_logout_redirect_uri": CB, "state": "bye"}))
    assert page.status == 302 and page.location == CB + "?state=bye"
    assert browser.get(auth_url(emu, prompt="none")).redirect_params()["error"] == "login_required"
    assert Browser().get(emu.url + "/oidc/session/end").status == 200


def test_signing_key_rotation(emu):
    with emu.client() as c:
        old = c.get("/oidc/.well-known/jwks.json")[1]["keys"]
        token = emu.management_token()
        new_kid = emu.rotate_signing_key()
        keys = c.get("/oidc/.well-known/jwks.json")[1]["keys"]
        assert [k["kid"] for k in keys] == [new_kid, old[0]["kid"]]
        body = c.graphql("query { userpool { id } }", token=token)           # signed with the retired key
        assert body["data"]["userpool"]["id"] == emu.user_pool_id
        emu.rotate_signing_key()
        emu.rotate_signing_key()
        assert old[0]["kid"] not in [k["kid"] for k in c.get("/oidc/.well-known/jwks.json")[1]["keys"]]


def test_key_rotation_option():
    from approw.emulator.app import Emulator
    from approw.emulator.config import EmulatorConfig

    with Emulator(EmulatorConfig(hash_iterations=1000, key_rotation=1)) as emu:
        first = emu.pool.signing_keys().kid
        time.sleep(1.1)
        assert emu.pool.signing_keys().kid != first
        with emu.client() as c:
            status, body = c.request("GET", "/oidc/.well-known/jwks.json")
        assert {k["kid"] for k in body["keys"]} >= {first}
    with pytest.raises(ValueError):
        EmulatorConfig(key_rotation=0).check()
