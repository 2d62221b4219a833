"""``Emulator``: the store, the pool, the schema and the HTTP server, started and stopped together.

    with Emulator(EmulatorConfig(hash_iterations=1000)) as emu:
        print(emu.url, emu.user_pool_id, emu.secret)

Used by ``python -m approw.emulator`` and by the pytest plugin; the server runs in a
background thread, so embedding code keeps its own thread.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, Dict, List, Optional, Sequence

from .client import EmulatorClient
from .config import EmulatorConfig
from .context import RequestContext
from .domains import DOMAINS
from .domains.mfa import state as mfa
from .domains.oidc import clients as oidc_clients
from .domains.sessions import state as sessions
from .domains.users import accounts
from .domains.users import state as users
from .domains.verification import codes
from .endpoint import GraphQLEndpoint
from .pool import UserPool
from .schema import get_schema
from .server import EmulatorHTTPServer
from .store import Store
from .tokens import KeyRing

log = logging.getLogger("approw.emulator")


def _build_schema_quietly() -> None:
    try:
        get_schema()
    except Exception:  # raised again, in the caller's thread, by the next get_schema()
        pass


class Emulator:
    def __init__(self, config: Optional[EmulatorConfig] = None, *, keys: Optional[KeyRing] = None) -> None:
        """Open (or create) the state; ``keys`` reuses an existing key ring for a new state."""
        self.config = config or EmulatorConfig()
        self.config.check()
        # The schema (built once per process) and new RSA keys are the slow parts of a first
        # start; key generation partly releases the GIL, so build the schema meanwhile.
        builder = threading.Thread(target=_build_schema_quietly, name="approw-emulator-schema", daemon=True)
        builder.start()
        try:
            self.store = Store(self.config.db, [domain.DDL for domain in DOMAINS])
            try:
                self.pool = UserPool(self.store, self.config, keys)
                builder.join()
                self.graphql = GraphQLEndpoint(get_schema())
            except BaseException:
                self.store.close()
                raise
        finally:
            builder.join()
        self._server: Optional[EmulatorHTTPServer] = None
        self._thread: Optional[threading.Thread] = None

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self) -> "Emulator":
        if self._server is not None:
            raise RuntimeError("the emulator is already running")
        try:
            server = EmulatorHTTPServer((self.config.host, self.config.port), self)
        except BaseException:
            self.store.close()
            raise
        host, port = server.server_address[:2]
        host = host.decode("ascii") if isinstance(host, bytes) else host
        shown = "[%s]" % host if ":" in host else host
        self.pool.base_url = "http://%s:%d" % (shown, port)
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="approw-emulator", daemon=True)
        self._thread.start()
        log.info("listening on %s (user pool %s)", self.url, self.user_pool_id)
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop accepting, finish running requests, close connections and the database."""
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.drain(timeout)
            server.server_close()
            if self._thread is not None:
                self._thread.join(timeout)
        self.store.close()

    def __enter__(self) -> "Emulator":
        return self.start() if self._server is None else self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # --- what clients need -------------------------------------------------------------------

    @property
    def url(self) -> str:
        return self.pool.base_url

    @property
    def user_pool_id(self) -> str:
        return self.pool.id

    @property
    def secret(self) -> str:
        return self.pool.secret

    @property
    def app_id(self) -> str:
        return self.pool.app_id

    @property
    def app_secret(self) -> str:
        return self.pool.app_secret

    @property
    def public_key(self) -> str:
        """PEM of the password-encryption key (the SDK's ``enc_public_key``)."""
        return self.pool.keys.public_key_pem

    @property
    def issuer(self) -> str:
        """The OpenID Provider's issuer (``{url}/oidc``)."""
        return self.pool.issuer

    @property
    def jwks_uri(self) -> str:
        return self.pool.issuer + "/.well-known/jwks.json"

    def info(self) -> Dict[str, str]:
        """The startup line: everything a client configuration needs."""
        return {
            "url": self.url,
            "user_pool_id": self.user_pool_id,
            "secret": self.secret,
            "app_id": self.app_id,
            "app_secret": self.app_secret,
            "public_key": self.public_key,
            "issuer": self.issuer,
            "jwks_uri": self.jwks_uri,
        }

    def environment(self) -> Dict[str, str]:
        """The ``APPROW_*`` variables of ``exec`` and ``--print-env``."""
        return {
            "APPROW_EMULATOR_HOST": self.url.split("://", 1)[1],
            "APPROW_HOST": self.url,
            "APPROW_USER_POOL_ID": self.user_pool_id,
            "APPROW_SECRET": self.secret,
            "APPROW_APP_ID": self.app_id,
            "APPROW_APP_SECRET": self.app_secret,
            "APPROW_OIDC_ISSUER": self.issuer,
            "APPROW_JWKS_URL": self.jwks_uri,
        }

    # --- seeds ---------------------------------------------------------------------------

    def import_seed(self, seed: Any) -> Dict[str, int]:
        """Load a seed (a path, or the document itself) into the running emulator; returns
        the number of records per section.  ``SeedError`` names the first bad record."""
        from . import seed as seeds

        return seeds.import_seed(self, seeds.load(seed) if isinstance(seed, str) else seed)

    def export_seed(self, path: Optional[str] = None) -> Dict[str, Any]:
        """The state as a seed document (also written to ``path`` when given)."""
        from . import seed as seeds

        document = seeds.export_seed(self)
        if path is not None:
            seeds.dump(document, path)
        return document

    # --- test helpers ------------------------------------------------------------------------

    def encrypt_password(self, plain: str) -> str:
        """``plain`` encrypted as an SDK would send it (RSA PKCS#1 v1.5 + base64)."""
        return self.pool.keys.encrypt_password(plain)

    def management_token(self, expires_in: Optional[int] = None) -> str:
        return self.pool.management_token(expires_in)[0]

    def user_token(self, user_id: str, *, expires_in: Optional[int] = None, issued_at: Optional[int] = None,
                   app_id: Optional[str] = None) -> str:
        """A real user token for an existing user, e.g. ``expires_in=-60`` for an expired one."""
        user = users.get_user(self.store, user_id)
        if user is None:
            raise KeyError("no user with id %r" % user_id)
        now = int(time.time()) if issued_at is None else issued_at
        return self.pool.user_token(user, app_id, lifetime=expires_in, now=now)[0]

    def client(self, token: Optional[str] = None) -> EmulatorClient:
        """A keep-alive JSON client for this emulator (one per thread)."""
        return EmulatorClient(self.url, token=token)

    def create_user(self, password: Optional[str] = None, **fields: Any) -> Dict[str, Any]:
        """Seed a user directly (same rules as ``createUser``); returns it as REST shows it.

        Any stored user field but ``id`` may be given, e.g. ``status="Archived"``,
        ``blocked=True`` or ``createdAt="2020-01-01T00:00:00Z"``.
        """
        unknown = sorted(set(fields) - set(accounts.USER_FIELDS) | ({"id"} & set(fields)))
        if unknown:
            raise TypeError("not settable user fields: %s" % ", ".join(unknown))
        if fields.get("status", "Activated") not in accounts.USER_STATUSES:
            raise ValueError("status must be one of %s" % ", ".join(accounts.USER_STATUSES))
        ctx = RequestContext(self.pool, lambda name: None, "127.0.0.1")
        user = accounts.create_user(ctx, fields, password=password, source=["import:manual"])
        return accounts.view(ctx, user)

    def revoke_tokens(self, user_id: str) -> int:
        """Invalidate every token issued to a user (as a forced logout does)."""
        return sessions.revoke_user_tokens(self.store, user_id)

    def rotate_signing_key(self) -> str:
        """Sign new tokens with a new key (the previous two stay in the JWKS and keep
        verifying); returns the new ``kid``."""
        return self.pool.rotate_signing_key()

    def configure_app(self, app_id: Optional[str] = None, **settings: Any) -> Dict[str, Any]:
        """Change an application's settings (default: the pool's default application) as an
        OAuth/OIDC/CAS client and return them all: ``redirect_uris``, ``grant_types`` (any of
        ``authorization_code``, ``implicit``, ``refresh_token``), ``token_endpoint_auth_method``,
        ``introspection_endpoint_auth_method``, ``revocation_endpoint_auth_method`` (``client_secret_post``, ``client_secret_basic`` or
        ``none``), ``id_token_alg`` (``RS256`` or ``HS256``), and the lifetimes in seconds
        ``code_lifetime``, ``access_token_lifetime``, ``id_token_lifetime``,
        ``refresh_token_lifetime``, ``cas_ticket_lifetime``, ``session_lifetime``."""
        ctx = RequestContext(self.pool, lambda name: None, "127.0.0.1")
        return oidc_clients.as_dict(oidc_clients.configure(ctx, app_id, **settings))

    # --- the outbox and second factors ------------------------------------------------------

    def outbox(self, to: Optional[str] = None) -> List[Dict[str, Any]]:
        """The SMS and e-mail messages "sent" so far (only those to ``to`` when given), oldest
        first: ``{channel, to, scene, code, sentAt, expiresAt}``."""
        return codes.outbox(self.store, to)

    def last_code(self, to: str) -> Optional[str]:
        """The code of the latest message to ``to`` (a phone number or an e-mail), or None."""
        messages = self.outbox(to)
        return messages[-1]["code"] if messages else None

    def expire_codes(self, to: Optional[str] = None) -> int:
        """Let the codes sent to ``to`` (or to anyone) expire now, and allow a new message at
        once, as if the code lifetime had passed; returns how many live codes expired."""
        shift = max(self.config.code_lifetime, self.config.code_resend_interval) + 1
        return codes.age(self.store, to, shift)

    def set_mfa(self, factors: Sequence[str], app_id: Optional[str] = None) -> None:
        """Second factors the application (default: the pool's) requires at every login:
        any of ``OTP``, ``SMS``, ``EMAIL``; ``[]`` turns that off.  Users who confirmed a TOTP
        authenticator need it anyway."""
        unknown = [f for f in factors if f not in mfa.FACTORS]
        if unknown:
            raise ValueError("unknown factors %s; use %s" % (unknown, ", ".join(mfa.FACTORS)))
        mfa.set_app_factors(self.store, app_id or self.app_id, list(dict.fromkeys(factors)))

    def require_password_change(self, user_id: str, *, first_login: bool = False) -> None:
        """Make the user's next sign-in refuse with a password-change token: 1639 (as a user
        created with ``resetPasswordOnFirstLogin``) or 1640 (a change the pool forces)."""
        with self.store.tx():
            user = users.get_user(self.store, user_id)
            if user is None:
                raise KeyError("no user with id %r" % user_id)
            user[accounts.RESET_REQUIRED] = "first_login" if first_login else "force"
            users.replace_user(self.store, user)
