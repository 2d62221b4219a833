"""Emulator settings (shared by the CLI, the pytest plugin and embedding code).

Pure data, standard library only: the pytest plugin may import this module without
pulling graphql-core or cryptography.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Tuple

DEFAULT_HASH_ITERATIONS = 600_000
DEFAULT_TOKEN_LIFETIME = 15 * 24 * 3600  # userpool.tokenExpiresAfter default: 15 days
DEFAULT_MANAGEMENT_TOKEN_LIFETIME = 7 * 24 * 3600
DEFAULT_MAX_BODY = 10 * 1024 * 1024
DEFAULT_IDLE_TIMEOUT = 120.0
TOKEN_AUTH_METHODS = ("client_secret_post", "client_secret_basic", "none")
ID_TOKEN_ALGS = ("RS256", "HS256")
DEFAULT_CODE_LIFETIME = 60  # SMS and e-mail verification codes, as the service's SMS codes
DEFAULT_CODE_RESEND_INTERVAL = 60


@dataclass
class EmulatorConfig:
    host: str = "127.0.0.1"
    port: int = 0
    db: Optional[str] = None  # None: in memory
    hash_iterations: int = DEFAULT_HASH_ITERATIONS  # PBKDF2-HMAC-SHA256 cost for stored passwords
    token_lifetime: int = DEFAULT_TOKEN_LIFETIME  # seconds; initial userpool.tokenExpiresAfter
    management_token_lifetime: int = DEFAULT_MANAGEMENT_TOKEN_LIFETIME  # seconds
    max_body: int = DEFAULT_MAX_BODY  # bytes
    idle_timeout: float = DEFAULT_IDLE_TIMEOUT  # seconds a keep-alive connection may stay idle
    user_pool_id: Optional[str] = None  # fixed identity for a new state (else random)
    secret: Optional[str] = None
    app_id: Optional[str] = None
    app_secret: Optional[str] = None
    log_level: str = "warning"
    key_rotation: Optional[float] = None  # seconds between signing-key rotations (None: never)
    redirect_uris: Tuple[str, ...] = ()  # the application's registered redirect URIs (empty: any)
    token_endpoint_auth_method: str = "client_secret_post"  # and for introspection, revocation
    id_token_alg: str = "RS256"  # or HS256 (signed with the application secret)
    code_lifetime: int = DEFAULT_CODE_LIFETIME  # seconds a verification code stays valid
    code_resend_interval: int = DEFAULT_CODE_RESEND_INTERVAL  # seconds between codes to one recipient
    # The LDAP connector of login_by_ldap: server URL (ldap:// or ldaps://), the DN to bind as
    # ({username} is replaced by the escaped username) and the base DN of the users.
    ldap_url: Optional[str] = None
    ldap_bind_dn: Optional[str] = None  # default "uid={username},<ldap_base_dn>"
    ldap_base_dn: Optional[str] = None
    # The same for login_by_ad (an Active Directory binds e.g. as "{username}@corp.example").
    ad_url: Optional[str] = None
    ad_bind_dn: Optional[str] = None
    ad_base_dn: Optional[str] = None

    def check(self) -> None:
        """Raise ``ValueError`` for settings the emulator cannot run with."""
        if not 0 <= self.port <= 65535:
            raise ValueError("port must be between 0 and 65535")
        if self.hash_iterations < 1:
            raise ValueError("hash iterations must be at least 1")
        for name in ("token_lifetime", "management_token_lifetime", "max_body"):
            if getattr(self, name) < 1:
                raise ValueError("%s must be positive" % name.replace("_", " "))
        if self.idle_timeout <= 0:
            raise ValueError("idle timeout must be positive")
        if self.key_rotation is not None and self.key_rotation <= 0:
            raise ValueError("key rotation must be a positive number of seconds")
        if self.token_endpoint_auth_method not in TOKEN_AUTH_METHODS:
            raise ValueError("token endpoint auth method must be one of %s" % ", ".join(TOKEN_AUTH_METHODS))
        if self.id_token_alg not in ID_TOKEN_ALGS:
            raise ValueError("id token alg must be one of %s" % ", ".join(ID_TOKEN_ALGS))
        if self.code_lifetime < 1:
            raise ValueError("code lifetime must be positive")
        if self.code_resend_interval < 0:
            raise ValueError("code resend interval must not be negative")
        for kind in ("ldap", "ad"):
            url, bind_dn, base_dn = (getattr(self, "%s_%s" % (kind, f)) for f in ("url", "bind_dn", "base_dn"))
            if url is not None and not url.startswith(("ldap://", "ldaps://")):
                raise ValueError("%s url must start with ldap:// or ldaps://" % kind)
            if (bind_dn is not None or base_dn is not None) and url is None:
                raise ValueError("%s bind DN and base DN need a %s url" % (kind, kind))
            if url is not None and bind_dn is None and base_dn is None:
                raise ValueError("%s needs a bind DN template or a base DN" % kind)
            if bind_dn is not None and "{username}" not in bind_dn:
                raise ValueError("%s bind DN must contain {username}" % kind)
        for name in ("user_pool_id", "secret", "app_id", "app_secret"):
            value = getattr(self, name)
            if value is not None and (not value or not value.isprintable() or " " in value):
                raise ValueError("%s must be a non-empty string without spaces" % name.replace("_", " "))
