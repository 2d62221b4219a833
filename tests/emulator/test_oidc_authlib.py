"""The emulator's OpenID Provider checked by code no one here wrote: Authlib's OAuth 2.0 /
OpenID Connect client (its requests integration, composed the way Authlib's own framework
integrations compose it) runs discovery, the code flow with PKCE (S256), and validates the ID
token (signature from the JWKS, iss, aud, exp, iat, nonce, at_hash), then reads userinfo."""
import pytest

from browser import Browser

authlib = pytest.importorskip("authlib")
pytest.importorskip("requests")

from authlib.integrations.base_client import FrameworkIntegration  # noqa: E402
from authlib.integrations.base_client.sync_app import BaseApp, OAuth2Mixin  # noqa: E402
from authlib.integrations.base_client.sync_openid import OpenIDMixin  # noqa: E402
from authlib.integrations.requests_client import OAuth2Session  # noqa: E402

CALLBACK = "http://rp.example.test/authlib/callback"


class OpenIDClient(OAuth2Mixin, OpenIDMixin, BaseApp):
    """Authlib's generic OpenID client app over ``requests`` (what its Flask/Django apps are,
    minus the framework)."""

    client_cls = OAuth2Session


class _Framework(FrameworkIntegration):
    def update_token(self, token, refresh_token=None, access_token=None):
        pass


def _client(emulator, method):
    return OpenIDClient(
        _Framework("emulator"), client_id=emulator.app_id, client_secret=emulator.app_secret,
        server_metadata_url=emulator.url + "/oidc/.well-known/openid-configuration",
        client_kwargs={"scope": "openid profile email", "code_challenge_method": "S256",
                       "token_endpoint_auth_method": method})


@pytest.mark.parametrize("method", ["client_secret_basic", "client_secret_post"])
def test_authlib_code_flow_with_pkce_and_id_token_validation(approw_emulator_fresh, method):
    emulator = approw_emulator_fresh
    emulator.configure_app(redirect_uris=[CALLBACK], token_endpoint_auth_method=method)
    user = emulator.create_user(username="authlib-user", email="al@example.test", password="s3cret!",
                                nickname="Al")
    client = _client(emulator, method)

    metadata = client.load_server_metadata()                      # discovery
    assert metadata["issuer"] == emulator.url + "/oidc"
    assert "S256" in metadata["code_challenge_methods_supported"]

    request = client.create_authorization_url(redirect_uri=CALLBACK)  # adds state, nonce, PKCE
    assert "code_challenge=" in request["url"] and "nonce=" in request["url"]
    page = Browser().sign_in(request["url"], "authlib-user", "s3cret!")
    assert page.status == 302, page.text[:300]
    answer = page.redirect_params()
    assert answer["state"] == request["state"]

    token = client.fetch_access_token(redirect_uri=CALLBACK, code=answer["code"],
                                      code_verifier=request["code_verifier"])
    claims = client.parse_id_token(token, nonce=request["nonce"], leeway=0)   # JWKS, iss, aud, nonce, at_hash
    assert claims["sub"] == user["id"] and claims["email"] == "al@example.test"
    assert claims["at_hash"] and claims["nonce"] == request["nonce"]

    info = client.userinfo(token=token)
    assert info["sub"] == user["id"] and info["nickname"] == "Al"


def test_authlib_rejects_a_wrong_nonce(approw_emulator_fresh):
    try:
        from joserfc.errors import InvalidClaimError
    except ImportError:  # Authlib < 1.7 (the last ones for CPython 3.9) checks claims itself
        from authlib.jose.errors import InvalidClaimError

    emulator = approw_emulator_fresh
    emulator.create_user(username="nonce-user", password="s3cret!")
    client = _client(emulator, "client_secret_post")
    request = client.create_authorization_url(redirect_uri=CALLBACK)
    answer = Browser().sign_in(request["url"], "nonce-user", "s3cret!").redirect_params()
    token = client.fetch_access_token(redirect_uri=CALLBACK, code=answer["code"],
                                      code_verifier=request["code_verifier"])
    with pytest.raises(InvalidClaimError) as ei:
        client.parse_id_token(token, nonce="not-the-nonce")
    assert "nonce" in str(ei.value)


def test_authlib_sees_rotated_keys(approw_emulator_fresh):
    emulator = approw_emulator_fresh
    emulator.create_user(username="rotating", password="s3cret!")
    client = _client(emulator, "client_secret_post")
    client.fetch_jwk_set()                                         # cached before the rotation
    emulator.rotate_signing_key()
    request = client.create_authorization_url(redirect_uri=CALLBACK)
    answer = Browser().sign_in(request["url"], "rotating", "s3cret!").redirect_params()
    token = client.fetch_access_token(redirect_uri=CALLBACK, code=answer["code"],
                                      code_verifier=request["code_verifier"])
    assert client.parse_id_token(token, nonce=request["nonce"])["sub"]   # unknown kid -> JWKS refetched
