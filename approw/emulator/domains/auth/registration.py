"""Self-registration under the pool's rules: every path that creates a user for the user
themselves (``registerBy...``, ``autoRegister`` at a password login, an unknown phone at a
code login) goes through :func:`register`.

* ``registerDisabled`` refuses it (2031);
* an enabled whitelist (``whitelist.usernameEnabled`` / ``emailEnabled`` / ``phoneEnabled``)
  refuses a username, e-mail address or phone number that is not on its list (2031, naming the
  value);
* ``frequentRegisterCheck`` refuses a registration from an IP address that registered
  ``limit`` users in the last ``timeInterval`` seconds (2100).

Administrators' ``createUser`` and users provisioned from a directory (LDAP, AD) are not
registrations and are not subject to these rules.  A registration is logged as ``register``.
"""

from __future__ import annotations

import time
from typing import Any, Dict, Optional, Sequence, Tuple

from ...context import RequestContext
from ...errors import REGISTRATION_DISABLED, TOO_FREQUENT, ApprowError
from ..statistics import record
from ..statistics import state as statistics
from ..userpool import settings
from ..users import accounts
from ..whitelist import state as whitelist
from ..whitelist.resolvers import normalize

#: (whitelist type, user field, the pool setting that enforces the list)
_LISTS = (("USERNAME", "username", "usernameEnabled"), ("EMAIL", "email", "emailEnabled"),
          ("PHONE", "phone", "phoneEnabled"))


def admit(ctx: RequestContext, fields: Dict[str, Any], client_ip: str) -> None:
    """Refuse a registration the pool's settings do not allow."""
    pool = settings.of(ctx)
    if pool["registerDisabled"]:
        raise ApprowError(REGISTRATION_DISABLED)
    for kind, field, switch in _LISTS:
        value = fields.get(field)
        if isinstance(value, str) and value and pool["whitelist"].get(switch) \
                and not whitelist.listed(ctx.store, kind, normalize(kind, value)):
            raise ApprowError(REGISTRATION_DISABLED, "The %s %r is not on the registration whitelist" % (field, value))
    check = pool["frequentRegisterCheck"]
    if check["enabled"] and statistics.registrations(
            ctx.store, client_ip, time.time() - check["timeInterval"]) >= check["limit"]:
        raise ApprowError(TOO_FREQUENT, "Registration is too frequent, please try again later (at most %d "
                                        "registrations from one IP address in %d s)"
                          % (check["limit"], check["timeInterval"]))


def register(
    ctx: RequestContext,
    fields: Dict[str, Any],
    *,
    password: Optional[str],
    source: str,
    custom: Sequence[Tuple[str, Any]] = (),
    self_service: bool = True,
    client_ip: Optional[str] = None,
) -> Dict[str, Any]:
    """Create a user who signs themselves up (see the module docstring); returns the record."""
    ip = client_ip or ctx.client_ip
    admit(ctx, fields, ip)
    user = accounts.create_user(ctx, fields, password=password, source=[source], custom=custom,
                                self_service=self_service)
    record.user_action(ctx, record.REGISTER, user, desc="Registered (%s)" % source, client_ip=ip)
    return user
