"""The directory connector: checks a username and password by binding to an LDAP server (an
OpenLDAP directory, or an Active Directory) with the ``ldap3`` client, and reads the entry.

Settings (``EmulatorConfig`` / CLI): the server URL, the bind DN template (``{username}`` is
replaced by the login name, escaped as a DN value) and the base DN.  Without a template the
DN is ``uid={username},<base DN>``.  When the template does not give a DN (an AD binding as
``{username}@corp.example``), the entry is looked up below the base DN instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Optional

from ...config import EmulatorConfig
from ...errors import INVALID_PARAMS, UNSUPPORTED, WRONG_PASSWORD, ApprowError

TIMEOUT = 10  # seconds, for connecting and for each answer
ATTRIBUTES = ("uid", "cn", "displayName", "givenName", "sn", "mail", "sAMAccountName", "userPrincipalName")
_INVALID_CREDENTIALS = 49


@dataclass
class Settings:
    kind: str  # "ldap" or "ad"
    url: str
    bind_dn: str
    base_dn: Optional[str]


def settings(config: EmulatorConfig, kind: str) -> Settings:
    """The connector settings of ``kind``; not configured -> the service's refusal."""
    url = getattr(config, kind + "_url")
    if not url:
        name = "LDAP" if kind == "ldap" else "Active Directory"
        raise ApprowError(UNSUPPORTED, "No %s connection is enabled for this application (start the emulator "
                          "with --%s-url)" % (name, kind))
    base = getattr(config, kind + "_base_dn")
    template = getattr(config, kind + "_bind_dn") or "uid={username},%s" % base
    return Settings(kind, url, template, base)


def _first(entry: Dict[str, Any], name: str) -> Optional[str]:
    value = entry.get(name)
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, str) and value else None


def authenticate(config: Settings, username: str, password: str) -> Dict[str, Any]:
    """Bind as the user; returns ``{"dn": ..., <attribute>: <first value>}`` of their entry.
    Wrong credentials -> 2006; an unreachable or failing server -> 500 with the reason."""
    # ldap3 ships no type information
    from ldap3 import BASE, NONE, SUBTREE, Connection, Server  # type: ignore[import-untyped,unused-ignore]
    from ldap3.core.exceptions import LDAPException  # type: ignore[import-untyped,unused-ignore]
    from ldap3.utils.conv import escape_filter_chars  # type: ignore[import-untyped,unused-ignore]
    from ldap3.utils.dn import escape_rdn  # type: ignore[import-untyped,unused-ignore]

    if not username.strip():
        raise ApprowError(INVALID_PARAMS, "username must not be empty")
    if not password:  # an empty password would be an anonymous bind, which "succeeds"
        raise ApprowError(WRONG_PASSWORD)
    bind = config.bind_dn.replace("{username}", escape_rdn(username))
    server = Server(config.url, connect_timeout=TIMEOUT, get_info=NONE)  # no schema reads
    conn = Connection(server, user=bind, password=password, receive_timeout=TIMEOUT, read_only=True,
                      auto_referrals=False, raise_exceptions=False)
    try:
        if not conn.bind():
            if conn.result.get("result") == _INVALID_CREDENTIALS:
                raise ApprowError(WRONG_PASSWORD, "The directory refused this username and password")
            raise ApprowError(UNSUPPORTED, "The directory refused the bind: %s" % conn.result.get("description"))
        if "=" in bind:
            conn.search(bind, "(objectClass=*)", search_scope=BASE, attributes=list(ATTRIBUTES))
        elif config.base_dn:
            name = escape_filter_chars(username)
            conn.search(config.base_dn, "(|(userPrincipalName=%s)(sAMAccountName=%s)(uid=%s))"
                        % (escape_filter_chars(bind), name, name), search_scope=SUBTREE,
                        attributes=list(ATTRIBUTES), size_limit=1)
        found = [r for r in conn.response or [] if r.get("type") == "searchResEntry"]
    except LDAPException as exc:
        raise ApprowError(UNSUPPORTED, "The directory at %s cannot be used: %s" % (config.url, exc)) from None
    finally:
        conn.unbind()
    entry: Dict[str, Any] = {"dn": found[0]["dn"] if found else bind}
    attributes = found[0].get("attributes", {}) if found else {}
    for name in ATTRIBUTES:
        entry[name] = _first(attributes, name)
    return entry
