"""The OIDC / OAuth 2.0 / SAML / CAS helpers of AuthenticationClient end to end against the
emulator's OpenID Provider: the browser-less code flow (authorize URL, login form, redirect,
code + PKCE, userinfo, refresh, introspection, revocation, logout URL), each helper's other
forms, the argument errors, and the asyncio client."""
import asyncio
from urllib.parse import parse_qs, urlsplit

import pytest

from approw.v2.authentication import AsyncAuthenticationClient
from approw.v2.exceptions import ApprowArgumentTypeError, ApprowWrongArgumentException
from browser import Browser

CALLBACK = "http://rp.example.test/callback"
PASSWORD = "Passw0rd!"


@pytest.fixture()
def person(approw_emulator, unique):
    name = unique("op")
    user = approw_emulator.create_user(username=name, email=f"{name}@example.test", password=PASSWORD,
                                       nickname="Nick " + name)
    return user


@pytest.fixture()
def oidc(auth_options, approw_emulator):
    return lambda **kw: auth_options(**{"secret": approw_emulator.app_secret, "redirect_uri": CALLBACK, **kw})


def _sign_in(url, account):
    page = Browser().sign_in(url, account, PASSWORD)
    assert page.status == 302, page.text[:300]
    assert page.location.startswith(CALLBACK)
    return page.redirect_params()


def test_code_flow_with_pkce_end_to_end(oidc, person, approw_emulator):
    from approw.v2.authentication import AuthenticationClient

    client = AuthenticationClient(oidc())
    verifier = client.generate_code_challenge()
    url = client.build_authorize_url(scope="openid profile email offline_access", state="st-1", nonce="no-1",
                                     code_challenge=client.generate_code_challenge_digest(verifier),
                                     code_challenge_method="S256")
    answer = _sign_in(url, person["email"])          # the e-mail works as the account name
    assert answer["state"] == "st-1"

    tokens = client.get_access_token_by_code(answer["code"], verifier)
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] == 3600
    assert set(tokens) >= {"access_token", "id_token", "refresh_token", "scope"}
    id_claims = client.verify_token(tokens["id_token"], nonce="no-1", access_token=tokens["access_token"])
    assert id_claims["sub"] == person["id"] and id_claims["email"] == person["email"]
    assert id_claims["nonce"] == "no-1" and "at_hash" in id_claims

    info = client.get_user_info_by_access_token(tokens["access_token"])
    assert info["sub"] == person["id"] and info["nickname"] == person["nickname"]
    assert "phone_number" not in info                # not in the granted scopes

    again = client.get_new_access_token_by_refresh_token(tokens["refresh_token"])
    assert again["refresh_token"] == tokens["refresh_token"]       # kept, as the service does
    assert again["access_token"] != tokens["access_token"]
    assert client.introspect_token(again["access_token"])["active"] is True
    assert client.introspect_token(again["access_token"])["sub"] == person["id"]

    assert client.revoke_token(again["access_token"]) is True
    assert client.introspect_token(again["access_token"]) == {"active": False}
    assert client.get_user_info_by_access_token(again["access_token"])["error"] == "invalid_token"
    assert client.introspect_token(tokens["access_token"])["active"] is True   # only that one

    logout = client.build_logout_url(expert=True, redirect_uri=CALLBACK + "?bye", id_token=tokens["id_token"])
    page = Browser().get(logout)
    assert page.status == 302 and page.location == CALLBACK + "?bye"


def test_code_cannot_be_used_twice_and_reuse_revokes(oidc, person):
    from approw.v2.authentication import AuthenticationClient

    client = AuthenticationClient(oidc())
    answer = _sign_in(client.build_authorize_url(), person["username"])
    tokens = client.get_access_token_by_code(answer["code"])
    assert "refresh_token" not in tokens             # no offline_access
    assert client.get_access_token_by_code(answer["code"])["error"] == "invalid_grant"
    assert client.introspect_token(tokens["access_token"]) == {"active": False}


def test_revoking_the_refresh_token_revokes_its_grant(oidc, person):
    from approw.v2.authentication import AuthenticationClient

    client = AuthenticationClient(oidc())
    answer = _sign_in(client.build_authorize_url(scope="openid offline_access"), person["username"])
    tokens = client.get_access_token_by_code(answer["code"])
    assert client.revoke_token(tokens["refresh_token"]) is True
    assert client.introspect_token(tokens["access_token"]) == {"active": False}
    assert client.get_new_access_token_by_refresh_token(tokens["refresh_token"])["error"] == "invalid_grant"


def test_basic_and_public_clients(oidc, person, approw_emulator):
    from approw.v2.authentication import AuthenticationClient

    approw_emulator.configure_app(token_endpoint_auth_method="client_secret_basic")
    try:
        basic = AuthenticationClient(oidc(token_endpoint_auth_method="client_secret_basic"))
        tokens = basic.get_access_token_by_code(_sign_in(basic.build_authorize_url(), person["username"])["code"])
        assert "access_token" in tokens
        post = AuthenticationClient(oidc())         # not the configured method: refused
        refused = post.get_access_token_by_code(_sign_in(post.build_authorize_url(), person["username"])["code"])
        assert refused["error"] == "invalid_client"

        approw_emulator.configure_app(token_endpoint_auth_method="none")
        public = AuthenticationClient(oidc(secret=None, token_endpoint_auth_method="none"))
        verifier = public.generate_code_challenge(64)
        url = public.build_authorize_url(code_challenge=public.generate_code_challenge_digest(verifier, "plain"),
                                         code_challenge_method="plain")
        code = _sign_in(url, person["username"])["code"]
        assert public.get_access_token_by_code(code, "x" * 64)["error"] == "invalid_grant"   # wrong verifier
        code = _sign_in(url, person["username"])["code"]
        assert "id_token" in public.get_access_token_by_code(code, verifier)
    finally:
        approw_emulator.configure_app(token_endpoint_auth_method="client_secret_post")


def test_client_credentials(oidc, approw_emulator, management, unique):
    from approw.v2.authentication import AuthenticationClient

    client = AuthenticationClient(oidc())
    account = management.applications.create_programmatic_access_account(approw_emulator.app_id)
    for resource in ("books", "orders"):
        management.acl.authorize_resource(approw_emulator.app_id, resource, [
            {"targetType": "AK_SK", "targetIdentifier": account["id"], "actions": ["%s:*" % resource]}])
    answer = client.get_access_token_by_client_credentials("books:read orders:write bogus", account["id"],
                                                           account["secret"])
    assert answer["scope"] == "books:read orders:write" and answer["rejected_scope"] == "bogus"
    claims = client.verify_token(answer["access_token"])
    assert claims["sub"] == account["id"] and claims["scope"] == "books:read orders:write"
    assert client.get_access_token_by_client_credentials("books:read", account["id"],
                                                         "wrong")["error"] == "invalid_client"
    management.applications.delete_programmatic_access_account(account["id"])


def test_oauth_protocol_flow(oidc, person):
    from approw.v2.authentication import AuthenticationClient

    client = AuthenticationClient(oidc(protocol="oauth"))
    url = client.build_authorize_url(state="o-1")
    assert urlsplit(url).path == "/oauth/auth"
    answer = _sign_in(url, person["username"])
    tokens = client.get_access_token_by_code(answer["code"])
    assert len(tokens["access_token"]) == 40 and tokens["scope"] == "user" and tokens["expires_in"] == 3599
    assert client.get_user_info_by_access_token(tokens["access_token"])["sub"] == person["id"]
    refreshed = client.get_new_access_token_by_refresh_token(tokens["refresh_token"])
    assert refreshed["access_token"] != tokens["access_token"]
    assert client.introspect_token(refreshed["access_token"])["active"] is True
    assert client.revoke_token(refreshed["access_token"]) is True
    assert client.introspect_token(refreshed["access_token"]) == {"active": False}


def test_validate_token_online(oidc, person, authentication):
    from approw.v2.authentication import AuthenticationClient

    client = AuthenticationClient(oidc())
    tokens = client.get_access_token_by_code(_sign_in(client.build_authorize_url(), person["username"])["code"])
    assert client.validate_token(id_token=tokens["id_token"])["sub"] == person["id"]
    assert client.validate_token(access_token=tokens["access_token"])["scope"] == "openid profile email phone address"
    login = authentication.login_by_username(person["username"], PASSWORD)
    assert client.validate_token(id_token=login["token"])["sub"] == person["id"]
    assert client.validate_token(id_token="1") == {"code": 400, "message": "id_token illegal"}
    client.revoke_token(tokens["access_token"])
    assert client.validate_token(access_token=tokens["access_token"])["code"] == 400


def test_cas_login_and_ticket_validation(oidc, person):
    from approw.v2.authentication import AuthenticationClient

    client = AuthenticationClient(oidc(protocol="cas"))
    service = "http://rp.example.test/cas?next=%2Fhome"
    page = Browser().sign_in(client.build_authorize_url(service=service), person["username"], PASSWORD)
    assert page.status == 302 and page.location.startswith(service + "&ticket=ST-")
    ticket = parse_qs(urlsplit(page.location).query)["ticket"][0]
    assert client.validate_ticket_v1(ticket, "http://rp.example.test/other") == {
        "valid": False, "message": "ticket is not valid"}    # wrong service: and the ticket is spent
    assert client.validate_ticket_v1(ticket, service)["valid"] is False

    browser = Browser()
    ticket = parse_qs(urlsplit(browser.sign_in(client.build_authorize_url(service=service), person["username"],
                                               PASSWORD).location).query)["ticket"][0]
    assert client.validate_ticket_v1(ticket, service) == {"valid": True, "username": person["username"]}
    assert client.validate_ticket_v1(ticket, service)["valid"] is False     # single use
    again = browser.get(client.build_authorize_url(service=service))        # the session signs in at once
    assert again.status == 302 and "ticket=ST-" in again.location
    page = browser.get(client.build_logout_url(redirect_uri="http://rp.example.test/"))
    assert page.status == 302 and page.location == "http://rp.example.test/"
    assert browser.get(client.build_authorize_url(service=service)).status == 200   # the form again


def test_logout_urls_end_the_provider_session(oidc, person):
    from approw.v2.authentication import AuthenticationClient

    client = AuthenticationClient(oidc())
    browser = Browser()
    page = browser.sign_in(client.build_authorize_url(), person["username"], PASSWORD)
    assert page.status == 302
    assert browser.get(client.build_authorize_url()).status == 302            # signed in: no form
    page = browser.get(client.build_logout_url(redirect_uri="http://rp.example.test/bye"))
    assert page.status == 302 and page.location == "http://rp.example.test/bye"
    assert browser.get(client.build_authorize_url()).status == 200            # the form again
    assert client.build_logout_url(expert=True) == client.options.app_host + "/oidc/session/end"
    saml = AuthenticationClient(oidc(protocol="saml"))
    assert saml.build_authorize_url() == f"{saml.options.app_host}/api/v2/saml-idp/{saml.options.app_id}"
    assert saml.build_logout_url() == saml.options.app_host + "/login/profile/logout"


def test_argument_errors(oidc, auth_options):
    from approw.v2.authentication import AuthenticationClient

    no_host = AuthenticationClient(auth_options(app_host=None, host="http://127.0.0.1:9"))
    for call in (no_host.build_authorize_url, no_host.build_logout_url):
        with pytest.raises(ApprowWrongArgumentException, match="app_host"):
            call()
    client = AuthenticationClient(oidc())
    with pytest.raises(ApprowWrongArgumentException, match="grater than 43"):
        client.generate_code_challenge(42)
    with pytest.raises(ApprowArgumentTypeError):
        client.generate_code_challenge("43")
    with pytest.raises(ApprowWrongArgumentException, match="grater than 43"):
        client.generate_code_challenge_digest("short")
    with pytest.raises(ApprowWrongArgumentException, match="S256 or plain"):
        client.generate_code_challenge_digest("a" * 43, "S512")
    with pytest.raises(ApprowWrongArgumentException, match="code or token"):
        AuthenticationClient(oidc(protocol="oauth")).build_authorize_url(response_type="id_token")
    with pytest.raises(ApprowWrongArgumentException, match="oidc or oauth"):
        AuthenticationClient(oidc(protocol="cas")).get_access_token_by_code("c")
    with pytest.raises(ApprowWrongArgumentException, match="redirect_uri"):
        AuthenticationClient(oidc(redirect_uri=None)).get_access_token_by_code("c")
    with pytest.raises(ApprowWrongArgumentException, match="secret must be provided"):
        AuthenticationClient(oidc(secret=None)).get_new_access_token_by_refresh_token("r")
    with pytest.raises(ApprowWrongArgumentException, match="unsupported argument"):
        AuthenticationClient(oidc(revocation_endpoint_auth_method="private_key_jwt")).revoke_token("t")
    with pytest.raises(ApprowWrongArgumentException, match="scope"):
        client.get_access_token_by_client_credentials("", "ak", "sk")
    with pytest.raises(ApprowWrongArgumentException, match="id_token or access_token"):
        client.validate_token()
    with pytest.raises(ApprowWrongArgumentException, match="protocol must be"):
        AuthenticationClient(oidc(protocol="ldap")).build_authorize_url()


def test_async_code_flow(oidc, person):
    client = AsyncAuthenticationClient(oidc())
    verifier = client.generate_code_challenge()
    url = client.build_authorize_url(scope="openid email offline_access", nonce="a-1",
                                     code_challenge=client.generate_code_challenge_digest(verifier),
                                     code_challenge_method="S256")
    code = _sign_in(url, person["username"])["code"]

    async def flow():
        tokens = await client.get_access_token_by_code(code, verifier)
        claims, info = await asyncio.gather(client.verify_token(tokens["id_token"], nonce="a-1"),
                                            client.get_user_info_by_access_token(tokens["access_token"]))
        refreshed = await client.get_new_access_token_by_refresh_token(tokens["refresh_token"])
        active = await client.introspect_token(refreshed["access_token"])
        revoked = await client.revoke_token(refreshed["access_token"])
        inactive = await client.introspect_token(refreshed["access_token"])
        online = await client.validate_token(access_token=tokens["access_token"])
        return claims, info, active, revoked, inactive, online

    claims, info, active, revoked, inactive, online = asyncio.run(flow())
    assert claims["sub"] == info["sub"] == online["sub"] == person["id"] and info["email"] == person["email"]
    assert active["active"] is True and revoked is True and inactive == {"active": False}
