"""``AuthenticationClient``: the OIDC / OAuth 2.0 / SAML / CAS helpers and local verification."""
import base64
import json
import re
import time
from typing import Any

from . import LOCAL, Case

APP = "https://app.example.test"
OIDC = {"app_host": APP, "secret": "sec", "redirect_uri": "https://rp.test/cb"}
OAUTH = dict(OIDC, protocol="oauth")
BASIC = "Basic " + base64.b64encode(b"app1:sec").decode()
TOKENS = {"access_token": "at", "id_token": "it", "expires_in": 3600, "token_type": "Bearer",
          "scope": "openid"}
VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"   # RFC 7636 appendix B
CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


class Matches:
    """Equal to any str matching ``pattern`` (for random results)."""

    def __init__(self, pattern: str) -> None:
        self.pattern = re.compile(pattern)

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, str) and bool(self.pattern.fullmatch(other))

    def __repr__(self) -> str:
        return f"Matches({self.pattern.pattern!r})"


def _signed_token() -> Any:
    """An RS256 token for the verify_token row, with the JWKS that verifies it."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    numbers = key.public_key().public_numbers()

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    def num(n: int) -> str:
        return b64(n.to_bytes((n.bit_length() + 7) // 8, "big"))

    # (made when the tests are collected, checked when the case runs: in a whole-suite run that
    # can be more than an hour later, so the token stays valid for a week)
    now = int(time.time())
    claims = {"sub": "u1", "iss": APP + "/oidc", "aud": "app1", "iat": now, "exp": now + 7 * 86400,
              "nonce": "n1"}
    signing_input = b64(json.dumps({"alg": "RS256", "kid": "k1"}).encode()) + "." + \
        b64(json.dumps(claims).encode())
    signature = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    jwks = {"keys": [{"kty": "RSA", "kid": "k1", "use": "sig", "alg": "RS256",
                      "n": num(numbers.n), "e": num(numbers.e)}]}
    return signing_input + "." + b64(signature), claims, jwks


TOKEN, CLAIMS, JWKS = _signed_token()

CASES = [
    # --- URLs and PKCE: no request
    Case("auth", "build_authorize_url", (), {"state": "s", "nonce": "n"}, op=LOCAL, options=OIDC,
         variables=None, answer=None,
         returns=APP + "/oidc/auth?nonce=n&state=s&scope=openid+profile+email+phone+address"
         "&client_id=app1&redirect_uri=https%3A%2F%2Frp.test%2Fcb&response_type=code"),
    Case("auth", "build_authorize_url", ("https://rp.test/other", "code", "form_post", "s", "n",
                                         "openid offline_access", "S256", CHALLENGE),
         op=LOCAL, options=OIDC, variables=None, answer=None,
         returns=APP + "/oidc/auth?nonce=n&state=s&scope=openid+offline_access&client_id=app1"
         "&redirect_uri=https%3A%2F%2Frp.test%2Fother&response_type=code&response_mode=form_post"
         "&prompt=consent&code_challenge=" + CHALLENGE + "&code_challenge_method=S256"),
    Case("auth", "build_authorize_url", (), {"state": "s", "response_type": "token"}, op=LOCAL,
         options=OAUTH, variables=None, answer=None,
         returns=APP + "/oauth/auth?state=s&scope=user&client_id=app1"
         "&redirect_uri=https%3A%2F%2Frp.test%2Fcb&response_type=token"),
    Case("auth", "build_authorize_url", (), op=LOCAL, options=dict(OIDC, protocol="saml"),
         variables=None, answer=None, returns=APP + "/api/v2/saml-idp/app1"),
    Case("auth", "build_authorize_url", (), {"service": "https://rp.test/cas?a=1&b=2"}, op=LOCAL,
         options=dict(OIDC, protocol="cas"), variables=None, answer=None,
         returns=APP + "/cas-idp/app1?service=https%3A%2F%2Frp.test%2Fcas%3Fa%3D1%26b%3D2"),
    Case("auth", "generate_code_challenge", (), op=LOCAL, variables=None, answer=None,
         returns=Matches("[a-z]{43}")),
    Case("auth", "generate_code_challenge", (128,), op=LOCAL, variables=None, answer=None,
         returns=Matches("[a-z]{128}")),
    Case("auth", "generate_code_challenge_digest", (VERIFIER,), op=LOCAL, variables=None,
         answer=None, returns=CHALLENGE),
    Case("auth", "generate_code_challenge_digest", (VERIFIER, "plain"), op=LOCAL, variables=None,
         answer=None, returns=VERIFIER),
    Case("auth", "build_logout_url", (), op=LOCAL, options=OIDC, variables=None, answer=None,
         returns=APP + "/login/profile/logout"),
    Case("auth", "build_logout_url", (True, "https://rp.test/bye", "id.tok"), op=LOCAL,
         options=OIDC, variables=None, answer=None,
         returns=APP + "/oidc/session/end?id_token_hint=id.tok"
         "&post_logout_redirect_uri=https%3A%2F%2Frp.test%2Fbye"),
    Case("auth", "build_logout_url", (True, "https://rp.test/bye"), op=LOCAL, options=OIDC,
         variables=None, answer=None,
         returns=APP + "/oidc/session/end?post_logout_redirect_uri=https%3A%2F%2Frp.test%2Fbye"
         "&client_id=app1"),
    Case("auth", "build_logout_url", (), {"redirect_uri": "https://rp.test/"}, op=LOCAL,
         options=dict(OIDC, protocol="cas"), variables=None, answer=None,
         returns=APP + "/cas-idp/logout?url=https%3A%2F%2Frp.test%2F"),
    Case("auth", "build_logout_url", (), {"redirect_uri": "https://rp.test/"}, op=LOCAL,
         options=OAUTH, variables=None, answer=None,
         returns=APP + "/login/profile/logout?redirect_uri=https%3A%2F%2Frp.test%2F"),
    # --- the token endpoint, by client authentication method
    Case("auth", "get_access_token_by_code", ("c1", VERIFIER), op="POST /oidc/token", options=OIDC,
         variables={"client_id": "app1", "client_secret": "sec", "grant_type": "authorization_code",
                    "code": "c1", "redirect_uri": "https://rp.test/cb", "code_verifier": VERIFIER},
         answer=TOKENS, returns=TOKENS),
    Case("auth", "get_access_token_by_code", ("c1",), op="POST /oauth/token",
         options=dict(OAUTH, token_endpoint_auth_method="client_secret_basic"),
         variables={"grant_type": "authorization_code", "code": "c1",
                    "redirect_uri": "https://rp.test/cb"},
         answer=TOKENS, returns=TOKENS, token=BASIC),
    Case("auth", "get_access_token_by_code", ("c1", VERIFIER), op="POST /oidc/token",
         options=dict(OIDC, secret=None, token_endpoint_auth_method="none"),
         variables={"client_id": "app1", "grant_type": "authorization_code", "code": "c1",
                    "redirect_uri": "https://rp.test/cb", "code_verifier": VERIFIER},
         answer={"error": "invalid_grant", "error_description": "used"},
         returns={"error": "invalid_grant", "error_description": "used"}),
    Case("auth", "get_access_token_by_client_credentials", ("books:read", "ak", "sk"),
         op="POST /oidc/token", options=OIDC,
         variables={"client_id": "ak", "client_secret": "sk", "grant_type": "client_credentials",
                    "scope": "books:read"},
         answer=dict(TOKENS, rejected_scope=""), returns=dict(TOKENS, rejected_scope="")),
    Case("auth", "get_new_access_token_by_refresh_token", ("rt",), op="POST /oidc/token",
         options=OIDC, variables={"client_id": "app1", "client_secret": "sec",
                                  "grant_type": "refresh_token", "refresh_token": "rt"},
         answer=TOKENS, returns=TOKENS),
    Case("auth", "get_new_access_token_by_refresh_token", ("rt",), op="POST /oidc/token",
         options=dict(OIDC, token_endpoint_auth_method="client_secret_basic"),
         variables={"grant_type": "refresh_token", "refresh_token": "rt"},
         answer=TOKENS, returns=TOKENS, token=BASIC),
    Case("auth", "introspect_token", ("at",), op="POST /oidc/token/introspection", options=OIDC,
         variables={"client_id": "app1", "client_secret": "sec", "token": "at"},
         answer={"active": True, "sub": "u1"}, returns={"active": True, "sub": "u1"}),
    Case("auth", "introspect_token", ("at",), op="POST /oidc/token/introspection",
         options=dict(OIDC, secret=None, introspection_endpoint_auth_method="none"),
         variables={"client_id": "app1", "token": "at"},
         answer={"active": False}, returns={"active": False}),
    Case("auth", "revoke_token", ("at",), op="POST /oidc/token/revocation", options=OIDC,
         variables={"client_id": "app1", "client_secret": "sec", "token": "at"},
         answer=b"", returns=True),
    Case("auth", "revoke_token", ("at",), op="POST /oauth/token/revocation",
         options=dict(OAUTH, revocation_endpoint_auth_method="client_secret_basic"),
         variables={"token": "at"}, answer={"error": "invalid_client"},
         returns={"error": "invalid_client"}, token=BASIC),
    # --- userinfo, online validation, CAS, local verification
    Case("auth", "get_user_info_by_access_token", ("at",), op="POST /oidc/me", options=OIDC,
         variables=None, answer={"sub": "u1"}, returns={"sub": "u1"}, token="at"),
    Case("auth", "validate_token", (), {"id_token": "it"}, op="GET /api/v2/oidc/validate_token",
         options=OIDC, variables=None, answer={"sub": "u1"}, returns={"sub": "u1"}),
    Case("auth", "validate_token", (None, "at"), op="GET /api/v2/oidc/validate_token",
         variables=None, answer={"code": 400, "message": "access_token illegal"},
         returns={"code": 400, "message": "access_token illegal"}),
    Case("auth", "validate_ticket_v1", ("ST-1", "https://rp.test/cas"), op="GET /cas-idp/app1/validate",
         options=OIDC, variables=None, answer=b"yes\nalice\n",
         returns={"valid": True, "username": "alice"}),
    Case("auth", "validate_ticket_v1", ("ST-1", "https://rp.test/cas"), op="GET /cas-idp/app1/validate",
         options=OIDC, variables=None, answer=b"no\n\n",
         returns={"valid": False, "message": "ticket is not valid"}),
    Case("auth", "verify_token", (TOKEN,), {"nonce": "n1"}, op="GET /oidc/.well-known/jwks.json",
         options=OIDC, variables=None, answer=JWKS, returns=CLAIMS),
]
