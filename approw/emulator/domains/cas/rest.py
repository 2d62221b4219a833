"""CAS endpoints: ``/cas-idp/{appId}[/login]``, ``/validate`` (1.0), ``/serviceValidate``
(2.0), ``/p3/serviceValidate`` (3.0) and ``/cas-idp/logout``.

Login: with a provider session (and no ``renew``) the browser goes straight back to
``service?ticket=ST-...``; ``gateway`` without a session goes back without a ticket;
otherwise the login form.  Validation consumes the ticket whatever the outcome; the service
must be the one the ticket was issued for.  The user is named by username, else e-mail, else
phone, else id; 2.0 and 3.0 answers carry the user's claims as attributes.
"""

from __future__ import annotations

import os
import time
from typing import Any, Dict, List, Optional, Tuple
from xml.sax.saxutils import escape

from ...context import RequestContext
from ...domain import Raw, Request, Route, flag
from ...tokens import b64url
from ..oidc import authorize, clients, issue, login, pages
from ..applications import access
from ..users import state as users
from . import state

_XML = "application/xml; charset=utf-8"
_TEXT = "text/plain; charset=utf-8"
_ATTRIBUTE_SCOPES = ("profile", "email", "phone")


def _with_ticket(service: str, ticket: str) -> str:
    return service + ("&" if "?" in service else "?") + "ticket=" + ticket


def _issue(ctx: RequestContext, app: clients.AppSettings, service: str, user_id: str, primary: bool) -> Raw:
    if not access.may_use(ctx.store, app.client_id, user_id):
        return pages.message("Cannot continue", "This account may not use %s." % app.name, 403)
    now = int(time.time())
    ticket = "ST-" + b64url(os.urandom(24))
    state.purge(ctx.store, now)
    state.add_ticket(ctx.store, ticket, app.client_id, service, user_id, primary, now + app.cas_ticket_lifetime)
    return pages.redirect(_with_ticket(service, ticket))


def cas_login(ctx: RequestContext, req: Request) -> Raw:
    app = clients.client(ctx, req.params["appId"])
    if app is None:
        return pages.message("Cannot continue", "No CAS application %s here." % req.params["appId"], 404)
    sent = pages.params(req)
    service = sent.get("service") or None  # "?service" alone: no service
    if service is not None and not clients.service_allowed(app, service):
        return pages.message("Cannot continue", "The service %r is not allowed for this application." % service, 400)
    fields = {k: v for k, v in sent.items() if k in ("service", "renew")}
    if req.method == "POST" and "password" in sent:
        user = login.check_credentials(ctx, sent, app.client_id)
        if isinstance(user, str):
            return pages.login_form(req.path, fields, app.name, user, sent.get("username", ""))
        _, cookie = login.start_session(ctx, app, user)
        if service is None:
            return pages.message("Signed in", "You are signed in.", 200, (cookie,))
        answer = _issue(ctx, app, service, user["id"], True)
        answer.headers += (cookie,)
        return answer
    session = None if flag(sent.get("renew")) else login.current_session(ctx, req)
    if session is not None:
        if service is None:
            return pages.message("Signed in", "You are already signed in.")
        return _issue(ctx, app, service, session["user_id"], False)
    if flag(sent.get("gateway")) and service is not None:
        return pages.redirect(service)
    return pages.login_form(req.path, fields, app.name)


def _check(ctx: RequestContext, req: Request) -> Tuple[Optional[Dict[str, Any]], str, str]:
    """``(user, code, description)`` for a validation request (user None on failure)."""
    if clients.client(ctx, req.params["appId"]) is None:
        return None, "INVALID_SERVICE", "unknown CAS application"
    service, ticket = req.query.get("service"), req.query.get("ticket")
    if not service or not ticket:
        return None, "INVALID_REQUEST", "service and ticket are required"
    record = state.take_ticket(ctx.store, ticket)
    if record is None or record["expires"] <= time.time():
        return None, "INVALID_TICKET", "ticket %s not recognized" % ticket
    if record["app_id"] != req.params["appId"] or record["service"] != service:
        return None, "INVALID_SERVICE", "ticket %s was issued for another service" % ticket
    if flag(req.query.get("renew")) and not record["primary_login"]:
        return None, "INVALID_TICKET", "renew=true: ticket %s did not come from a new sign-in" % ticket
    user = users.get_user(ctx.store, record["user_id"])
    if user is None:
        return None, "INVALID_TICKET", "the user no longer exists"
    return user, "", ""


def _name(user: Dict[str, Any]) -> str:
    return str(user.get("username") or user.get("email") or user.get("phone") or user["id"])


def validate_v1(ctx: RequestContext, req: Request) -> Raw:
    user, _, _ = _check(ctx, req)
    return Raw("yes\n%s\n" % _name(user) if user else "no\n\n", content_type=_TEXT)


def _attributes(user: Dict[str, Any]) -> Dict[str, Any]:
    claims = issue.user_claims(user, _ATTRIBUTE_SCOPES)
    return {k: v for k, v in claims.items() if v is not None}


def service_validate(ctx: RequestContext, req: Request) -> Raw:
    """CAS 2.0 and 3.0 validation: XML, or JSON with ``format=JSON``; both with attributes."""
    user, code, description = _check(ctx, req)
    if (req.query.get("format") or "").upper() == "JSON":
        if user is None:
            body: Dict[str, Any] = {"authenticationFailure": {"code": code, "description": description}}
        else:
            body = {"authenticationSuccess": {"user": _name(user), "attributes": _attributes(user)}}
        return Raw({"serviceResponse": body})
    if user is None:
        inner = '<cas:authenticationFailure code="%s">%s</cas:authenticationFailure>' % (code, escape(description))
    else:
        attributes = "<cas:attributes>%s</cas:attributes>" % "".join(
            "<cas:%s>%s</cas:%s>" % (k, escape(str(v).lower() if isinstance(v, bool) else str(v)), k)
            for k, v in _attributes(user).items())
        inner = "<cas:authenticationSuccess><cas:user>%s</cas:user>%s</cas:authenticationSuccess>" % (
            escape(_name(user)), attributes)
    xml = "<cas:serviceResponse xmlns:cas=\"http://www.yale.edu/tp/cas\">%s</cas:serviceResponse>\n" % inner
    return Raw(xml, content_type=_XML)


def logout(ctx: RequestContext, req: Request) -> Raw:
    return authorize.simple_logout(ctx, req, "url")


ROUTES: List[Route] = [
    ("GET", "/cas-idp/logout", logout),
    ("GET", "/cas-idp/{appId}", cas_login),
    ("POST", "/cas-idp/{appId}", cas_login),
    ("GET", "/cas-idp/{appId}/login", cas_login),
    ("POST", "/cas-idp/{appId}/login", cas_login),
    ("GET", "/cas-idp/{appId}/validate", validate_v1),
    ("GET", "/cas-idp/{appId}/serviceValidate", service_validate),
    ("GET", "/cas-idp/{appId}/p3/serviceValidate", service_validate),
]
