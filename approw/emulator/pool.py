"""The emulated tenant: one user pool, its default application, its keys and its tokens.

The pool's identity (ids, secrets, RSA keys) is created on first start and kept in the
store, so with ``--db`` a restarted emulator is the same pool: configured SDK clients,
issued tokens and the published public key all stay valid.  The default application is
created with the pool; it and the others live in the applications domain (the current
client secret of the default application is read from there, so refreshing it takes
effect at once).

Tokens
  * management token: RS256 JWT, ``data.type == "userpool"``; stateless.
  * user token: RS256 JWT id_token with OIDC profile claims and the legacy ``data``
    object.  Every issued token is recorded by ``jti`` (the sessions domain's table) so
    that logout can revoke exactly that token and deleting a user invalidates all of theirs.
"""

from __future__ import annotations

import itertools
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Dict, Optional, Tuple

from .config import EmulatorConfig
from .domains.applications import apps
from .domains.applications import state as applications
from .domains.sessions import state as sessions
from .domains.userpool import settings as pool_settings
from .domains.users import state as users
from .errors import APP_NOT_FOUND, POOL_NOT_FOUND, ApprowError
from .store import Store
from .tokens import KeyRing, PasswordHasher, TokenError, b64url, object_id, random_secret

log = logging.getLogger("approw.emulator")

# OIDC claim -> user field, for the id_token profile claims.
_PROFILE_CLAIMS = {
    "birthdate": "birthdate",
    "family_name": "familyName",
    "gender": "gender",
    "given_name": "givenName",
    "locale": "locale",
    "middle_name": "middleName",
    "name": "name",
    "nickname": "nickname",
    "picture": "photo",
    "preferred_username": "preferredUsername",
    "profile": "profile",
    "updated_at": "updatedAt",
    "website": "website",
    "zoneinfo": "zoneinfo",
    "phone_number": "phone",
    "phone_number_verified": "phoneVerified",
    "email": "email",
    "email_verified": "emailVerified",
}
_ADDRESS_CLAIMS = {"country": "country", "postal_code": "postalCode", "region": "region", "formatted": "formatted"}
_DATA_CLAIMS = ("phone", "email", "username", "unionid", "openid")


@dataclass
class Principal:
    """Who sent a request, from its ``Authorization: Bearer`` header."""

    kind: str  # "anonymous", "invalid", "admin" or "user"
    user: Optional[Dict[str, Any]] = None
    claims: Dict[str, Any] = field(default_factory=dict)
    token: Optional[str] = None
    expired: bool = False


ANONYMOUS = Principal("anonymous")
_PURGE_EVERY = 1000  # issued tokens between deletions of expired token records


class UserPool:
    def __init__(self, store: Store, config: EmulatorConfig, keys: Optional[KeyRing] = None) -> None:
        self.store = store
        self.config = config
        self.hasher = PasswordHasher(config.hash_iterations)
        self.base_url = "http://%s:%d" % (config.host, config.port)
        identity = store.get_meta("pool")
        self.new = identity is None  # created by this start (not loaded from --db)
        if identity is None:
            now = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
            identity = {
                "id": config.user_pool_id or object_id(),
                "secret": config.secret or random_secret(),
                "jwtSecret": random_secret(),
                "appId": config.app_id or object_id(),
                "appSecret": config.app_secret or random_secret(),
                "ownerId": object_id(),
                "createdAt": now,
            }
            store.set_meta("pool", identity)
        else:
            current = dict(identity, appSecret=applications.secret(store, identity["appId"]) or identity["appSecret"])
            for key, wanted in (("id", config.user_pool_id), ("secret", config.secret),
                                ("appId", config.app_id), ("appSecret", config.app_secret)):
                if wanted is not None and current[key] != wanted:
                    raise ValueError(
                        "%s holds user pool %s with a different %s; drop the option or use another --db"
                        % (store.path, identity["id"], key)
                    )
        self._issued = itertools.count(1)
        self.identity = identity
        self.id: str = identity["id"]
        self.secret: str = identity["secret"]
        self.app_id: str = identity["appId"]
        apps.ensure_default(store, self.app_id, identity["appSecret"], identity["createdAt"])
        if config.redirect_uris:  # --redirect-uri: the default application's redirect URIs
            applications.update(store, self.app_id, {"redirectUris": list(dict.fromkeys(config.redirect_uris))})
        stored_keys = store.get_meta("keys")
        self._rotation_lock = threading.Lock()
        if stored_keys is not None:
            self.keys = KeyRing(stored_keys["signing"], stored_keys["password"], stored_keys.get("retired", ()))
            self._signing_key_since = float(stored_keys.get("since", time.time()))
        else:
            self.keys = keys or KeyRing.generate()
            self._save_keys(time.time())
        sessions.purge_tokens(store, int(time.time()))

    # --- signing keys ------------------------------------------------------------------------

    def _save_keys(self, since: float) -> None:
        self._signing_key_since = since
        self.store.set_meta("keys", {"signing": self.keys.signing_pem, "password": self.keys.password_pem,
                                     "retired": list(self.keys.retired_pems), "since": since})

    def rotate_signing_key(self) -> str:
        """Sign new tokens with a new key; the previous keys stay published and keep verifying
        what they signed (the last two).  Returns the new ``kid``."""
        with self._rotation_lock:
            return self._rotate()

    def _rotate(self) -> str:
        self.keys = self.keys.rotated()
        self._save_keys(time.time())
        log.info("signing key rotated: kid %s", self.keys.kid)
        return self.keys.kid

    def signing_keys(self) -> KeyRing:
        """The key ring to sign with, rotated first when ``key_rotation`` says it is due."""
        every = self.config.key_rotation
        if every and time.time() - self._signing_key_since >= every:
            with self._rotation_lock:
                if time.time() - self._signing_key_since >= every:  # not done meanwhile
                    self._rotate()
        return self.keys

    @property
    def issuer(self) -> str:
        return self.base_url + "/oidc"

    @property
    def app_secret(self) -> str:
        """The default application's current client secret."""
        return applications.secret(self.store, self.app_id) or ""

    def application(self, app_id: str) -> Dict[str, Any]:
        """An application as session and app listings show it (a deleted one: its id, no name)."""
        app = applications.get(self.store, app_id)
        return {"id": app_id, "name": None} if app is None else apps.public_view(self.id, app)

    def refresh_secret(self) -> str:
        """A new pool secret, kept in the store: ``accessToken`` takes only it from now on."""
        with self.store.tx():
            identity = dict(self.store.get_meta("pool"), secret=random_secret())
            self.store.set_meta("pool", identity)
        self.identity = identity
        self.secret = identity["secret"]
        return self.secret

    def arn(self, user_id: str) -> str:
        return "arn:cn:approw:%s:user:%s" % (self.id, user_id)

    # --- request identity ------------------------------------------------------------------

    def check_tenant(self, pool_id: Optional[str], app_id: Optional[str]) -> None:
        """Reject requests addressed to another pool or an unknown application."""
        if pool_id and pool_id != self.id:
            raise ApprowError(POOL_NOT_FOUND)
        if app_id and app_id != self.app_id and not applications.exists(self.store, app_id):
            raise ApprowError(APP_NOT_FOUND)

    def authenticate(self, authorization: Optional[str]) -> Principal:
        if not authorization:
            return ANONYMOUS
        scheme, _, token = authorization.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            return Principal("invalid")
        try:
            claims = self.keys.verify(token)
        except TokenError as exc:
            return Principal("invalid", token=token, expired=exc.expired)
        data = claims.get("data")
        if not isinstance(data, dict) or data.get("userPoolId") != self.id:
            return Principal("invalid", token=token)
        if data.get("type") == "userpool":
            return Principal("admin", claims=claims, token=token)
        user = self.user_for_claims(claims)
        if user is None:
            return Principal("invalid", token=token)
        return Principal("user", user=user, claims=claims, token=token)

    def user_for_claims(self, claims: Dict[str, Any]) -> Optional[Dict[str, Any]]:
        """The live user a verified user token belongs to (None if revoked or deleted)."""
        data = claims.get("data")
        if not isinstance(data, dict) or data.get("type") != "user" or data.get("userPoolId") != self.id:
            return None
        if not sessions.token_usable(self.store, claims.get("jti"), data.get("id")):
            return None
        return users.get_user(self.store, data.get("id"))

    def check_user_token(self, token: str) -> Tuple[Optional[Dict[str, Any]], Dict[str, Any], str]:
        """``(user, claims, problem)`` for a token; ``problem`` is "", "expired" or "invalid"."""
        try:
            claims = self.keys.verify(token)
        except TokenError as exc:
            return None, exc.claims or {}, "expired" if exc.expired else "invalid"
        user = self.user_for_claims(claims)
        return user, claims, "" if user is not None else "invalid"

    # --- issuing tokens ----------------------------------------------------------------------

    def management_token(self, lifetime: Optional[int] = None, now: Optional[int] = None) -> Tuple[str, int, int]:
        iat = int(time.time()) if now is None else now
        exp = iat + (self.config.management_token_lifetime if lifetime is None else lifetime)
        claims = {
            "sub": self.identity["ownerId"],
            "data": {"type": "userpool", "userPoolId": self.id, "appId": None, "id": self.identity["ownerId"]},
            "iss": self.issuer,
            "iat": iat,
            "exp": exp,
            "jti": b64url(os.urandom(12)),
        }
        return self.signing_keys().sign(claims), iat, exp

    def user_token(
        self,
        user: Dict[str, Any],
        app_id: Optional[str] = None,
        lifetime: Optional[int] = None,
        now: Optional[int] = None,
    ) -> Tuple[str, int, int]:
        """Sign and record an id_token for ``user``; returns ``(token, iat, exp)``."""
        app_id = app_id or self.app_id
        iat = int(time.time()) if now is None else now
        if lifetime is None:  # the pool's tokenExpiresAfter
            lifetime = pool_settings.token_lifetime(self.store, self.config.token_lifetime)
        exp = iat + lifetime
        jti = b64url(os.urandom(16))
        claims: Dict[str, Any] = {"sub": user["id"]}
        for claim, name in _PROFILE_CLAIMS.items():
            claims[claim] = user.get(name)
        claims["address"] = {claim: user.get(name) for claim, name in _ADDRESS_CLAIMS.items()}
        data: Dict[str, Any] = {
            "type": "user",
            "userPoolId": self.id,
            "appId": app_id,
            "id": user["id"],
            "userId": user["id"],
            "_id": user["id"],
            "clientId": self.id,
        }
        data.update((name, user.get(name)) for name in _DATA_CLAIMS)
        claims.update(
            data=data, userpool_id=self.id, aud=app_id, iss=self.issuer, iat=iat, exp=exp, jti=jti
        )
        token = self.signing_keys().sign(claims)
        sessions.record_token(self.store, jti, user["id"], app_id, iat, exp)
        if next(self._issued) % _PURGE_EVERY == 0:
            sessions.purge_tokens(self.store, int(time.time()))
        return token, iat, exp
