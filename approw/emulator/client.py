"""A minimal keep-alive JSON client for the emulator (standard library only).

For tests and set-up scripts that talk to the emulator without an SDK:

    client = EmulatorClient(emulator.url, token=emulator.management_token())
    body = client.graphql("query { users { totalCount } }")
    status, body = client.get("/api/v2/users/me", token=user_token)

One connection, reused across calls (reconnecting once if the server closed it); not for
use by several threads at once — give each thread its own client.
"""

from __future__ import annotations

import http.client
import json
from typing import Any, Dict, Optional, Tuple
from urllib.parse import urlsplit


class EmulatorClient:
    def __init__(self, url: str, token: Optional[str] = None, headers: Optional[Dict[str, str]] = None,
                 timeout: float = 30.0) -> None:
        parts = urlsplit(url)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError("expected an http:// URL, got %r" % url)
        self.host = parts.hostname
        self.port = parts.port or 80
        self.token = token
        self.headers = dict(headers or {})
        self.timeout = timeout
        self._conn: Optional[http.client.HTTPConnection] = None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> "EmulatorClient":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def request(self, method: str, path: str, body: Any = None, headers: Optional[Dict[str, str]] = None,
                token: Optional[str] = None) -> Tuple[int, Any]:
        """``(HTTP status, decoded JSON body or None)``; ``body`` may be a JSON value or bytes."""
        sent = dict(self.headers)
        bearer = token if token is not None else self.token
        if bearer:
            sent["Authorization"] = "Bearer " + bearer
        if body is not None and not isinstance(body, (bytes, bytearray)):
            body = json.dumps(body).encode("utf-8")
            sent.setdefault("Content-Type", "application/json")
        sent.update(headers or {})
        while True:
            reused = self._conn is not None
            if self._conn is None:
                self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self._conn.request(method, path, body=body, headers=sent)
                response = self._conn.getresponse()
                raw = response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                if reused:  # the server closed an idle connection: retry once on a new one
                    continue
                raise
            if response.will_close:
                self.close()
            return response.status, (json.loads(raw) if raw else None)

    def get(self, path: str, token: Optional[str] = None, **headers: str) -> Tuple[int, Any]:
        return self.request("GET", path, headers=headers, token=token)

    def post(self, path: str, body: Any = None, token: Optional[str] = None, **headers: str) -> Tuple[int, Any]:
        return self.request("POST", path, body=body, headers=headers, token=token)

    def graphql(self, query: str, variables: Optional[Dict[str, Any]] = None, token: Optional[str] = None,
                headers: Optional[Dict[str, str]] = None) -> Dict[str, Any]:
        """The response object of one GraphQL request (``data`` and possibly ``errors``)."""
        payload: Dict[str, Any] = {"query": query}
        if variables is not None:
            payload["variables"] = variables
        status, body = self.request("POST", "/graphql/v2", payload, headers=headers, token=token)
        if status != 200 or not isinstance(body, dict):
            raise RuntimeError("unexpected GraphQL response: HTTP %d %r" % (status, body))
        return body
