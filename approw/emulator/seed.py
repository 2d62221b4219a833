"""Seeds: a running emulator's state as one JSON document, and back (``--import``,
``--export-on-exit``, ``Emulator.import_seed`` / ``export_seed``).

Format version 1 (every list optional; the emulator's README documents each record)::

    {"format": "approw-emulator-seed", "version": 1,
     "settings": {...pool settings, as updateUserpool takes them...},
     "namespaces": [{"code", "name", "description"}],
     "applications": [{"id", "secret", "name", "identifier", "redirectUris", "description", "logo",
                       "defaultStrategy", "isDefault", "oidcConfig": {...},
                       "accessKeys": [{"id", "secret", "enabled", "tokenLifetime", "remarks"}]}],
     "users": [{"id", "username", "email", "phone", ..., "passwordHash" | "password"}],
     "groups": [{"code", "name", "description", "members": [user ids]}],
     "roles": [{"namespace", "code", "description", "parent", "users": [ids], "groups": [codes]}],
     "policies": [{"namespace", "code", "description", "statements",
                   "assignments": [{"targetType", "targetIdentifier", "enabled"}]}],
     "orgs": [<tree: name, code, description, order, members (user ids), children>],
     "grants": [{"namespace", "resource", "resourceType", "targetType", "targetIdentifier", "actions"}]}

Import goes through the emulator's own rules (GraphQL and REST calls for groups, roles,
policies, grants, namespaces and organisations; the same checks as ``createUser`` for users), in the
order above, into a state without those records.  The first bad record stops it with a
:class:`SeedError` naming its path (``users[3].email: ...``).  Users keep their ids and
password hashes (``passwordHash`` as exported; ``password`` for a plain one), applications
their ids and secrets; the default application (``isDefault``) is updated, not created.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional

from .context import RequestContext
from .domains.acl import state as acl
from .domains.applications import access_keys, apps
from .domains.applications import state as applications
from .domains.groups import state as groups
from .domains.namespaces import state as namespaces
from .domains.oidc import clients as oidc_clients
from .domains.org import state as orgs
from .domains.org.tree import Tree
from .domains.policies import state as policies
from .domains.roles import state as roles
from .domains.userpool import settings as pool_settings
from .domains.users import accounts
from .domains.users import state as users
from .errors import ApprowError
from .values import is_email

if TYPE_CHECKING:
    from .app import Emulator

FORMAT = "approw-emulator-seed"
VERSION = 1
_SECTIONS = ("settings", "namespaces", "applications", "users", "groups", "roles", "policies", "orgs", "grants")
_ALL = 1 << 30


class SeedError(ValueError):
    """A seed the emulator cannot load; the message starts with the bad record's path."""


def load(path: str) -> Dict[str, Any]:
    """Read and check the envelope of a seed file."""
    try:
        with open(path, encoding="utf-8") as f:
            seed = json.load(f)
    except (OSError, ValueError) as exc:
        raise SeedError("%s: %s" % (path, exc)) from None
    check_envelope(seed)
    return seed  # type: ignore[no-any-return]


def check_envelope(seed: Any) -> None:
    if not isinstance(seed, dict) or seed.get("format") != FORMAT:
        raise SeedError('format: a seed is an object with "format": "%s"' % FORMAT)
    if seed.get("version") != VERSION:
        raise SeedError("version: this emulator reads seed version %d, got %r" % (VERSION, seed.get("version")))
    unknown = sorted(set(seed) - set(_SECTIONS) - {"format", "version", "exportedAt", "userPool"})
    if unknown:
        raise SeedError("%s: unknown section (known: %s)" % (unknown[0], ", ".join(_SECTIONS)))
    for name in _SECTIONS:
        if name in seed and not isinstance(seed[name], dict if name == "settings" else list):
            raise SeedError("%s: must be %s" % (name, "an object" if name == "settings" else "a list"))


# --- import --------------------------------------------------------------------------------


def import_seed(emulator: "Emulator", seed: Dict[str, Any]) -> Dict[str, int]:
    """Load ``seed`` into the running ``emulator``; returns how many records of each section."""
    check_envelope(seed)
    ctx = RequestContext(emulator.pool, lambda name: None, "127.0.0.1")
    client = emulator.client(emulator.management_token())
    loader = _Loader(ctx, client)
    counts: Dict[str, int] = {}
    try:
        if seed.get("settings"):
            loader.at("settings", lambda: pool_settings.update(ctx.store, seed["settings"]))
        for section in _SECTIONS[1:]:
            records = seed.get(section) or []
            for index, record in enumerate(records):
                where = "%s[%d]" % (section, index)
                if not isinstance(record, dict):
                    raise SeedError("%s: must be an object" % where)
                loader.at(where, lambda: getattr(loader, section)(record, where))
            counts[section] = len(records)
    finally:
        client.close()
    return counts


class _Loader:
    def __init__(self, ctx: RequestContext, client: Any) -> None:
        self.ctx = ctx
        self.client = client

    @staticmethod
    def at(where: str, step: Callable[[], Any]) -> None:
        try:
            step()
        except SeedError:
            raise
        except ApprowError as exc:
            raise SeedError("%s: %s (code %s)" % (where, exc.message, exc.code)) from None
        except (ValueError, TypeError, KeyError) as exc:
            raise SeedError("%s: %s" % (where, exc)) from None

    def _graphql(self, where: str, query: str, variables: Dict[str, Any]) -> None:
        body = self.client.graphql(query, variables)
        if body.get("errors"):
            message = body["errors"][0].get("message")
            text = message.get("message") if isinstance(message, dict) else message
            raise SeedError("%s: %s" % (where, text))

    def _rest(self, where: str, path: str, body: Any) -> Any:
        status, answer = self.client.post(path, body)
        if status != 200 or not isinstance(answer, dict) or answer.get("code") != 200:
            raise SeedError("%s: %s" % (where, (answer or {}).get("message") if isinstance(answer, dict) else status))
        return answer.get("data")

    def namespaces(self, record: Dict[str, Any], where: str) -> None:
        self._rest(where, "/api/v2/resource-namespace/%s" % self.ctx.pool.id,
                   {"code": record.get("code"), "name": record.get("name") or record.get("code"),
                    "description": record.get("description")})

    def applications(self, record: Dict[str, Any], where: str) -> None:
        client = apps.protocol(record)
        if record.get("isDefault"):
            app_id = self.ctx.pool.app_id
            changes = apps.fields(record, partial=True)
            changes.pop("identifier", None)
            apps.update(self.ctx, app_id, changes, client)
        else:
            for key in ("id", "secret"):
                if not isinstance(record.get(key), str) or not record[key]:
                    raise SeedError("%s.%s: required (a non-empty string)" % (where, key))
            if applications.get(self.ctx.store, record["id"]) is not None:
                raise SeedError("%s.id: application %s exists already" % (where, record["id"]))
            app_id = apps.create(self.ctx, apps.fields(record, partial=False), client, app_id=record["id"],
                                 secret=record["secret"])["id"]
        for index, key in enumerate(record.get("accessKeys") or []):
            path = "%s.accessKeys[%d]" % (where, index)
            if not isinstance(key, dict) or not isinstance(key.get("id"), str) or not isinstance(key.get("secret"), str):
                raise SeedError("%s: needs id and secret" % path)
            self.at(path, lambda: access_keys.create(self.ctx.store, app_id, key.get("tokenLifetime"),
                                                     key.get("remarks"), account_id=key["id"], secret=key["secret"],
                                                     enabled=key.get("enabled", True) is not False))

    def users(self, record: Dict[str, Any], where: str) -> None:
        unknown = sorted(set(record) - set(accounts.USER_FIELDS) - {"password", "passwordHash", "passwordLevel"})
        if unknown:
            raise SeedError("%s.%s: not a user field" % (where, unknown[0]))
        user_id = record.get("id")
        if user_id is not None and (not isinstance(user_id, str) or not user_id or users.get_user(self.ctx.store,
                                                                                                 user_id)):
            raise SeedError("%s.id: must be a new, non-empty string" % where)
        stored = record.get("passwordHash")
        if stored is not None and (not isinstance(stored, str) or stored.count("$") != 3):
            raise SeedError("%s.passwordHash: not a hash this emulator wrote (scheme$iterations$salt$digest)" % where)
        if record.get("email") is not None and not is_email(record["email"]):
            raise SeedError("%s.email: not an e-mail address: %r" % (where, record["email"]))
        fields = {k: v for k, v in record.items() if k not in ("id", "password", "passwordHash", "passwordLevel")}
        password = record.get("password")
        if password is not None and (not isinstance(password, str) or not password):
            raise SeedError("%s.password: must be a non-empty string" % where)
        user = accounts.create_user(self.ctx, fields, password=password, source=["import:seed"], user_id=user_id)
        if stored is not None:
            users.set_password_hash(self.ctx.store, user["id"], stored)

    def groups(self, record: Dict[str, Any], where: str) -> None:
        self._graphql(where, "mutation($c: String!, $n: String!, $d: String) { createGroup(code: $c, name: $n, "
                      "description: $d) { code } }",
                      {"c": record.get("code"), "n": record.get("name") or record.get("code"),
                       "d": record.get("description")})
        if record.get("members"):
            self._graphql(where + ".members", "mutation($u: [String!]!, $c: String) { addUserToGroup(userIds: $u, "
                          "code: $c) { code } }", {"u": record["members"], "c": record["code"]})

    def roles(self, record: Dict[str, Any], where: str) -> None:
        self._graphql(where, "mutation($ns: String, $c: String!, $d: String, $p: String) { createRole(namespace: "
                      "$ns, code: $c, description: $d, parent: $p) { code } }",
                      {"ns": record.get("namespace"), "c": record.get("code"), "d": record.get("description"),
                       "p": record.get("parent")})
        if record.get("users") or record.get("groups"):
            self._graphql(where + ".users", "mutation($ns: String, $c: String, $u: [String!], $g: [String!]) { "
                          "assignRole(namespace: $ns, roleCode: $c, userIds: $u, groupCodes: $g) { code } }",
                          {"ns": record.get("namespace"), "c": record["code"], "u": record.get("users"),
                           "g": record.get("groups")})

    def policies(self, record: Dict[str, Any], where: str) -> None:
        self._graphql(where, "mutation($ns: String, $c: String!, $d: String, $s: [PolicyStatementInput!]!) { "
                      "createPolicy(namespace: $ns, code: $c, description: $d, statements: $s) { code } }",
                      {"ns": record.get("namespace"), "c": record.get("code"), "d": record.get("description"),
                       "s": record.get("statements")})
        for index, item in enumerate(record.get("assignments") or []):
            path = "%s.assignments[%d]" % (where, index)
            if not isinstance(item, dict):
                raise SeedError("%s: must be an object" % path)
            self._graphql(path, "mutation($p: [String!]!, $t: PolicyAssignmentTargetType!, $i: [String!], "
                          "$ns: String) { addPolicyAssignments(policies: $p, targetType: $t, targetIdentifiers: $i, "
                          "namespace: $ns) { code } }",
                          {"p": [record["code"]], "t": item.get("targetType"), "i": [item.get("targetIdentifier")],
                           "ns": record.get("namespace")})
            if item.get("enabled") is False:
                self._graphql(path, "mutation($p: String!, $t: PolicyAssignmentTargetType!, $i: String!, "
                              "$ns: String) { disbalePolicyAssignment(policy: $p, targetType: $t, targetIdentifier: "
                              "$i, namespace: $ns) { code } }",
                              {"p": record["code"], "t": item["targetType"], "i": item["targetIdentifier"],
                               "ns": record.get("namespace")})

    def orgs(self, record: Dict[str, Any], where: str) -> None:
        self._rest(where, "/api/v2/orgs/import", {"filetype": "json", "file": record})

    def grants(self, record: Dict[str, Any], where: str) -> None:
        self._graphql(where, "mutation($ns: String, $r: String, $k: ResourceType, $o: [AuthorizeResourceOpt]) { "
                      "authorizeResource(namespace: $ns, resource: $r, resourceType: $k, opts: $o) { code } }",
                      {"ns": record.get("namespace") or "default", "r": record.get("resource"),
                       "k": record.get("resourceType"),
                       "o": [{"targetType": record.get("targetType"), "targetIdentifier": record.get("targetIdentifier"),
                              "actions": record.get("actions")}]})


# --- export --------------------------------------------------------------------------------


def export_seed(emulator: "Emulator") -> Dict[str, Any]:
    """The emulator's state as a version-1 seed."""
    ctx = RequestContext(emulator.pool, lambda name: None, "127.0.0.1")
    store = ctx.store
    every_namespace = namespaces.page(store, 0, _ALL)[1]
    app_ids = {a["id"] for a in applications.page(store, 0, None)[1]}
    seed: Dict[str, Any] = {"format": FORMAT, "version": VERSION,
                            "userPool": {"id": emulator.user_pool_id, "appId": emulator.app_id},
                            "settings": {k: v for k, v in pool_settings.of(ctx).items() if k != "updatedAt"}}
    seed["namespaces"] = [{"code": n["code"], "name": n["name"], "description": n["description"]}
                          for n in every_namespace if n["code"] != "default" and n["code"] not in app_ids]
    seed["applications"] = [_application(ctx, a) for a in applications.page(store, 0, None)[1]]
    seed["users"] = []
    for user in users.users_where(store, "1", [], "CREATEDAT_ASC", 0, _ALL)[1]:
        record = {k: v for k, v in user.items() if k in accounts.USER_FIELDS and v is not None}
        hashed = users.password_hash(store, user["id"])
        if hashed:
            record["passwordHash"] = hashed
        seed["users"].append(record)
    seed["groups"] = [{"code": g["code"], "name": g["name"], "description": g["description"],
                       "members": [r[0] for r in store.fetch_all(
                           "SELECT user_id FROM group_members WHERE group_id = ? ORDER BY seq", (g["id"],))]}
                      for g in groups.page(store, 0, _ALL, "CREATEDAT_ASC")[1]]
    seed["roles"], seed["policies"] = [], []
    for namespace in every_namespace:
        found = roles.page(store, namespace["id"], 0, _ALL, "CREATEDAT_ASC")[1]
        seed["roles"] += [_role(store, namespace, r) for r in found if not r["isSystem"]]
        for policy in reversed(policies.page(store, namespace["id"], 0, _ALL, True)[1]):
            assigned = policies.assignments(store, namespace["id"], 0, None, policy["id"])[1]
            seed["policies"].append({"namespace": namespace["code"], "code": policy["code"],
                                     "description": policy["description"], "statements": policy["statements"],
                                     "assignments": [{k: a[k] for k in ("targetType", "targetIdentifier", "enabled")}
                                                     for a in assigned]})
    seed["orgs"] = [_org(store, Tree.load(store, org_id)) for org_id in orgs.all_org_ids(store)]
    seed["grants"] = [dict(g, namespace=n["code"]) for n in every_namespace for g in acl.all_grants(store, n["id"])
                      if g["targetType"] != "ORG"]  # nodes get new ids when their organisation is imported
    return seed


def _application(ctx: RequestContext, app: Dict[str, Any]) -> Dict[str, Any]:
    out = {k: app[k] for k in ("id", "secret", "name", "identifier", "redirectUris", "description", "logo",
                               "defaultStrategy", "isDefault")}
    out["oidcConfig"] = oidc_clients.wire_view(oidc_clients.settings(ctx, app["id"]))
    out["accessKeys"] = [{k: a[k] for k in ("id", "secret", "enabled", "tokenLifetime", "remarks")}
                         for a in reversed(access_keys.page(ctx.store, app["id"], 0, _ALL)[1])]
    return out


def _role(store: Any, namespace: Dict[str, Any], role: Dict[str, Any]) -> Dict[str, Any]:
    parent: Optional[Dict[str, Any]] = roles.by_id(store, role["parentId"]) if role["parentId"] else None
    group_codes = [r[0] for r in store.fetch_all(
        "SELECT g.code FROM role_groups h JOIN groups g ON g.id = h.group_id WHERE h.role_id = ? ORDER BY h.seq",
        (role["id"],))]
    return {"namespace": namespace["code"], "code": role["code"], "description": role["description"],
            "parent": parent["code"] if parent else None, "users": roles.holders(store, role["id"], "USER"),
            "groups": group_codes}


def _org(store: Any, tree: Tree) -> Dict[str, Any]:
    def strip(node: Dict[str, Any]) -> Dict[str, Any]:
        out = {k: node.get(k) for k in ("name", "code", "nameI18n", "description", "descriptionI18n", "order")}
        out["members"] = [m["id"] for m in node["members"]]
        out["children"] = [strip(c) for c in node["children"]]
        return {k: v for k, v in out.items() if v is not None}

    def members(node_id: str) -> List[Dict[str, Any]]:
        return [{"id": i} for i in orgs.member_ids(store, [node_id])]

    return strip(tree.export(tree.root_id, members, ""))


def dump(seed: Dict[str, Any], path: str) -> None:
    """Write a seed file (UTF-8, indented)."""
    with open(path, "w", encoding="utf-8") as f:
        json.dump(seed, f, ensure_ascii=False, indent=1)
        f.write("\n")


__all__ = ["FORMAT", "VERSION", "SeedError", "load", "check_envelope", "import_seed", "export_seed", "dump"]
