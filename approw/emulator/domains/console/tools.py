"""Console tools: the outbox with live codes, a token decoder (and issuer of test tokens),
the recent activity, the overview, signing in and out, and the console's script."""

from __future__ import annotations

import json
import time
from typing import Any, Dict, List, Optional
from urllib.parse import quote

from ...context import RequestContext
from ...domain import Raw, Request
from ...jsonlimits import loads_limited
from ...tokens import TokenError, b64url_decode
from ..applications import state as applications
from ..oidc import issue
from ..org import state as orgs
from ..statistics import state as logs
from ..users import state as users
from ..verification import codes
from . import guard
from .guard import BASE, csrf_field, form, guarded, h, page

_SCRIPT = """// The console's only script: confirmations, and the outbox refreshed every 2 s.
document.addEventListener("submit", function (e) {
  var button = e.submitter || e.target.querySelector("[data-confirm]");
  var text = button && button.getAttribute("data-confirm");
  if (text && !window.confirm(text)) { e.preventDefault(); }
});
function cell(text) { var td = document.createElement("td"); td.textContent = text == null ? "" : text; return td; }
function refreshOutbox() {
  var body = document.getElementById("outbox");
  if (!body) { return; }
  fetch(body.getAttribute("data-src"), {credentials: "same-origin", cache: "no-store"})
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (messages) {
      if (!messages) { return; }
      var rows = messages.slice().reverse().map(function (m) {
        var tr = document.createElement("tr");
        [m.sentAt, m.channel, m.to, m.scene, m.code, m.expiresAt].forEach(function (v) { tr.appendChild(cell(v)); });
        tr.children[4].className = "code";
        return tr;
      });
      body.replaceChildren.apply(body, rows);
      document.getElementById("outbox-count").textContent = String(messages.length);
    });
}
if (document.getElementById("outbox")) { setInterval(refreshOutbox, 2000); }
"""


def _outbox_rows(messages: List[Dict[str, Any]]) -> str:
    return "".join('<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td class="code">%s</td><td>%s</td></tr>' % (
        h(m["sentAt"]), h(m["channel"]), h(m["to"]), h(m["scene"]), h(m["code"]), h(m["expiresAt"]))
        for m in reversed(messages))


@guarded
def outbox_page(ctx: RequestContext, req: Request, sess: Dict[str, Any]) -> Raw:
    messages = codes.outbox(ctx.store, None)
    body = ('<p>Every SMS and e-mail the emulator "sent", newest first (<span id="outbox-count">%d</span>); this '
            "page refreshes itself.</p><table><thead><tr><th>Sent</th><th>Channel</th><th>To</th><th>Scene</th>"
            '<th>Code</th><th>Expires</th></tr></thead><tbody id="outbox" data-src="%s/outbox.json">%s</tbody></table>'
            % (len(messages), BASE, _outbox_rows(messages)))
    return page("Outbox", body, "outbox")


@guarded
def outbox_json(ctx: RequestContext, req: Request, sess: Dict[str, Any]) -> Raw:
    return guard.data(codes.outbox(ctx.store, None))


def _decode(ctx: RequestContext, token: str) -> str:
    parts = token.split(".")
    if len(parts) != 3:
        return '<p class="error">Not a JWT (three base64url parts separated by dots).</p>'
    try:
        header = loads_limited(b64url_decode(parts[0]).decode("utf-8"))
        claims = loads_limited(b64url_decode(parts[1]).decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        return '<p class="error">Cannot decode: %s</p>' % h(exc)
    verdict = _verdict(ctx, token, header if isinstance(header, dict) else {})
    times = ""
    if isinstance(claims, dict):
        times = "".join("<li>%s: %s UTC</li>" % (k, time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(claims[k])))
                        for k in ("iat", "exp", "auth_time") if isinstance(claims.get(k), int))
    return ('<p id="verdict">%s</p><ul>%s</ul><h2>Header</h2><pre id="header">%s</pre><h2>Claims</h2>'
            '<pre id="claims">%s</pre>' % (verdict, times, h(json.dumps(header, indent=2, ensure_ascii=False)),
                                            h(json.dumps(claims, indent=2, ensure_ascii=False))))


def _verdict(ctx: RequestContext, token: str, header: Dict[str, Any]) -> str:
    if header.get("alg") == "HS256":
        claims = issue.verify_id_token(ctx, token, allow_expired=True)
        if claims is None:
            return '<span class="bad">Not signed by an application secret of this pool.</span>'
        return ('<span class="ok">Valid HS256 ID token of application %s</span>' % h(claims.get("aud"))
                + (" (expired)" if claims.get("exp", 0) <= time.time() else ""))
    try:
        claims = ctx.pool.keys.verify(token)
    except TokenError as exc:
        if exc.expired:
            return '<span class="bad">Signed by this emulator (key %s), but expired.</span>' % h(header.get("kid"))
        return '<span class="bad">Not a valid token of this emulator (%s).</span>' % h(exc.reason)
    return '<span class="ok">Valid: signed by this emulator (key %s), expires in %d s.</span>' % (
        h(header.get("kid")), int(claims.get("exp", 0) - time.time()))


@guarded
def tokens_page(ctx: RequestContext, req: Request, sess: Dict[str, Any]) -> Raw:
    sent = form(req)
    token = (sent.get("token") or req.query.get("token") or "").strip()
    issued: Optional[str] = None
    user_id = req.query.get("user") or sent.get("user")
    if req.method == "POST" and sent.get("issue") and user_id:
        user = users.get_user(ctx.store, user_id)
        if user is not None:
            token = issued = ctx.pool.user_token(user, None)[0]
    result = _decode(ctx, token) if token else ""
    issue_form = ('<form method="post" action="tokens">%s<input type="hidden" name="user" value="%s">'
                  '<input type="hidden" name="issue" value="1"><button type="submit">Issue a user token for %s'
                  "</button></form>" % (csrf_field(sess), h(user_id), h(user_id))) if user_id else ""
    body = ('%s<form method="post" action="tokens">%s<label>Token (JWT)<br><textarea name="token" rows="5" cols="90" '
            'aria-label="token">%s</textarea></label><br><button type="submit">Decode</button></form>%s'
            % (issue_form, csrf_field(sess), h(token), result))
    return page("Token decoder", body, "tokens", flash="Token issued." if issued else None)


@guarded
def activity_page(ctx: RequestContext, req: Request, sess: Dict[str, Any]) -> Raw:
    rows = []
    for kind, label in (("user", "user"), ("audit", "admin")):
        for entry in logs.page(ctx.store, kind, client_ip=None, operations=(), operators=(), offset=0, limit=100)[1]:
            who = (entry.get("user") or {}).get("displayName") or (entry.get("user") or {}).get("id") or \
                entry.get("operator_arn")
            rows.append((entry.get("timestamp") or "", label, entry.get("operation_name"),
                         entry.get("operation_desc") or entry.get("resource_desc"), who, entry.get("clientip")))
    rows.sort(key=lambda r: str(r[0]), reverse=True)
    body = ("<table><thead><tr><th>When</th><th>Log</th><th>Operation</th><th>Detail</th><th>Who</th><th>IP</th>"
            "</tr></thead><tbody>%s</tbody></table>" % "".join(
                "<tr>%s</tr>" % "".join("<td>%s</td>" % h(v) for v in row) for row in rows[:200]))
    return page("Recent activity", body, "activity")


@guarded
def home(ctx: RequestContext, req: Request, sess: Dict[str, Any]) -> Raw:
    counts = {"Users": users.users_where(ctx.store, "1", [], "CREATEDAT_DESC", 0, 0)[0],
              "Applications": applications.page(ctx.store, 0, 0)[0], "Organisations": len(orgs.all_org_ids(ctx.store)),
              "Messages in the outbox": len(codes.outbox(ctx.store, None))}
    items = "".join("<li>%s: <strong>%d</strong></li>" % (h(k), v) for k, v in counts.items())
    body = ("<p>User pool <code>%s</code> at <code>%s</code>; OpenID Provider issuer <code>%s</code>.</p><ul>%s</ul>"
            % (h(ctx.pool.id), h(ctx.pool.base_url), h(ctx.pool.issuer), items))
    return page("Overview", body)


def signin(ctx: RequestContext, req: Request) -> Raw:
    """The sign-in form (GET) and its submission (POST): the pool secret."""
    if not guard.is_loopback(ctx.client_ip):
        return guard.plain("The console answers loopback addresses only.", 403)
    target = (form(req).get("next") or req.query.get("next") or BASE + "/")
    if not target.startswith(BASE + "/") or "//" in target or "\\" in target:
        target = BASE + "/"
    error = None
    if req.method == "POST":
        if guard.secret_matches(ctx, form(req).get("secret")):
            return guard.redirect(target, (guard.start(ctx),))
        error = "That is not the secret of this user pool."
    body = ('<p>Sign in with the user pool secret (the <code>secret</code> of the start line).</p>'
            '<form method="post" action="%s/signin"><input type="hidden" name="next" value="%s">'
            '<label>Pool secret <input name="secret" type="password" autocomplete="off" required autofocus></label> '
            '<button type="submit">Sign in</button></form>' % (BASE, h(target)))
    return page("Sign in", body, error=error, status=401 if error else 200, signed_in=False)


def signout(ctx: RequestContext, req: Request) -> Raw:
    found = guard.session(ctx, req)
    headers = (guard.end(ctx, found["sid"]),) if found else ()
    return guard.redirect("%s/signin?next=%s" % (BASE, quote(BASE + "/")), headers)


def script(ctx: RequestContext, req: Request) -> Raw:
    if not guard.is_loopback(ctx.client_ip):
        return guard.plain("The console answers loopback addresses only.", 403)
    return Raw(_SCRIPT, content_type="text/javascript; charset=utf-8",
               headers=(("Cache-Control", "no-cache"), ("X-Content-Type-Options", "nosniff")))


ROUTES = [
    ("GET", "/_emulator/ui", lambda ctx, req: guard.redirect(BASE + "/")),
    ("GET", "/_emulator/ui/", home),
    ("GET", "/_emulator/ui/signin", signin),
    ("POST", "/_emulator/ui/signin", signin),
    ("GET", "/_emulator/ui/signout", signout),
    ("GET", "/_emulator/ui/console.js", script),
    ("GET", "/_emulator/ui/outbox", outbox_page),
    ("GET", "/_emulator/ui/outbox.json", outbox_json),
    ("GET", "/_emulator/ui/tokens", tokens_page),
    ("POST", "/_emulator/ui/tokens", tokens_page),
    ("GET", "/_emulator/ui/activity", activity_page),
]
