"""OpenID Connect, OAuth 2.0, SAML and CAS helpers of the end-user client: authorization and
logout URLs, PKCE, the token endpoint's grants, userinfo, introspection, revocation, online and
local token validation, CAS ticket validation.

The endpoints are those of the application's domain (``options.app_host``, which is also the
API host when given), under ``/oidc`` when ``options.protocol`` is ``oidc`` and ``/oauth``
otherwise.  Clients authenticate as ``options.token_endpoint_auth_method`` says (and the
``introspection_`` / ``revocation_`` variants): ``client_secret_post`` (``client_id`` and
``client_secret`` in the form), ``client_secret_basic`` (``Authorization: Basic``) or ``none``
(a public client: ``client_id`` only, use PKCE).  Token-endpoint answers are returned as the
server sends them: the tokens, or an OAuth error object ``{"error", "error_description"}``.
"""
from __future__ import annotations

from approw.v2.common.checks import checked
from approw.v2.common.randomness import pkce_s256, random_string
from approw.v2.exceptions import ApprowWrongArgumentException

from .base import AsyncAuthenticationBase

# For type checkers only: ``typing`` costs more to import than the SDK itself, and the
# shapes and input objects are TypedDicts (plain dicts at run time).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, Optional, Tuple

    from approw.v2.common.shapes import JSONDict

__all__ = ["AsyncProtocolMethods"]

_AUTH_METHODS = "client_secret_post, client_secret_basic or none"
_M2M_DOC = "https://docs.approw.com/en/guides/authorization/m2m-authz.html"
#: The characters of a PKCE code verifier (RFC 7636, section 4.1).
_VERIFIER_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def _query(url: str, params: Dict[str, Any]) -> str:
    """``url`` with the non-``None`` ``params`` as its query string (spaces as ``+``)."""
    from urllib.parse import urlencode   # the protocol helpers import what they use on first use

    given = {k: v for k, v in params.items() if v is not None}
    return url + "?" + urlencode(given) if given else url


class AsyncProtocolMethods(AsyncAuthenticationBase):
    """Standard protocols on the application's domain: OIDC, OAuth 2.0, SAML and CAS."""

    # ------------------------------------------------------------------ shared steps
    def _app_host(self) -> str:
        if not self.options.app_host:
            raise ApprowWrongArgumentException("must provider app_host when you init AuthenticationClient")
        return self.options.app_host.rstrip("/")

    def _protocol_path(self, message: str) -> str:
        """``/oidc`` or ``/oauth``; other protocols have no token endpoint (``message``)."""
        if self.options.protocol not in ("oidc", "oauth"):
            raise ApprowWrongArgumentException(message)
        return "/" + self.options.protocol

    def _client_auth(self, method: Optional[str], fields: Dict[str, Any],
                     secret_message: str, method_message: str) -> Tuple[Dict[str, Any], Optional[str]]:
        """The form and the Basic credentials for ``fields`` sent by this client with ``method``."""
        secret = self.options.secret
        if not secret and method != "none":
            raise ApprowWrongArgumentException(secret_message)
        if method == "client_secret_post":
            return {"client_id": self.options.app_id, "client_secret": secret, **fields}, None
        if method == "client_secret_basic":
            import base64

            credentials = f"{self.options.app_id}:{secret}".encode("utf-8")
            return fields, base64.b64encode(credentials).decode("ascii")
        if method == "none":
            return {"client_id": self.options.app_id, **fields}, None
        raise ApprowWrongArgumentException(method_message)

    async def _token_request(self, path: str, method: Optional[str], fields: Dict[str, Any],
                             secret_message: str, method_message: str) -> JSONDict:
        """POST a form to ``{host}{path}``, authenticated by ``method``; the parsed answer."""
        data, basic = self._client_auth(method, fields, secret_message, method_message)
        return await self._raw("POST", path, data=data, basic_token=basic)

    async def _raw(self, method: str, path: str, **request: Any) -> JSONDict:
        """A REST call whose answer is returned as the server sends it (parsed JSON)."""
        answer: JSONDict = await self._rest(method, path, result="raw", **request)
        return answer

    # ------------------------------------------------------------------ URLs and PKCE (no I/O)
    @checked
    def build_authorize_url(
        self,
        redirect_uri: Optional[str] = None,
        response_type: Optional[str] = None,
        response_mode: Optional[str] = None,
        state: Optional[str] = None,
        nonce: Optional[str] = None,
        scope: Optional[str] = None,
        code_challenge_method: Optional[str] = None,
        code_challenge: Optional[str] = None,
        service: Optional[str] = None,
    ) -> str:
        """The URL to send the user's browser to, by ``options.protocol``; no request.

        ``oidc``: ``{app_host}/oidc/auth`` with ``client_id`` and the arguments below.
        ``oauth``: ``{app_host}/oauth/auth`` with ``state``, ``scope``, ``client_id``,
        ``redirect_uri`` and ``response_type``.  ``saml``: the SAML IdP URL of the
        application.  ``cas``: the CAS login URL for ``service``.

        Args:
            redirect_uri: where the provider sends the user back (default
                ``options.redirect_uri``).
            response_type: ``code`` (the default), or for OIDC e.g. ``id_token token``; for
                OAuth ``code`` or ``token``.
            response_mode: OIDC: how the answer comes back (``query``, ``fragment``,
                ``form_post``); left out when not given.
            state: an opaque value to check when the user comes back (random when not
                given: keep the one you pass).
            nonce: OIDC: the value the ID token must carry (random when not given).
            scope: OIDC default ``openid profile email phone address`` (``offline_access``
                adds ``prompt=consent``, which a refresh token needs); OAuth default
                ``user``.
            code_challenge_method: PKCE: ``S256`` or ``plain``.
            code_challenge: PKCE: :meth:`generate_code_challenge_digest` of the verifier.
            service: CAS: the service URL to log in to.

        Returns:
            The URL.

        Raises:
            ApprowWrongArgumentException: ``options.app_host`` is not set; ``options.protocol``
                is not ``oidc``, ``oauth``, ``saml`` or ``cas``; for OAuth, a
                ``response_type`` other than ``code`` or ``token``.
        """
        host = self._app_host()
        app_id = self.options.app_id
        protocol = self.options.protocol
        redirect = redirect_uri or self.options.redirect_uri
        if protocol == "oidc":
            return _query(host + "/oidc/auth", {
                "nonce": nonce or random_string(16), "state": state or random_string(16),
                "scope": scope or "openid profile email phone address", "client_id": app_id,
                "redirect_uri": redirect, "response_type": response_type or "code",
                "response_mode": response_mode,
                "prompt": "consent" if scope and "offline_access" in scope.split() else None,
                "code_challenge": code_challenge, "code_challenge_method": code_challenge_method,
            })
        if protocol == "oauth":
            if response_type and response_type not in ("code", "token"):
                raise ApprowWrongArgumentException("response_type must be code or token")
            return _query(host + "/oauth/auth", {
                "state": state or random_string(16), "scope": scope or "user", "client_id": app_id,
                "redirect_uri": redirect, "response_type": response_type or "code",
            })
        if protocol == "saml":
            return f"{host}/api/v2/saml-idp/{app_id}"
        if protocol == "cas":
            base = f"{host}/cas-idp/{app_id}"
            return _query(base, {"service": service}) if service else base + "?service"
        raise ApprowWrongArgumentException("protocol must be oidc oauth saml or cas")

    @checked
    def generate_code_challenge(self, length: int = 43) -> str:
        """A new PKCE code verifier; no request.

        Keep it (one per login), send :meth:`generate_code_challenge_digest` of it in the
        authorize URL, then pass it to :meth:`get_access_token_by_code`.

        Args:
            length: its length, 43 to 128.

        Returns:
            ``length`` random lower-case letters.

        Raises:
            ApprowWrongArgumentException: ``length`` is below 43 or above 128.
            ApprowArgumentTypeError: ``length`` is not an int.
        """
        if length < 43:
            raise ApprowWrongArgumentException("length must be grater than 43")
        if length > 128:
            raise ApprowWrongArgumentException("length must be at most 128")
        return random_string(length)

    @checked
    def generate_code_challenge_digest(self, code_challenge: str, method: Optional[str] = None) -> str:
        """The PKCE ``code_challenge`` for a code verifier; no request.

        Args:
            code_challenge: the code verifier (:meth:`generate_code_challenge`): 43 to 128
                characters of ``A-Z a-z 0-9 - . _ ~``.
            method: ``S256`` (the default) or ``plain``.

        Returns:
            For ``S256`` base64url(SHA-256(verifier)) without padding; for ``plain`` the
            verifier itself.

        Raises:
            ApprowWrongArgumentException: the verifier is too short, too long or has other
                characters, or ``method`` is neither ``S256`` nor ``plain``.
        """
        if len(code_challenge) < 43:
            raise ApprowWrongArgumentException("code_challenge must be a string length grater than 43")
        if len(code_challenge) > 128 or not _VERIFIER_CHARS.issuperset(code_challenge):
            raise ApprowWrongArgumentException(
                "code_challenge must be at most 128 characters of A-Z a-z 0-9 - . _ ~")
        method = method or "S256"
        if method not in ("S256", "plain"):
            raise ApprowWrongArgumentException("method must be S256 or plain")
        return pkce_s256(code_challenge) if method == "S256" else code_challenge

    @checked
    def build_logout_url(self, expert: Any = None, redirect_uri: Optional[str] = None,
                         id_token: Optional[str] = None) -> str:
        """The URL that signs the user out of the application's domain; no request.

        Args:
            expert: with ``oidc``, true for the OpenID Connect end-session endpoint
                (``id_token_hint`` = ``id_token``, ``post_logout_redirect_uri`` =
                ``redirect_uri``, ``client_id`` when no ``id_token`` is given); otherwise
                the hosted login page's logout.  ``cas`` always gives the CAS logout.
            redirect_uri: where to send the user afterwards.
            id_token: OIDC end-session: the user's ID token.

        Returns:
            The URL.

        Raises:
            ApprowWrongArgumentException: ``options.app_host`` is not set.
        """
        host = self._app_host()
        protocol = self.options.protocol
        if protocol == "oidc" and expert:
            return _query(host + "/oidc/session/end", {
                "id_token_hint": id_token, "post_logout_redirect_uri": redirect_uri,
                "client_id": self.options.app_id if redirect_uri and not id_token else None,
            })
        if protocol == "cas":
            return _query(host + "/cas-idp/logout", {"url": redirect_uri})
        return _query(host + "/login/profile/logout", {"redirect_uri": redirect_uri})

    # ------------------------------------------------------------------ token endpoint
    @checked
    async def get_access_token_by_code(self, code: str, code_verifier: Optional[str] = None) -> JSONDict:
        """Exchange an authorization code for tokens at the token endpoint.

        Needs ``options.redirect_uri`` (the one of the authorize URL) and, unless
        ``options.token_endpoint_auth_method`` is ``none``, ``options.secret``.

        Args:
            code: the ``code`` the provider sent back to the redirect URI.
            code_verifier: the PKCE verifier, when the authorize URL had a challenge.

        Returns:
            ``{access_token, id_token, refresh_token?, expires_in, token_type, scope}``, or
            the OAuth error object ``{error, error_description}`` (e.g. ``invalid_grant``)
            as the server sends it: a refusal is returned, not raised.

        Raises:
            ApprowWrongArgumentException: ``options.protocol`` is not ``oidc`` or ``oauth``;
                ``options.redirect_uri`` or ``options.secret`` is missing; the
                ``token_endpoint_auth_method`` is not ``client_secret_post``,
                ``client_secret_basic`` or ``none``.
            ApprowHTTPError: the endpoint answered an HTTP error without a JSON object
                (e.g. 404 for a wrong ``app_host``).
        """
        path = self._protocol_path("argument protocol must be oidc or oauth")
        if not self.options.redirect_uri:
            raise ApprowWrongArgumentException("argument redirect_uri must be provided (options.redirect_uri)")
        return await self._token_request(path + "/token", self.options.token_endpoint_auth_method, {
            "grant_type": "authorization_code", "code": code, "redirect_uri": self.options.redirect_uri,
            "code_verifier": code_verifier,
        }, "argument secret must be provided",
            f"unsupported argument token_endpoint_auth_method, must be {_AUTH_METHODS}")

    @checked
    async def get_access_token_by_client_credentials(self, scope: str, access_key: str,
                                                     access_secret: str) -> JSONDict:
        """A machine-to-machine access token for a programmatic access account.

        Args:
            scope: the ``resource:action`` items asked for, separated by spaces.
            access_key: the account's key (its client id).
            access_secret: the account's secret.

        Returns:
            ``{access_token, expires_in, token_type, scope, rejected_scope}`` (the granted
            and the refused items), or the OAuth error object ``{error,
            error_description}`` (e.g. ``invalid_client``) as the server sends it.

        Raises:
            ApprowWrongArgumentException: ``scope`` is empty.
            ApprowHTTPError: the endpoint answered an HTTP error without a JSON object.
        """
        if not scope:
            raise ApprowWrongArgumentException(f"must provide scope argument, see doc here: {_M2M_DOC}")
        path = "/oidc" if self.options.protocol == "oidc" else "/oauth"
        return await self._raw("POST", path + "/token", data={
            "client_id": access_key, "client_secret": access_secret, "grant_type": "client_credentials",
            "scope": scope,
        })

    @checked
    async def get_new_access_token_by_refresh_token(self, refresh_token: str) -> JSONDict:
        """New tokens for a refresh token (issued when the scope had ``offline_access``).

        Args:
            refresh_token: the refresh token.

        Returns:
            The new tokens, as :meth:`get_access_token_by_code`, or the OAuth error object
            (``invalid_grant`` for a refresh token that is invalid, expired or revoked).

        Raises:
            ApprowWrongArgumentException: ``options.protocol`` is not ``oidc`` or ``oauth``;
                ``options.secret`` is missing or the ``token_endpoint_auth_method`` unknown.
            ApprowHTTPError: the endpoint answered an HTTP error without a JSON object.
        """
        path = self._protocol_path("protocol must be oauth or oidc")
        return await self._token_request(path + "/token", self.options.token_endpoint_auth_method, {
            "grant_type": "refresh_token", "refresh_token": refresh_token,
        }, "secret must be provided", "unsupported argument token_endpoint_auth_method")

    @checked
    async def introspect_token(self, token: str) -> JSONDict:
        """Ask the provider about a token (RFC 7662 introspection).

        The client authenticates as ``options.introspection_endpoint_auth_method`` says.

        Args:
            token: an access or refresh token.

        Returns:
            ``{"active": True, "sub", "scope", "exp", ...}`` for a live token,
            ``{"active": False}`` otherwise, or the OAuth error object.

        Raises:
            ApprowWrongArgumentException: ``options.protocol`` is not ``oidc`` or ``oauth``;
                ``options.secret`` is missing or the auth method unknown.
            ApprowHTTPError: the endpoint answered an HTTP error without a JSON object.
        """
        path = self._protocol_path("protocol must be oauth or oidc")
        return await self._token_request(path + "/token/introspection",
                                         self.options.introspection_endpoint_auth_method, {"token": token},
                                         "secret must be provided",
                                         "unsupported argument introspection_endpoint_auth_method")

    @checked
    async def revoke_token(self, token: str) -> Any:
        """Revoke an access or refresh token (RFC 7009).

        A refresh token takes the tokens issued with it along.  The client authenticates as
        ``options.revocation_endpoint_auth_method`` says.

        Args:
            token: the token to revoke.

        Returns:
            ``True`` (also for a token the provider does not know, as RFC 7009 says), or
            the server's OAuth error object ``{error, error_description}``.

        Raises:
            ApprowWrongArgumentException: ``options.protocol`` is not ``oidc`` or ``oauth``;
                ``options.secret`` is missing or the auth method unknown.
            ApprowHTTPError: the endpoint answered an HTTP error without a JSON object.
        """
        path = self._protocol_path("protocol must be oauth or oidc")
        answer = await self._token_request(path + "/token/revocation",
                                           self.options.revocation_endpoint_auth_method, {"token": token},
                                           "secret must be provided",
                                           "unsupported argument revocation_endpoint_auth_method")
        return answer if isinstance(answer, dict) and "error" in answer else True

    # ------------------------------------------------------------------ tokens and tickets
    @checked
    async def get_user_info_by_access_token(self, access_token: str) -> JSONDict:
        """The user's claims that the access token's scopes allow (the userinfo endpoint).

        Args:
            access_token: the user's access token.

        Returns:
            The claims (``sub``, ``email``, ...), or the OAuth error object
            (``invalid_token`` for a token that is invalid, expired or revoked).

        Raises:
            ApprowHTTPError: the endpoint answered an HTTP error without a JSON object.
        """
        path = "/oidc" if self.options.protocol == "oidc" else "/oauth"
        return await self._raw("POST", path + "/me", token=access_token)

    @checked
    async def validate_token(self, id_token: Optional[str] = None, access_token: Optional[str] = None) -> JSONDict:
        """Ask the server whether a token is valid (:meth:`verify_token` checks locally,
        without a request).

        Args:
            id_token: an ID token to check.
            access_token: an access token to check (used when no ``id_token`` is given).

        Returns:
            The token's claims, or ``{"code": 400, "message": "id_token illegal"}`` (or
            ``access_token illegal``) for a token that is not valid.

        Raises:
            ApprowWrongArgumentException: neither token was given.
            ApprowHTTPError: the endpoint answered an HTTP error without a JSON object.
        """
        if not id_token and not access_token:
            raise ApprowWrongArgumentException("must provide id_token or access_token")
        params: Dict[str, Optional[str]] = \
            {"id_token": id_token} if id_token else {"access_token": access_token}
        return await self._raw("GET", "/api/v2/oidc/validate_token", params=params)

    @checked
    async def validate_ticket_v1(self, ticket: str, service: str) -> JSONDict:
        """Validate a CAS service ticket (CAS 1.0).

        Args:
            ticket: the ticket the CAS login sent to the service.
            service: the service URL the ticket was issued for.

        Returns:
            For a valid ticket ``{"valid": True, "username": ...}``, else
            ``{"valid": False, "message": "ticket is not valid"}``.

        Raises:
            ApprowHTTPError: the endpoint answered an HTTP error (e.g. 404 for a wrong
                ``app_host``).
        """
        text = await self._rest("GET", f"/cas-idp/{self.options.app_id}/validate",
                                params={"service": service, "ticket": ticket}, result="text")
        lines = text.split("\n")
        if lines[0].strip() == "yes":
            answer: JSONDict = {"valid": True}
            if len(lines) > 1 and lines[1].strip():
                answer["username"] = lines[1].strip()
            return answer
        return {"valid": False, "message": "ticket is not valid"}

    @checked
    async def verify_token(self, token: str, nonce: Optional[str] = None,
                           access_token: Optional[str] = None, *, check_revoked: bool = False) -> JSONDict:
        """Verify an ID token or access token locally, with no request per call.

        Checked: the signature (RS256 with the provider's published key, cached; HS256 with
        ``options.secret`` when it is set), issuer ``{host}/oidc``, audience
        ``options.app_id``, ``exp``/``nbf``/``iat``, and ``nonce`` / ``at_hash`` when given
        (see :class:`~approw.v2.authentication.verifier.TokenVerifier`).

        Args:
            token: the token (without a ``Bearer`` prefix).
            nonce: the nonce of your authorization request (ID tokens).
            access_token: the access token issued with the ID token, to check its
                ``at_hash``.
            check_revoked: also ask the service whether the token was revoked (logged out),
                remembering the answer for 10 seconds.

        Returns:
            The token's claims (a dict).

        Raises:
            ApprowTokenError: the token is refused: ``code`` 2206 when it has expired, 2207
                otherwise; ``reason`` names the check (``signature``, ``audience``,
                ``unknown_key``, ``revoked``, ...).
            ApprowWrongArgumentException: ``options.app_id`` is not set, or ``nonce`` or
                ``access_token`` is not text.
            ApprowHTTPError: the provider publishes no keys at ``{host}/oidc`` (e.g. 404
                for a wrong host).
            ApprowTransportError: the keys (or, with ``check_revoked``, the login status)
                could not be fetched.
        """
        from approw.v2.authentication.verifier import AsyncTokenVerifier  # on first use

        return await AsyncTokenVerifier.shared(self.options, check_revoked).verify(
            token, nonce=nonce, access_token=access_token)
