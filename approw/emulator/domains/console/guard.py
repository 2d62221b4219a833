"""Who may use the console, and the page around every view.

* Loopback only: a request from any other address gets 403, whatever it carries.
* Signed in with the pool secret: the sign-in form posts it; a match (constant time) starts a
  console session (table ``console_sessions``, 12 hours) named by an ``HttpOnly``,
  ``SameSite=Strict`` cookie scoped to ``/_emulator/ui/``.  Refreshing the pool secret does
  not end running sessions; signing out does.
* Every form carries the session's CSRF token, checked on each POST; a POST whose ``Origin``
  is not the console's own is refused too.  No CORS header is ever sent, and pages may not be
  framed (``X-Frame-Options: DENY``, ``frame-ancestors 'none'``).
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import time
from html import escape
from http.cookies import CookieError, SimpleCookie
from typing import Any, Callable, Dict, Iterable, Optional, Tuple
from urllib.parse import quote, urlsplit

from ...context import RequestContext
from ...domain import Raw, Request
from ...tokens import b64url

BASE = "/_emulator/ui"
COOKIE = "approw_console"
LIFETIME = 12 * 3600
DDL = """
CREATE TABLE IF NOT EXISTS console_sessions (
    sid     TEXT PRIMARY KEY,
    csrf    TEXT NOT NULL,
    expires INTEGER NOT NULL
);
"""
_HTML = "text/html; charset=utf-8"
_HEADERS = (("Cache-Control", "no-store"), ("X-Frame-Options", "DENY"), ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "same-origin"),
            ("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; "
             "script-src 'self'; img-src 'self' data: https:; frame-ancestors 'none'; form-action 'self'"))
_NAV = (("users", "Users"), ("access", "Roles, groups & policies"), ("orgs", "Organisations"),
        ("apps", "Applications"), ("outbox", "Outbox"), ("tokens", "Token decoder"), ("activity", "Activity"))
_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:0;color:#1d2330}header{background:#233;color:#fff;padding:.6rem 1rem;"
    "display:flex;gap:1rem;align-items:center;flex-wrap:wrap}header a{color:#cfe}header a.on{color:#fff;"
    "font-weight:600}main{padding:1rem 1.5rem;max-width:80rem}table{border-collapse:collapse;width:100%;"
    "margin:.5rem 0 1.5rem}th,td{border-bottom:1px solid #dde;padding:.3rem .5rem;text-align:left;"
    "vertical-align:top;font-size:.92rem}th{background:#f3f5f8}form.inline{display:inline}input,select,textarea"
    "{padding:.25rem;margin:.1rem}button{padding:.25rem .7rem;margin:.1rem;cursor:pointer}.note{color:#556}"
    ".ok{color:#060}.bad{color:#b00020}.flash{background:#eef8ee;border:1px solid #9c9;padding:.5rem;"
    "margin:.5rem 0}.error{background:#fdecee;border:1px solid #e99;padding:.5rem;margin:.5rem 0}code,pre{"
    "font-size:.85rem}pre{background:#f6f7f9;padding:.6rem;overflow:auto}fieldset{border:1px solid #dde;"
    "margin:.6rem 0}ul.tree{margin:.2rem 0 .2rem 1.2rem}")


def is_loopback(address: Optional[str]) -> bool:
    try:
        return ipaddress.ip_address((address or "").split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _cookie(req: Request) -> Optional[str]:
    raw = req.header("Cookie")
    if not raw:
        return None
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(raw)
    except CookieError:
        return None
    morsel = jar.get(COOKIE)
    return morsel.value if morsel is not None and morsel.value else None


def session(ctx: RequestContext, req: Request) -> Optional[Dict[str, Any]]:
    sid = _cookie(req)
    if not sid:
        return None
    row = ctx.store.fetch_one("SELECT sid, csrf FROM console_sessions WHERE sid = ? AND expires > ?",
                              (sid, int(time.time())))
    return None if row is None else {"sid": row["sid"], "csrf": row["csrf"]}


def start(ctx: RequestContext) -> Tuple[str, str]:
    """A new session; its ``Set-Cookie`` header."""
    sid, now = b64url(os.urandom(24)), int(time.time())
    with ctx.store.tx():
        ctx.store.run("DELETE FROM console_sessions WHERE expires <= ?", (now,))
        ctx.store.run("INSERT INTO console_sessions (sid, csrf, expires) VALUES (?, ?, ?)",
                      (sid, b64url(os.urandom(18)), now + LIFETIME))
    return ("Set-Cookie", "%s=%s; Path=%s/; Max-Age=%d; HttpOnly; SameSite=Strict" % (COOKIE, sid, BASE, LIFETIME))


def end(ctx: RequestContext, sid: str) -> Tuple[str, str]:
    ctx.store.run("DELETE FROM console_sessions WHERE sid = ?", (sid,))
    return ("Set-Cookie", "%s=; Path=%s/; Max-Age=0; HttpOnly; SameSite=Strict" % (COOKIE, BASE))


def secret_matches(ctx: RequestContext, given: Any) -> bool:
    return isinstance(given, str) and hmac.compare_digest(given.encode("utf-8"), ctx.pool.secret.encode("utf-8"))


def _same_origin(req: Request) -> bool:
    """A browser's POST names its page's origin, which must be the console's own (other
    clients send none and rely on the CSRF token alone)."""
    origin = req.header("Origin")
    if origin is None:
        return True
    parts = urlsplit(origin)
    return parts.netloc == (req.header("Host") or "") and parts.scheme in ("http", "https")


def form(req: Request) -> Dict[str, str]:
    body = req.body if req.method == "POST" and isinstance(req.body, dict) else {}
    return {k: v for k, v in body.items() if isinstance(v, str)}


View = Callable[[RequestContext, Request, Dict[str, Any]], Raw]


def guarded(view: View) -> Callable[[RequestContext, Request], Raw]:
    """A console view: loopback only, signed in (else the sign-in page), POSTs same-origin
    with the session's CSRF token."""

    def handler(ctx: RequestContext, req: Request) -> Raw:
        if not is_loopback(ctx.client_ip):
            return plain("The console answers loopback addresses only.", 403)
        found = session(ctx, req)
        if found is None:
            if req.method == "POST":
                return plain("Sign in first.", 403)
            return redirect("%s/signin?next=%s" % (BASE, quote(req.path, safe="/")))
        if req.method == "POST":
            token = form(req).get("csrf", "")
            if not _same_origin(req) or not hmac.compare_digest(token.encode(), found["csrf"].encode()):
                return plain("This form is stale or came from another site; reload the page.", 403)
        return view(ctx, req, found)

    handler.__name__ = view.__name__
    handler.__doc__ = view.__doc__
    return handler


# --- HTML ----------------------------------------------------------------------------------


def h(value: Any) -> str:
    return escape("" if value is None else str(value))


def csrf_field(sess: Dict[str, Any]) -> str:
    return '<input type="hidden" name="csrf" value="%s">' % h(sess["csrf"])


def action(sess: Dict[str, Any], path: str, label: str, fields: Iterable[Tuple[str, str]] = (),
           confirm: Optional[str] = None, test_id: Optional[str] = None) -> str:
    """A one-button form posting ``fields`` to ``path``."""
    hidden = "".join('<input type="hidden" name="%s" value="%s">' % (h(k), h(v)) for k, v in fields)
    extra = (' data-confirm="%s"' % h(confirm) if confirm else "") + (' data-test="%s"' % h(test_id) if test_id else "")
    return ('<form class="inline" method="post" action="%s%s">%s%s<button type="submit"%s>%s</button></form>'
            % (BASE, h(path), csrf_field(sess), hidden, extra, h(label)))


def page(title: str, body: str, section: str = "", *, flash: Optional[str] = None, error: Optional[str] = None,
         status: int = 200, headers: Tuple[Tuple[str, str], ...] = (), signed_in: bool = True) -> Raw:
    nav = "".join('<a href="%s/%s"%s>%s</a>' % (BASE, key, ' class="on"' if key == section else "", h(label))
                  for key, label in _NAV) if signed_in else ""
    out = ('<a href="%s/signout">Sign out</a>' % BASE) if signed_in else ""
    notes = ('<p class="flash" role="status">%s</p>' % h(flash) if flash else "") + (
        '<p class="error" role="alert">%s</p>' % h(error) if error else "")
    html = ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" '
            'content="width=device-width, initial-scale=1"><title>%s · Approw emulator console</title>'
            '<style>%s</style><script src="%s/console.js" defer></script></head><body><header>'
            '<strong>Approw emulator</strong>%s<span style="flex:1"></span>%s</header><main><h1>%s</h1>%s%s'
            '</main></body></html>\n' % (h(title), _STYLE, BASE, nav, out, h(title), notes, body))
    return Raw(html, status=status, content_type=_HTML, headers=_HEADERS + headers)


def data(value: Any) -> Raw:
    """JSON for the console's script."""
    return Raw(value, headers=_HEADERS)


def plain(text: str, status: int) -> Raw:
    return Raw(text + "\n", status=status, content_type="text/plain; charset=utf-8", headers=_HEADERS)


def redirect(location: str, headers: Tuple[Tuple[str, str], ...] = ()) -> Raw:
    return Raw(b"", status=303, content_type="text/plain; charset=utf-8",
               headers=(("Location", location),) + _HEADERS + headers)


def back(path: str, flash: str = "", error: str = "") -> Raw:
    """After a POST: see the page again (with a message)."""
    query = ("?flash=" + quote(flash)) if flash else ("?error=" + quote(error)) if error else ""
    return redirect(BASE + path + query)
