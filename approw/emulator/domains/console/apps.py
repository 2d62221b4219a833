"""Console views of applications: their protocol settings (redirect URIs, grant types,
client authentication per endpoint, ID-token signature, lifetimes), secrets, and
programmatic access accounts (AK/SK)."""

from __future__ import annotations

from typing import Any, Dict

from ...config import ID_TOKEN_ALGS, TOKEN_AUTH_METHODS
from ...context import RequestContext
from ...domain import Raw, Request
from ...errors import ApprowError
from ..applications import access_keys, apps
from ..applications import state as applications
from ..oidc import clients
from .guard import action, back, csrf_field, form, guarded, h, page

_LIFETIMES = (("code_lifetime", "Authorization code"), ("access_token_lifetime", "Access token"),
              ("id_token_lifetime", "ID token"), ("refresh_token_lifetime", "Refresh token"),
              ("cas_ticket_lifetime", "CAS ticket"), ("session_lifetime", "Provider session"))
_METHODS = (("token_endpoint_auth_method", "Token endpoint"), ("introspection_endpoint_auth_method", "Introspection"),
            ("revocation_endpoint_auth_method", "Revocation"))


def _select(name: str, options: Any, current: str) -> str:
    return '<select name="%s" aria-label="%s">%s</select>' % (h(name), h(name), "".join(
        '<option%s>%s</option>' % (" selected" if o == current else "", h(o)) for o in options))


def _settings_form(sess: Dict[str, Any], app: Dict[str, Any], s: clients.AppSettings) -> str:
    grants = "".join('<label><input type="checkbox" name="grant_%s" value="1"%s> %s</label> ' % (
        g, " checked" if g in s.grant_types else "", g) for g in clients.GRANT_TYPES)
    methods = "".join("<label>%s %s</label> " % (h(label), _select(name, TOKEN_AUTH_METHODS, getattr(s, name)))
                      for name, label in _METHODS)
    lifetimes = "".join('<label>%s <input name="%s" type="number" min="1" value="%d" style="width:7rem"></label> ' % (
        h(label), name, getattr(s, name)) for name, label in _LIFETIMES)
    return ('<form method="post" action="apps/%s/settings" data-app="%s">%s<fieldset><legend>Protocol settings'
            '</legend><label>Redirect URIs (one per line)<br><textarea name="redirect_uris" rows="3" cols="60">%s'
            '</textarea></label><br>Grant types: %s<br>Client authentication: %s<br><label>ID-token signature %s</label>'
            '<br>Lifetimes (seconds): %s<br><button type="submit">Save</button></fieldset></form>'
            % (h(app["id"]), h(app["id"]), csrf_field(sess), h("\n".join(s.redirect_uris)), grants, methods,
               _select("id_token_alg", ID_TOKEN_ALGS, s.id_token_alg), lifetimes))


def _keys(ctx: RequestContext, sess: Dict[str, Any], app_id: str) -> str:
    rows = []
    for key in access_keys.page(ctx.store, app_id, 0, 1000)[1]:
        kid = key["id"]
        toggle = action(sess, "/apps/keys/%s/enable" % kid, "Disable" if key["enabled"] else "Enable",
                        [("enabled", "0" if key["enabled"] else "1")])
        rows.append("<tr><td><code>%s</code></td><td><code>%s</code></td><td>%s</td><td>%d s</td><td>%s</td>"
                    "<td>%s %s %s</td></tr>" % (
                        h(kid), h(key["secret"]), "enabled" if key["enabled"] else '<span class="bad">disabled</span>',
                        key["tokenLifetime"], h(key["remarks"]), toggle,
                        action(sess, "/apps/keys/%s/secret" % kid, "New secret"),
                        action(sess, "/apps/keys/%s/delete" % kid, "Delete", confirm="Delete this access key?")))
    table = ("<table><thead><tr><th>Access key</th><th>Secret key</th><th>State</th><th>Token lifetime</th>"
             "<th>Remarks</th><th></th></tr></thead><tbody>%s</tbody></table>" % "".join(rows)) if rows else ""
    create = ('<form method="post" action="apps/%s/keys">%s<input name="tokenLifetime" type="number" min="1" '
              'placeholder="token lifetime (s)" aria-label="token lifetime"><input name="remarks" placeholder="remarks" '
              'aria-label="remarks"> <button type="submit">Create an access key</button></form>'
              % (h(app_id), csrf_field(sess)))
    return "<h3>Programmatic access accounts (AK/SK)</h3>%s%s" % (table, create)


@guarded
def apps_page(ctx: RequestContext, req: Request, sess: Dict[str, Any]) -> Raw:
    parts = []
    for app in applications.page(ctx.store, 0, None)[1]:
        settings = clients.settings(ctx, app["id"])
        parts.append(
            '<section id="app-%s"><h2>%s%s</h2><p>Client id <code>%s</code> · secret <code>%s</code> %s · identifier '
            "<code>%s</code> · default strategy %s · login: <a href=\"%s/oidc/auth?client_id=%s&amp;response_type=code"
            "&amp;scope=openid\">OIDC</a>, <a href=\"%s/cas-idp/%s\">CAS</a></p>%s%s</section>" % (
                h(app["id"]), h(app["name"]), " (default)" if app["isDefault"] else "", h(app["id"]), h(app["secret"]),
                action(sess, "/apps/%s/secret" % app["id"], "Refresh secret", confirm="Refuse the old secret?"),
                h(app["identifier"]), h(app["defaultStrategy"]), h(ctx.pool.base_url), h(app["id"]),
                h(ctx.pool.base_url), h(app["id"]), _settings_form(sess, app, settings),
                _keys(ctx, sess, app["id"])))
    return page("Applications", "".join(parts), "apps", flash=req.query.get("flash"), error=req.query.get("error"))


@guarded
def save_settings(ctx: RequestContext, req: Request, sess: Dict[str, Any]) -> Raw:
    app_id = req.params["id"]
    sent = form(req)
    changes: Dict[str, Any] = {name: sent[name] for name, _ in _METHODS if name in sent}
    if "id_token_alg" in sent:
        changes["id_token_alg"] = sent["id_token_alg"]
    try:
        for name, _ in _LIFETIMES:
            if sent.get(name):
                changes[name] = int(sent[name])
        changes["redirect_uris"] = [u.strip() for u in sent.get("redirect_uris", "").splitlines() if u.strip()]
        changes["grant_types"] = [g for g in clients.GRANT_TYPES if sent.get("grant_" + g) == "1"]
        clients.configure(ctx, app_id, **changes)
    except (ValueError, TypeError, LookupError) as exc:
        return back("/apps", error="Not saved: %s" % exc)
    return back("/apps", flash="Settings of %s saved." % app_id)


@guarded
def refresh_app_secret(ctx: RequestContext, req: Request, sess: Dict[str, Any]) -> Raw:
    try:
        apps.refresh_secret(ctx.store, req.params["id"])
    except ApprowError as exc:
        return back("/apps", error=exc.message)
    return back("/apps", flash="New secret for %s; the old one is refused." % req.params["id"])


@guarded
def create_key(ctx: RequestContext, req: Request, sess: Dict[str, Any]) -> Raw:
    sent = form(req)
    try:
        apps.require(ctx.store, req.params["id"])
        lifetime = int(sent["tokenLifetime"]) if sent.get("tokenLifetime") else None
        with ctx.store.tx():
            access_keys.create(ctx.store, req.params["id"], lifetime, sent.get("remarks") or None)
    except (ApprowError, ValueError) as exc:
        return back("/apps", error="Not created: %s" % getattr(exc, "message", exc))
    return back("/apps", flash="Access key created.")


@guarded
def change_key(ctx: RequestContext, req: Request, sess: Dict[str, Any]) -> Raw:
    key_id, what = req.params["key"], req.params["what"]
    try:
        if what == "enable":
            access_keys.change(ctx.store, key_id, {"enabled": form(req).get("enabled") == "1"})
        elif what == "secret":
            access_keys.change(ctx.store, key_id, {})
        elif what == "delete":
            access_keys.delete(ctx.store, key_id)
        else:
            return back("/apps", error="Unknown action %s" % what)
    except ApprowError as exc:
        return back("/apps", error=exc.message)
    return back("/apps", flash="Access key %s: done (%s)." % (key_id, what))


ROUTES = [
    ("GET", "/_emulator/ui/apps", apps_page),
    ("POST", "/_emulator/ui/apps/keys/{key}/{what}", change_key),
    ("POST", "/_emulator/ui/apps/{id}/settings", save_settings),
    ("POST", "/_emulator/ui/apps/{id}/secret", refresh_app_secret),
    ("POST", "/_emulator/ui/apps/{id}/keys", create_key),
]
