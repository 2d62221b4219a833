"""What the provider shows a browser: the login form, messages, redirects, ``form_post``.

Pages are small, self-contained HTML (no scripts but the ``form_post`` auto-submit), every
value escaped.  The login form posts back to the URL that served it, with the original
request's parameters as hidden fields, so the request is validated again on submission.
"""

from __future__ import annotations

from html import escape
from http.cookies import CookieError, SimpleCookie
from typing import Dict, Iterable, Mapping, Optional, Tuple
from urllib.parse import quote

from ...domain import Raw, Request

COOKIE = "approw_emulator_sid"
_HTML = "text/html; charset=utf-8"
_NO_STORE = (("Cache-Control", "no-store"), ("Pragma", "no-cache"))
_STYLE = ("body{font-family:system-ui,sans-serif;max-width:24rem;margin:4rem auto;padding:0 1rem}"
          "label{display:block;margin:.75rem 0}input{display:block;width:100%;padding:.4rem}"
          "button{margin-top:1rem;padding:.5rem 1.5rem}.error{color:#b00020}")


def _page(title: str, body: str, status: int = 200, headers: Tuple[Tuple[str, str], ...] = ()) -> Raw:
    html = ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            "<title>%s · Approw emulator</title><style>%s</style></head><body><main>%s</main></body></html>\n"
            % (escape(title), _STYLE, body))
    return Raw(html, status=status, content_type=_HTML, headers=_NO_STORE + headers)


def _hidden(fields: Mapping[str, str]) -> str:
    return "".join('<input type="hidden" name="%s" value="%s">' % (escape(k), escape(v))
                   for k, v in fields.items())


def login_form(action: str, hidden: Mapping[str, str], audience: str, error: Optional[str] = None,
               account: str = "", status: int = 200) -> Raw:
    """The sign-in form: username or e-mail (or phone) and password."""
    problem = '<p class="error" role="alert">%s</p>' % escape(error) if error else ""
    body = ('<h1>Sign in</h1><p>to continue to %s</p>%s'
            '<form method="post" action="%s">%s'
            '<label>Username or e-mail <input name="username" value="%s" autocomplete="username" required autofocus>'
            '</label><label>Password <input name="password" type="password" autocomplete="current-password" '
            'required></label><button type="submit">Sign in</button></form>'
            % (escape(audience), problem, escape(action), _hidden(hidden), escape(account)))
    return _page("Sign in", body, status)


def message(title: str, text: str, status: int = 200, headers: Tuple[Tuple[str, str], ...] = ()) -> Raw:
    return _page(title, "<h1>%s</h1><p>%s</p>" % (escape(title), escape(text)), status, headers)


def redirect(location: str, headers: Tuple[Tuple[str, str], ...] = ()) -> Raw:
    """A 302 to ``location``; characters outside printable ASCII are percent-encoded (UTF-8),
    as a browser does with an address it is given (a header holds only ASCII)."""
    safe = "".join(chr(c) for c in range(33, 127))
    return Raw(b"", status=302, content_type="text/plain; charset=utf-8",
               headers=(("Location", quote(location, safe=safe)),) + _NO_STORE + headers)


def form_post(uri: str, fields: Mapping[str, str], headers: Tuple[Tuple[str, str], ...] = ()) -> Raw:
    """OAuth 2.0 Form Post Response Mode: a form that submits itself to ``uri``."""
    body = ('<form method="post" action="%s">%s<noscript><button type="submit">Continue</button></noscript>'
            "</form><script>document.forms[0].submit()</script>" % (escape(uri), _hidden(fields)))
    return _page("Continue", body, 200, headers)


def session_cookie(sid: str, max_age: int) -> Tuple[str, str]:
    return ("Set-Cookie", "%s=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Lax" % (COOKIE, sid, max_age))


def clear_cookie() -> Tuple[str, str]:
    return ("Set-Cookie", "%s=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax" % COOKIE)


def cookie_sid(req: Request) -> Optional[str]:
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


def params(req: Request, exclude: Iterable[str] = ()) -> Dict[str, str]:
    """The request's parameters: the query string, or the form of a POST (strings only)."""
    source = req.body if req.method == "POST" and isinstance(req.body, dict) else req.query
    skip = set(exclude)
    return {k: v for k, v in source.items() if isinstance(v, str) and k not in skip}
