"""Console views of the authorization model and the organisations: roles, groups and
policies per namespace with who holds what, and every organisation as a tree."""

from __future__ import annotations

import json
from typing import Any, Dict, List

from ...context import RequestContext
from ...domain import Raw, Request
from ..groups import state as groups
from ..namespaces import state as namespaces
from ..org import state as orgs
from ..org.tree import Tree
from ..policies import state as policies
from ..roles import state as roles
from ..users import state as users
from .guard import guarded, h, page

_ALL = 1 << 30


def _names(ctx: RequestContext, user_ids: List[str]) -> str:
    found = users.users_by(ctx.store, "id", user_ids)
    shown = ['<a href="users/%s">%s</a>' % (h(i), h(found[i].get("username") or found[i].get("email") or i))
             for i in user_ids if i in found]
    return ", ".join(shown) or "—"


@guarded
def access_page(ctx: RequestContext, req: Request, sess: Dict[str, Any]) -> Raw:
    every = namespaces.page(ctx.store, 0, _ALL)[1]
    chosen = req.query.get("namespace") or "default"
    namespace = next((n for n in every if n["code"] == chosen), every[0])
    picker = " ".join(('<strong>%s</strong>' if n["id"] == namespace["id"] else '<a href="access?namespace=%s">%%s</a>'
                       % h(n["code"])) % h(n["name"] or n["code"]) for n in every)
    role_rows = []
    for role in roles.page(ctx.store, namespace["id"], 0, _ALL, "CREATEDAT_ASC")[1]:
        group_codes = [r[0] for r in ctx.store.fetch_all(
            "SELECT g.code FROM role_groups h JOIN groups g ON g.id = h.group_id WHERE h.role_id = ?", (role["id"],))]
        role_rows.append("<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>" % (
            h(role["code"]), h(role["description"]), _names(ctx, roles.holders(ctx.store, role["id"], "USER")),
            h(", ".join(group_codes)) or "—"))
    group_rows = []
    for group in groups.page(ctx.store, 0, _ALL, "CREATEDAT_ASC")[1]:
        members = [r[0] for r in ctx.store.fetch_all("SELECT user_id FROM group_members WHERE group_id = ? ORDER BY seq",
                                                     (group["id"],))]
        group_rows.append("<tr><td>%s</td><td>%s</td><td>%s</td></tr>" % (h(group["code"]), h(group["name"]),
                                                                         _names(ctx, members)))
    policy_rows = []
    for policy in policies.page(ctx.store, namespace["id"], 0, _ALL, False)[1]:
        assigned = policies.assignments(ctx.store, namespace["id"], 0, None, policy["id"])[1]
        holders = ", ".join("%s %s%s" % (h(a["targetType"]), h(a["targetIdentifier"]),
                                          "" if a["enabled"] else " (off)") for a in assigned) or "—"
        policy_rows.append("<tr><td>%s</td><td><pre>%s</pre></td><td>%s</td></tr>" % (
            h(policy["code"]), h(json.dumps(policy["statements"], indent=1, ensure_ascii=False)), holders))
    body = ("<p>Namespace: %s</p><h2>Roles</h2><table><thead><tr><th>Code</th><th>Description</th><th>Users</th>"
            "<th>Groups</th></tr></thead><tbody>%s</tbody></table>"
            "<h2>Groups</h2><table><thead><tr><th>Code</th><th>Name</th><th>Members</th></tr></thead><tbody>%s</tbody>"
            "</table><h2>Policies</h2><table><thead><tr><th>Code</th><th>Statements</th><th>Assigned to</th></tr>"
            "</thead><tbody>%s</tbody></table>"
            % (picker, "".join(role_rows) or '<tr><td colspan="4">none</td></tr>',
               "".join(group_rows) or '<tr><td colspan="3">none</td></tr>', "".join(policy_rows)))
    return page("Roles, groups & policies", body, "access")


def _tree(ctx: RequestContext, node: Dict[str, Any]) -> str:
    members = [m["id"] for m in node["members"]]
    children = "".join(_tree(ctx, c) for c in node["children"])
    return '<li><strong>%s</strong>%s — %s%s</li>' % (
        h(node.get("name")), " <code>%s</code>" % h(node["code"]) if node.get("code") else "", _names(ctx, members),
        '<ul class="tree">%s</ul>' % children if children else "")


@guarded
def orgs_page(ctx: RequestContext, req: Request, sess: Dict[str, Any]) -> Raw:
    trees = []
    for org_id in orgs.all_org_ids(ctx.store):
        tree = Tree.load(ctx.store, org_id)
        exported = tree.export(tree.root_id, lambda node_id: [{"id": i} for i in orgs.member_ids(ctx.store, [node_id])],
                               ctx.pool.id)
        trees.append('<ul class="tree" data-org="%s">%s</ul>' % (h(org_id), _tree(ctx, exported)))
    return page("Organisations", "".join(trees) or "<p>No organisation yet.</p>", "orgs")


ROUTES = [
    ("GET", "/_emulator/ui/access", access_page),
    ("GET", "/_emulator/ui/orgs", orgs_page),
]
