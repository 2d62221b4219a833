"""The emulated API, one package per domain of the service; ``DOMAINS`` registers them.

============  ================================================================================
userpool      management tokens, pool settings and secret, env variables, the published keys
users         users and identities: management queries and mutations, the ``User`` type's fields
sessions      the record of issued user tokens: login status, kick, logout of a user by an admin
auth          end users: registration, sign-in, their tokens, profile, password, logout
udf           user-defined fields and their values (custom data)
namespaces    permission groups: the containers of roles, policies, resources and grants
groups        user groups and their members
roles         roles per namespace, their parents, and who holds them (users, groups, org nodes)
policies      policies (statements that allow or deny) and their assignments
acl           resource definitions, grants, and what a user, role, group or node may do
verification  SMS and e-mail verification codes, and the outbox standing in for the providers
mfa           second factors: TOTP authenticators, mfaToken challenges, factors an app requires
ldap          sign-in against an LDAP directory or an Active Directory (the connector)
oidc          the OpenID Provider: OIDC and OAuth 2.0 authorization, tokens, userinfo, logout
cas           CAS login, service tickets and their validation (1.0, 2.0, 3.0)
whitelist     registration whitelists (their values; the switches are pool settings)
statistics    the user action log and the audit log: the hook that records, the listings
org           organisations: trees of nodes (departments), their members and main departments
applications  applications: secrets, namespaces, access policies, agreements, active users
console       the web console at /_emulator/ui/ (loopback, pool-secret sign-in)
============  ================================================================================

Each package is a :class:`~approw.emulator.domain.Domain`, exposing three names:

* ``RESOLVERS``, ``{GraphQL type: {field: function}}``, from its ``resolvers.py``;
* ``DDL``, the ``CREATE TABLE/INDEX IF NOT EXISTS`` statements of its tables, from its
  ``state.py`` (``""`` when it has none);
* ``ROUTES``, its REST endpoints ``[(method, path, handler)]``, from its ``rest.py``
  (``[]`` when it has none).

The schema builder (``schema.py``), the store (opened by ``app.py``) and the HTTP router
(``rest.py``) collect them from ``DOMAINS``.  Root fields that no domain resolves answer
error 500 "... is not supported by the Approw emulator"; two domains resolving the same
field stop the schema from being built.  Elsewhere the core uses a domain only where it
must: the pool looks up users and issued tokens to authenticate requests, and the
``Emulator``'s test helpers create users and revoke tokens.

Adding a domain
---------------
1. Create ``domains/<name>/`` with

   * ``state.py``: ``DDL`` and the functions over its tables, ``fn(store, ...)``, running
     SQL through ``store.fetch_all``, ``store.fetch_one``, ``store.run`` and ``store.tx()``;
   * ``resolvers.py``: resolvers ``fn(ctx, args)`` (root fields) or ``fn(ctx, parent, args)``
     and ``RESOLVERS``;
   * ``rest.py``, when it has REST endpoints: handlers ``fn(ctx, request)`` and ``ROUTES``;
   * rules shared by its resolvers and handlers in a module of their own (as
     ``users/accounts.py``);
   * ``__init__.py``: the three names, listed in ``__all__``.

   A domain may use another's ``state`` and logic modules (``from ..users import state as
   users``), and the core's ``context``, ``domain``, ``errors``, ``store``, ``tokens`` and
   ``values``, but not ``pool`` or ``app``: the pool imports the domains.
2. Add the package to ``DOMAINS`` below, and to the import above it.
3. Test it through HTTP in ``tests/emulator/test_<name>.py``, with the ``approw_emulator``
   fixture (shared by the whole run: use unique names) or ``approw_emulator_fresh`` (empty).
4. Move what it serves from "Known limits" to "What it implements" in the emulator's
   README.md.

For example, the ``whitelist`` query (the real ``domains/whitelist`` also adds and removes)::

    # domains/whitelist/state.py
    DDL = '''
    CREATE TABLE IF NOT EXISTS whitelist (
        type  TEXT NOT NULL,
        value TEXT NOT NULL,
        UNIQUE (type, value)
    );
    '''

    def values(store: Store, kind: str) -> List[str]:
        rows = store.fetch_all("SELECT value FROM whitelist WHERE type = ? ORDER BY rowid", (kind,))
        return [row["value"] for row in rows]

    # domains/whitelist/resolvers.py
    def whitelist(ctx: RequestContext, args: Dict[str, Any]) -> List[Dict[str, Any]]:
        ctx.require_admin()
        return [{"value": value} for value in state.values(ctx.store, args["type"])]

    RESOLVERS: Resolvers = {"Query": {"whitelist": whitelist}}

    # domains/whitelist/__init__.py
    from .resolvers import RESOLVERS
    from .state import DDL

    ROUTES: List[Route] = []

    __all__ = ["DDL", "RESOLVERS", "ROUTES"]

    # here
    DOMAINS: Tuple[Domain, ...] = (userpool, users, sessions, auth, udf, whitelist)

New tables appear in existing ``--db`` files on their next start; changing the columns of an
existing table needs a new ``SCHEMA_VERSION`` in ``store.py``.
"""

from typing import Tuple

from ..domain import Domain
from . import (
    acl,
    applications,
    auth,
    cas,
    console,
    groups,
    ldap,
    mfa,
    namespaces,
    oidc,
    org,
    policies,
    roles,
    sessions,
    statistics,
    udf,
    userpool,
    users,
    verification,
    whitelist,
)

# The order matters to REST (among fixed paths, tried before those with parameters, an
# earlier domain's route is tried first) and to the tables: a domain's DDL may reference
# (foreign keys, triggers) the tables of the domains before it.
DOMAINS: Tuple[Domain, ...] = (
    userpool, users, sessions, auth, udf, namespaces, groups, roles, policies, acl,
    verification, mfa, ldap, oidc, cas, whitelist, statistics, org, applications, console,
)
