"""Console views of users: search and list, create, block and unblock, delete, reset a
password, see and end sessions, and a user's roles, groups and departments."""

from __future__ import annotations

import time
from typing import Any, Dict, List

from ...context import RequestContext
from ...domain import Raw, Request
from ...errors import ApprowError
from ..groups import state as groups
from ..oidc import state as oidc
from ..org import state as orgs
from ..roles import state as roles
from ..sessions import state as sessions
from ..users import accounts
from ..users import state as users
from .guard import action, back, csrf_field, form, guarded, h, page

_SHOWN = 200


def _search(ctx: RequestContext, query: str) -> List[Dict[str, Any]]:
    if query:
        where, params = accounts.search_where(query, None)
    else:
        where, params = "1", []
    return users.users_where(ctx.store, where, params, "CREATEDAT_DESC", 0, _SHOWN)[1]


def _live_sessions(ctx: RequestContext, user_id: str) -> List[Dict[str, Any]]:
    now = int(time.time())
    api = sessions.live_tokens_of(ctx.store, user_id, now)
    provider = oidc.live_tokens_of(ctx.store, user_id, now)
    out = [{"kind": "API token", "app": r["app_id"], "iat": r["iat"], "exp": r["exp"]} for r in api]
    out += [{"kind": "OIDC %s token" % r["kind"], "app": r["client_id"], "iat": r["iat"], "exp": r["exp"]}
            for r in provider]
    return out


def _when(seconds: Any) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(seconds)) + " UTC"


@guarded
def users_page(ctx: RequestContext, req: Request, sess: Dict[str, Any]) -> Raw:
    query = (req.query.get("q") or "").strip()
    found = _search(ctx, query)
    rows = "".join(
        '<tr data-user="%s"><td><a href="users/%s">%s</a></td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td>'
        "</tr>" % (h(u["id"]), h(u["id"]), h(u.get("username") or u["id"]), h(u.get("email")), h(u.get("phone")),
                   h(u.get("nickname")), h(u.get("status")),
                   '<span class="bad">blocked</span>' if u.get("blocked") else '<span class="ok">active</span>')
        for u in found)
    body = ('<form method="get" action="users"><input name="q" value="%s" placeholder="username, e-mail, phone, name…" '
            'aria-label="Search users"> <button type="submit">Search</button></form>'
            '<table><thead><tr><th>Username / id</th><th>E-mail</th><th>Phone</th><th>Nickname</th><th>Status</th>'
            '<th>State</th></tr></thead><tbody id="users">%s</tbody></table><p class="note">%d shown (newest first, '
            'at most %d).</p>'
            '<h2>Create a user</h2><form method="post" action="users/create" id="create-user">%s'
            '<input name="username" placeholder="username" aria-label="username">'
            '<input name="email" placeholder="e-mail" aria-label="e-mail">'
            '<input name="phone" placeholder="phone" aria-label="phone">'
            '<input name="password" type="password" placeholder="password" aria-label="password">'
            ' <button type="submit">Create</button></form>'
            % (h(query), rows, len(found), _SHOWN, csrf_field(sess)))
    return page("Users", body, "users", flash=req.query.get("flash"), error=req.query.get("error"))


@guarded
def create_user(ctx: RequestContext, req: Request, sess: Dict[str, Any]) -> Raw:
    sent = form(req)
    fields = {k: sent[k].strip() for k in ("username", "email", "phone") if sent.get(k, "").strip()}
    try:
        user = accounts.create_user(ctx, fields, password=sent.get("password") or None, source=["import:manual"])
    except ApprowError as exc:
        return back("/users", error="Not created: %s (code %s)" % (exc.message, exc.code))
    return back("/users/%s" % user["id"], flash="User created.")


def _user_or_none(ctx: RequestContext, req: Request) -> Any:
    return users.get_user(ctx.store, req.params["id"])


@guarded
def user_page(ctx: RequestContext, req: Request, sess: Dict[str, Any]) -> Raw:
    user = _user_or_none(ctx, req)
    if user is None:
        return page("No such user", "<p>User %s does not exist.</p>" % h(req.params["id"]), "users", status=404)
    uid = user["id"]
    fields = "".join("<tr><th>%s</th><td>%s</td></tr>" % (h(k), h(v)) for k, v in accounts.view(ctx, user).items()
                     if v not in (None, "", [], {}) and k not in ("token", "identities"))
    held = roles.roles_of(ctx.store, "USER", [uid])
    role_list = ", ".join("%s (%s)" % (h(r["code"]), h(r["namespace"])) for r in held) or "none"
    group_list = ", ".join(h(g["code"]) for g in groups.groups_of_user(ctx.store, uid)) or "none"
    departments = ", ".join(h(n) for n in (r["node_id"] for r in orgs.memberships(ctx.store, uid))) or "none"
    live = _live_sessions(ctx, uid)
    session_rows = "".join("<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>"
                           % (h(s["kind"]), h(s["app"]), _when(s["iat"]), _when(s["exp"])) for s in live)
    blocked = bool(user.get("blocked"))
    body = ("<p>%s %s %s</p>"
            "<table>%s</table><p>Roles: %s<br>Groups: %s<br>Department nodes: %s</p>"
            "<h2>Sessions</h2><table><thead><tr><th>Kind</th><th>Application</th><th>Issued</th><th>Expires</th></tr>"
            "</thead><tbody id=\"sessions\">%s</tbody></table>%s"
            "<h2>Reset the password</h2><form method=\"post\" action=\"%s/password\">%s"
            "<input name=\"password\" type=\"password\" aria-label=\"new password\" required> "
            "<button type=\"submit\">Set password</button></form>"
            % (action(sess, "/users/%s/block" % uid, "Unblock" if blocked else "Block", [("blocked", "0" if blocked
                                                                                         else "1")], test_id="block"),
               action(sess, "/users/%s/delete" % uid, "Delete", confirm="Delete this user?", test_id="delete"),
               '<a href="../tokens?user=%s">Issue a token</a>' % h(uid),
               fields, role_list, group_list, departments, session_rows or '<tr><td colspan="4">none</td></tr>',
               action(sess, "/users/%s/kick" % uid, "End all sessions", test_id="kick") if live else "",
               h(uid), csrf_field(sess)))
    return page(user.get("username") or user.get("email") or uid, body, "users", flash=req.query.get("flash"),
                error=req.query.get("error"))


@guarded
def block_user(ctx: RequestContext, req: Request, sess: Dict[str, Any]) -> Raw:
    uid = req.params["id"]
    blocked = form(req).get("blocked") == "1"
    try:
        accounts.update_user(ctx, uid, {"blocked": blocked}, self_service=False)
    except ApprowError as exc:
        return back("/users", error=exc.message)
    if blocked:
        sessions.revoke_user_tokens(ctx.store, uid)
    return back("/users/%s" % uid, flash="Blocked." if blocked else "Unblocked.")


@guarded
def delete_user(ctx: RequestContext, req: Request, sess: Dict[str, Any]) -> Raw:
    deleted = accounts.delete_users(ctx, [req.params["id"]])
    return back("/users", flash="User deleted." if deleted else "", error="" if deleted else "No such user.")


@guarded
def reset_password(ctx: RequestContext, req: Request, sess: Dict[str, Any]) -> Raw:
    uid = req.params["id"]
    password = form(req).get("password") or ""
    if not password:
        return back("/users/%s" % uid, error="Enter a password.")
    try:
        accounts.set_password(ctx, uid, password)
    except ApprowError as exc:
        return back("/users/%s" % uid, error=exc.message)
    return back("/users/%s" % uid, flash="Password set.")


@guarded
def kick_user(ctx: RequestContext, req: Request, sess: Dict[str, Any]) -> Raw:
    uid = req.params["id"]
    ended = sessions.revoke_user_tokens(ctx.store, uid) + oidc.end_user(ctx.store, uid)
    return back("/users/%s" % uid, flash="%d token(s) revoked." % ended)


ROUTES = [
    ("GET", "/_emulator/ui/users", users_page),
    ("POST", "/_emulator/ui/users/create", create_user),
    ("GET", "/_emulator/ui/users/{id}", user_page),
    ("POST", "/_emulator/ui/users/{id}/block", block_user),
    ("POST", "/_emulator/ui/users/{id}/delete", delete_user),
    ("POST", "/_emulator/ui/users/{id}/password", reset_password),
    ("POST", "/_emulator/ui/users/{id}/kick", kick_user),
]
