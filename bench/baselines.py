"""Hand-written pure-Python clients used as baselines.

Each sends what the SDK sends for the same call (API.md §2.1/§2.2: headers,
POST {"query": document, "variables": {...}} to {host}/graphql/v2) and returns
the same parsed result (the operation's root field), raising on GraphQL errors.
"""

from __future__ import annotations

import base64
import http.client
import json
import time
import urllib.parse
from typing import Any, Callable

import canned


class GraphQLError(Exception):
    pass


def _unwrap(body: Any) -> Any:
    if not isinstance(body, dict) or ("data" not in body and "errors" not in body):
        raise GraphQLError("not a GraphQL answer: %r" % (body,))
    errors = body.get("errors")
    if errors:
        msg = errors[-1].get("message")
        if isinstance(msg, dict):
            raise GraphQLError("%s %s" % (msg.get("code"), msg.get("message")))
        raise GraphQLError(str(msg))
    return body["data"]


class RequestsTransport:
    """One requests.Session (keep-alive) + json.

    trust_env is switched off: with it on (the default) every request scans the
    process environment for proxy settings and looks for ~/.netrc, which costs
    more than the rest of the client here; the baseline is the best case.
    """

    name = "requests"

    def __init__(self, endpoint: str) -> None:
        import requests

        self.endpoint = endpoint
        self.session = requests.Session()
        self.session.trust_env = False

    def execute(self, document: str, variables: dict[str, Any] | None, headers: dict[str, str]) -> Any:
        payload: dict[str, Any] = {"query": document}
        if variables:
            payload["variables"] = variables
        r = self.session.post(self.endpoint, data=json.dumps(payload), headers=headers)
        return _unwrap(r.json())

    def close(self) -> None:
        self.session.close()


class HTTPClientTransport:
    """One persistent http.client.HTTPConnection + json."""

    name = "http.client"

    def __init__(self, endpoint: str) -> None:
        u = urllib.parse.urlsplit(endpoint)
        if u.hostname is None:
            raise ValueError("endpoint without a host: %r" % endpoint)
        self.path = u.path
        self.conn = http.client.HTTPConnection(u.hostname, u.port)

    def execute(self, document: str, variables: dict[str, Any] | None, headers: dict[str, str]) -> Any:
        payload: dict[str, Any] = {"query": document}
        if variables:
            payload["variables"] = variables
        self.conn.request("POST", self.path, body=json.dumps(payload).encode("utf-8"), headers=headers)
        resp = self.conn.getresponse()
        data = resp.read()
        return _unwrap(json.loads(data))

    def close(self) -> None:
        self.conn.close()


class Management:
    """users.list / users.detail with a cached management token (API.md §2.6)."""

    def __init__(self, transport: Any) -> None:
        self.t = transport
        self._token: str | None = None
        self._exp = 0.0
        self._token_headers = canned.base_headers()
        self._headers: dict[str, str] = {}

    def _auth_headers(self) -> dict[str, str]:
        if self._token is None or self._exp < time.time() + 3600:
            res = self.t.execute(
                canned.DOC_ACCESS_TOKEN,
                {"userPoolId": canned.USER_POOL_ID, "secret": canned.USER_POOL_SECRET},
                self._token_headers,
            )["accessToken"]
            self._token, self._exp = res["accessToken"], float(res["exp"])
            self._headers = canned.base_headers(self._token)
        return self._headers

    def users_list(self, page: int = 1, limit: int = 10) -> Any:
        return self.t.execute(canned.DOC_USERS, {"page": page, "limit": limit}, self._auth_headers())["users"]

    def users_detail(self, user_id: str) -> Any:
        return self.t.execute(canned.DOC_USER, {"id": user_id}, self._auth_headers())["user"]


class Authentication:
    """login_by_username: password encrypted with `cryptography` (key parsed once)."""

    def __init__(self, transport: Any, public_pem: str) -> None:
        from cryptography.hazmat.primitives.asymmetric import padding
        from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
        from cryptography.hazmat.primitives.serialization import load_pem_public_key

        self.t = transport
        key = load_pem_public_key(public_pem.strip().encode("ascii"))
        if not isinstance(key, RSAPublicKey):
            raise ValueError("not an RSA public key")
        self._key = key
        self._padding = padding.PKCS1v15()
        self._headers = canned.base_headers(app_id=canned.APP_ID)
        self.user: Any = None
        self.token: str | None = None

    def login_by_username(self, username: str, password: str) -> Any:
        enc = base64.b64encode(self._key.encrypt(password.encode("utf-8"), self._padding)).decode("ascii")
        variables = {"input": dict(canned.login_input(enc), username=username)}
        user = self.t.execute(canned.DOC_LOGIN, variables, self._headers)["loginByUsername"]
        self.user, self.token = user, user.get("token")
        return user


def make_calls(transport_cls: Callable[[str], Any], endpoint: str, detail_id: str) -> tuple[dict[str, Callable[[], Any]], list[Any]]:
    """Zero-argument callables for the three per-call benchmarks, and the transports to close."""
    mt = transport_cls(endpoint)
    at = transport_cls(endpoint)
    mgmt = Management(mt)
    auth = Authentication(at, canned.DEFAULT_ENCRYPT_PUBLICKEY)
    calls = {
        "users.list": lambda: mgmt.users_list(page=1, limit=10),
        "users.detail": lambda: mgmt.users_detail(detail_id),
        "login_by_username": lambda: auth.login_by_username(canned.LOGIN_USERNAME, canned.LOGIN_PASSWORD),
    }
    return calls, [mt, at]
