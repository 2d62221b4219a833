"""Applications created through the SDK as full clients of the OpenID Provider and CAS: their
own redirect URIs, secrets, grant types, lifetimes and per-endpoint client authentication
(Authlib runs the flows), and programmatic access accounts (AK/SK) with the
``client_credentials`` grant scoped by the ACL."""
import asyncio
import base64
import json
import warnings
from urllib.parse import urlencode

import pytest

from approw.v2.authentication import AuthenticationClient, AuthenticationClientOptions
from approw.v2.exceptions import ApprowException, ApprowWrongArgumentException
from approw.v2.management import ManagementClient, ManagementClientOptions
from browser import Browser
from sdk_helpers import async_management

pytest.importorskip("authlib")
pytest.importorskip("requests")

from authlib.integrations.requests_client import OAuth2Session  # noqa: E402
with warnings.catch_warnings():  # Authlib 1.7+ deprecates authlib.jose (for joserfc); 1.6 has only it
    warnings.simplefilter("ignore")
    from authlib.jose import JsonWebKey, jwt  # noqa: E402

CALLBACK = "http://127.0.0.1:8765/web/callback"


@pytest.fixture()
def emu(approw_emulator_fresh):
    return approw_emulator_fresh


@pytest.fixture()
def mgmt(emu):
    return ManagementClient(ManagementClientOptions(user_pool_id=emu.user_pool_id, secret=emu.secret, host=emu.url,
                                                    enc_public_key=emu.public_key))


def _web_app(mgmt, **protocol):
    app = mgmt.applications.create("Web Shop", "web-shop", [CALLBACK])
    if protocol:
        app = mgmt.applications.update(app["id"], protocol=protocol)
    return app


def _metadata(emu):
    return json.loads(Browser().get(emu.url + "/oidc/.well-known/openid-configuration").text)


def test_authlib_full_flow_against_an_sdk_created_app(emu, mgmt):
    app = _web_app(mgmt, token_endpoint_auth_method="client_secret_basic",
                   introspection_endpoint_auth_method="client_secret_post",
                   revocation_endpoint_auth_method="client_secret_basic", access_token_expire=900,
                   id_token_expire=300)
    assert app["oidcConfig"]["token_endpoint_auth_method"] == "client_secret_basic"
    assert app["oidcConfig"]["access_token_expire"] == 900 and app["id"] != emu.app_id
    user = emu.create_user(username="shopper", email="shop@example.test", password="s3cret!", nickname="Sho")
    meta = _metadata(emu)
    session = OAuth2Session(app["id"], app["secret"], scope="openid profile email offline_access",
                            redirect_uri="http://127.0.0.1:9999/web/callback",  # loopback: any port (RFC 8252)
                            code_challenge_method="S256", token_endpoint_auth_method="client_secret_basic",
                            revocation_endpoint_auth_method="client_secret_basic")
    verifier = "v" * 64
    url, state = session.create_authorization_url(meta["authorization_endpoint"], code_verifier=verifier,
                                                  nonce="n-1", prompt="consent")
    page = Browser().get(url)
    assert page.status == 200 and "Web Shop" in page.text            # the app's name on the login page
    answer = Browser().sign_in(url, "shopper", "s3cret!").redirect_params()
    assert answer["state"] == state
    token = session.fetch_token(meta["token_endpoint"], code=answer["code"], code_verifier=verifier)
    assert token["expires_in"] == 900 and token["refresh_token"]

    keys = JsonWebKey.import_key_set(json.loads(Browser().get(meta["jwks_uri"]).text))
    claims = jwt.decode(token["id_token"], keys, claims_options={
        "iss": {"essential": True, "value": meta["issuer"]}, "aud": {"essential": True, "value": app["id"]},
        "nonce": {"essential": True, "value": "n-1"}})
    claims.validate(leeway=0)
    assert claims["sub"] == user["id"] and claims["exp"] - claims["iat"] == 300

    info = session.get(meta["userinfo_endpoint"]).json()
    assert info["sub"] == user["id"] and info["nickname"] == "Sho"

    refreshed = session.refresh_token(meta["token_endpoint"], refresh_token=token["refresh_token"])
    assert refreshed["access_token"] != token["access_token"]

    # introspection is configured for client_secret_post: Basic is refused there
    basic = session.introspect_token(meta["introspection_endpoint"], refreshed["access_token"])
    assert basic.status_code == 401 and basic.json()["error"] == "invalid_client"
    post = session.introspect_token(meta["introspection_endpoint"], refreshed["access_token"],
                                    auth=session.client_auth("client_secret_post"))
    assert post.json()["active"] is True and post.json()["client_id"] == app["id"]

    assert session.revoke_token(meta["revocation_endpoint"], refreshed["access_token"]).status_code == 200
    gone = session.introspect_token(meta["introspection_endpoint"], refreshed["access_token"],
                                    auth=session.client_auth("client_secret_post"))
    assert gone.json() == {"active": False}

    # the default application cannot use this app's tokens, nor its secret
    other = OAuth2Session(emu.app_id, emu.app_secret)
    foreign = other.introspect_token(meta["introspection_endpoint"], token["access_token"],
                                     auth=other.client_auth("client_secret_post"))
    assert foreign.json() == {"active": False}


def test_redirect_uris_exact_and_loopback_ports(emu, mgmt):
    app = mgmt.applications.create("Native", "native", ["http://127.0.0.1/cb", "https://app.example.test/cb"])
    base = emu.url + "/oidc/auth?" + urlencode({"client_id": app["id"], "response_type": "code", "scope": "openid"})
    for allowed in ("http://127.0.0.1/cb", "http://127.0.0.1:51000/cb", "https://app.example.test/cb"):
        assert Browser().get(base + "&" + urlencode({"redirect_uri": allowed})).status == 200, allowed
    for refused in ("http://127.0.0.1:51000/cb/x", "https://app.example.test/cb?x=1", "https://app.example.test:444/cb",
                    "http://localhost/cb", "https://app.example.test/CB"):
        page = Browser().get(base + "&" + urlencode({"redirect_uri": refused}))
        assert page.status == 400 and "not registered" in page.text, refused
    unknown = Browser().get(emu.url + "/oidc/auth?client_id=nope&response_type=code&scope=openid&redirect_uri="
                            + CALLBACK)
    assert unknown.status == 400 and "Unknown client_id" in unknown.text


def test_grant_types_and_a_refreshed_secret(emu, mgmt):
    app = _web_app(mgmt, grant_types=["authorization_code"])
    emu.create_user(username="g", password="s3cret!")
    auth = AuthenticationClient(AuthenticationClientOptions(app_id=app["id"], app_host=emu.url, secret=app["secret"],
                                                            redirect_uri=CALLBACK, enc_public_key=emu.public_key))
    implicit = auth.build_authorize_url(response_type="id_token token", nonce="x")
    assert Browser().get(implicit).redirect_params()["error"] == "unauthorized_client"
    code = Browser().sign_in(auth.build_authorize_url(scope="openid offline_access"), "g",
                             "s3cret!").redirect_params()["code"]
    tokens = auth.get_access_token_by_code(code)
    assert "refresh_token" not in tokens                       # refresh_token is not among its grant types
    fresh = mgmt.applications.refresh_application_secret(app["id"])
    assert auth.introspect_token(tokens["access_token"])["error"] == "invalid_client"
    renewed = AuthenticationClient(AuthenticationClientOptions(app_id=app["id"], app_host=emu.url,
                                                               secret=fresh["secret"], redirect_uri=CALLBACK))
    assert renewed.introspect_token(tokens["access_token"])["active"] is True   # nothing issued was revoked
    with pytest.raises(ApprowException) as ei:
        mgmt.applications.update(app["id"], protocol={"token_endpoint_auth_method": "private_key_jwt"})
    assert ei.value.code == 2231
    with pytest.raises(ApprowWrongArgumentException, match="unknown protocol setting"):
        mgmt.applications.update(app["id"], protocol={"bogus": 1})  # type: ignore[typeddict-unknown-key]


def test_public_client_and_hs256_id_tokens(emu, mgmt):
    app = _web_app(mgmt, token_endpoint_auth_method="none", id_token_signed_response_alg="HS256")
    emu.create_user(username="pub", password="s3cret!")
    session = OAuth2Session(app["id"], scope="openid", redirect_uri=CALLBACK, code_challenge_method="S256",
                            token_endpoint_auth_method="none")
    meta = _metadata(emu)
    url, _ = session.create_authorization_url(meta["authorization_endpoint"], code_verifier="w" * 50, nonce="n")
    code = Browser().sign_in(url, "pub", "s3cret!").redirect_params()["code"]
    token = session.fetch_token(meta["token_endpoint"], code=code, code_verifier="w" * 50)
    header = json.loads(base64.urlsafe_b64decode(token["id_token"].split(".")[0] + "=="))
    assert header["alg"] == "HS256"
    claims = jwt.decode(token["id_token"], app["secret"].encode())
    assert claims["aud"] == app["id"]
    ended = Browser().get(emu.url + "/oidc/session/end?" + urlencode(
        {"id_token_hint": token["id_token"], "post_logout_redirect_uri": CALLBACK}))
    assert ended.status == 302 and ended.location == CALLBACK     # the hint names the app, whose URI it is
    forged = jwt.encode({"alg": "HS256"}, dict(claims), b"not-the-secret").decode()
    refused = Browser().get(emu.url + "/oidc/session/end?" + urlencode({"id_token_hint": forged}))
    assert refused.status == 400


def test_cas_per_application(emu, mgmt):
    app = mgmt.applications.create("Intranet", "intranet", ["https://intranet.example.test/"])
    emu.create_user(username="cas-user", password="s3cret!")
    browser = Browser()
    service = "https://intranet.example.test/home"
    login = browser.get("%s/cas-idp/%s/login?%s" % (emu.url, app["id"], urlencode({"service": service})))
    assert login.status == 200 and "Intranet" in login.text
    ticket = browser.submit(login, username="cas-user", password="s3cret!").redirect_params()["ticket"]
    wrong_app = Browser().get("%s/cas-idp/%s/validate?%s" % (emu.url, emu.app_id,
                                                            urlencode({"service": service, "ticket": ticket})))
    assert wrong_app.text == "no\n\n"                           # a ticket of another application
    ticket = browser.get("%s/cas-idp/%s/login?%s" % (emu.url, app["id"], urlencode({"service": service}))
                         ).redirect_params()["ticket"]          # the session: no form
    valid = Browser().get("%s/cas-idp/%s/validate?%s" % (emu.url, app["id"],
                                                        urlencode({"service": service, "ticket": ticket})))
    assert valid.text == "yes\ncas-user\n"
    refused = Browser().get("%s/cas-idp/%s/login?%s" % (emu.url, app["id"],
                                                        urlencode({"service": "https://evil.example.test/"})))
    assert refused.status == 400


def test_access_policy_of_each_app_at_sign_in(emu, mgmt):
    app = _web_app(mgmt)
    mgmt.applications.update_default_access_policy(app["id"], "DENY_ALL")
    emu.create_user(username="outsider", password="s3cret!")
    auth = AuthenticationClient(AuthenticationClientOptions(app_id=app["id"], app_host=emu.url,
                                                            secret=app["secret"], redirect_uri=CALLBACK))
    page = Browser().sign_in(auth.build_authorize_url(), "outsider", "s3cret!")
    assert page.status == 200 and "may not use this application" in page.text
    browser = Browser()   # signed in at the default application, then asking for the other one
    default = AuthenticationClient(AuthenticationClientOptions(app_id=emu.app_id, app_host=emu.url,
                                                               redirect_uri=CALLBACK))
    assert browser.sign_in(default.build_authorize_url(), "outsider", "s3cret!").status == 302
    assert browser.get(auth.build_authorize_url()).redirect_params()["error"] == "access_denied"


# --- programmatic access accounts (AK/SK) and client_credentials ------------------------------


def test_programmatic_access_accounts_and_client_credentials(emu, mgmt):
    app = _web_app(mgmt)
    apps = mgmt.applications
    account = apps.create_programmatic_access_account(app["id"], token_lifetime=120, remarks="billing job")
    assert account["enabled"] is True and account["tokenLifetime"] == 120 and account["appId"] == app["id"]
    assert apps.list_programmatic_access_accounts(app["id"])["list"][0]["id"] == account["id"]
    mgmt.acl.authorize_resource(app["id"], "orders", [{"targetType": "AK_SK", "targetIdentifier": account["id"],
                                                       "actions": ["orders:read"]}])
    mgmt.acl.authorize_resource(app["id"], "invoices:7", [{"targetType": "AK_SK", "targetIdentifier": account["id"],
                                                           "actions": ["pay"]}])
    auth = AuthenticationClient(AuthenticationClientOptions(app_id=app["id"], app_host=emu.url))
    answer = auth.get_access_token_by_client_credentials("orders:read orders:write invoices:7:pay invoices:8:pay",
                                                         account["id"], account["secret"])
    assert answer["scope"] == "orders:read invoices:7:pay"
    assert answer["rejected_scope"] == "orders:write invoices:8:pay"
    assert answer["expires_in"] == 120
    claims = auth.verify_token(answer["access_token"])
    assert claims["sub"] == account["id"] and claims["aud"] == app["id"] and claims["exp"] - claims["iat"] == 120
    owner = AuthenticationClient(AuthenticationClientOptions(app_id=app["id"], app_host=emu.url,
                                                             secret=app["secret"]))
    assert owner.introspect_token(answer["access_token"])["client_id"] == account["id"]

    assert auth.get_access_token_by_client_credentials("orders:write", account["id"],
                                                       account["secret"])["error"] == "invalid_scope"
    assert apps.disable_programmatic_access_account(account["id"])["enabled"] is False
    assert auth.get_access_token_by_client_credentials("orders:read", account["id"],
                                                       account["secret"])["error"] == "invalid_client"
    assert apps.enable_programmatic_access_account(account["id"])["enabled"] is True
    refreshed = apps.refresh_programmatic_access_account_secret(account["id"])
    assert len(refreshed["secret"]) == 32 and refreshed["secret"] != account["secret"]
    assert auth.get_access_token_by_client_credentials("orders:read", account["id"],
                                                       account["secret"])["error"] == "invalid_client"
    assert auth.get_access_token_by_client_credentials("orders:read", account["id"],
                                                       refreshed["secret"])["scope"] == "orders:read"
    chosen = apps.refresh_programmatic_access_account_secret(account["id"], "my-own-secret-key")
    assert chosen["secret"] == "my-own-secret-key"
    assert auth.get_access_token_by_client_credentials("orders:read", app["id"],
                                                       app["secret"])["error"] == "unauthorized_client"

    assert apps.delete_programmatic_access_account(account["id"]) is True
    assert apps.list_programmatic_access_accounts(app["id"])["totalCount"] == 0
    assert auth.get_access_token_by_client_credentials("orders:read", account["id"],
                                                       "my-own-secret-key")["error"] == "invalid_client"
    with pytest.raises(ApprowException) as ei:
        apps.delete_programmatic_access_account(account["id"])
    assert ei.value.code == 404
    with pytest.raises(ApprowException) as ei:
        apps.create_programmatic_access_account("000000000000000000000000")
    assert ei.value.code == 2011
    with pytest.raises(ApprowWrongArgumentException):
        apps.create_programmatic_access_account(app["id"], token_lifetime=0)


def test_policies_reach_access_keys(emu, mgmt):
    app = _web_app(mgmt)
    account = mgmt.applications.create_programmatic_access_account(app["id"])
    auth = AuthenticationClient(AuthenticationClientOptions(app_id=app["id"], app_host=emu.url))
    assert auth.get_access_token_by_client_credentials("reports:1:read", account["id"],
                                                       account["secret"])["error"] == "invalid_scope"
    mgmt.policies.create("read-reports", [{"resource": "reports:*", "actions": ["reports:read"], "effect": "ALLOW"},
                                          {"resource": "reports:9", "actions": ["*"], "effect": "DENY"}],
                         namespace=app["id"])
    mgmt.policies.add_assignments(["read-reports"], "AK_SK", [account["id"]], namespace=app["id"])
    answer = auth.get_access_token_by_client_credentials("reports:1:read reports:9:read", account["id"],
                                                         account["secret"])
    assert answer["scope"] == "reports:1:read" and answer["rejected_scope"] == "reports:9:read"


def test_async_access_key_methods(emu, mgmt):
    app = _web_app(mgmt)
    client = async_management(emu)

    async def run():
        created = await client.applications.create_programmatic_access_account(app["id"], 60)
        listed = await client.applications.list_programmatic_access_accounts(app["id"], 1, 5)
        disabled = await client.applications.disable_programmatic_access_account(created["id"])
        updated = await client.applications.update(app["id"], name="Web Shop 2",
                                                   protocol={"session_expire": 3600})
        deleted = await client.applications.delete_programmatic_access_account(created["id"])
        return created, listed, disabled, updated, deleted

    created, listed, disabled, updated, deleted = asyncio.run(run())
    assert listed["totalCount"] == 1 and listed["list"][0]["id"] == created["id"]
    assert disabled["enabled"] is False and deleted is True
    assert updated["name"] == "Web Shop 2" and updated["oidcConfig"]["session_expire"] == 3600
