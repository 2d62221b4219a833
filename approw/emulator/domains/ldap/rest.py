"""Directory sign-in: ``POST /api/v2/ldap/verify-user`` and ``/api/v2/ad/verify-user``.

The password is checked by the directory (``connector``).  The first sign-in creates the
pool user with the directory identity (provider ``ldap`` / ``ad``, ``userIdInIdp`` = the
entry's DN) and the entry's name, e-mail and username where no other user holds them; later
sign-ins find that user by the identity.  Then the usual end of a sign-in (blocked users,
second factors) and a token.  A password the directory refuses is logged as a failed sign-in
(the pool's lockout rule does not apply: the directory has its own).
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List

from ...context import RequestContext
from ...domain import Request, Route
from ...errors import USER_EXISTS, WRONG_PASSWORD, ApprowError, invalid
from ..auth import lockout, signin
from ..users import accounts
from ..users import state as users
from . import connector


def _profile(ctx: RequestContext, entry: Dict[str, Any], username: str) -> Dict[str, Any]:
    fields: Dict[str, Any] = {
        "nickname": entry.get("displayName") or entry.get("cn"),
        "name": entry.get("cn"),
        "givenName": entry.get("givenName"),
        "familyName": entry.get("sn"),
    }
    login = entry.get("uid") or entry.get("sAMAccountName") or username
    if accounts.find_user(ctx, {"username": login}) is None:
        fields["username"] = login
    mail = entry.get("mail")
    if mail and accounts.find_user(ctx, {"email": mail}) is None:
        fields["email"] = mail
        fields["emailVerified"] = True
    return {k: v for k, v in fields.items() if v is not None}


def _sign_in(kind: str) -> Callable[[RequestContext, Request], Dict[str, Any]]:
    def verify_user(ctx: RequestContext, req: Request) -> Dict[str, Any]:
        body = req.body if isinstance(req.body, dict) else {}
        username, password = body.get("username"), body.get("password")
        if not isinstance(username, str) or not isinstance(password, str):
            raise invalid("username and password are required")
        try:
            entry = connector.authenticate(connector.settings(ctx.pool.config, kind), username, password)
        except ApprowError as exc:
            if exc.code == WRONG_PASSWORD:  # logged as a failed sign-in
                lockout.refuse(ctx, None, exc, desc="%s sign-in of %r refused by the directory" % (kind, username))
            raise
        user = users.user_by_identity(ctx.store, kind, entry["dn"])
        if user is None:
            identity = {"provider": kind, "userIdInIdp": entry["dn"], "isSocial": False}
            try:
                user = accounts.create_user(ctx, _profile(ctx, entry, username), password=None, source=[kind],
                                            identity=identity)
            except ApprowError as exc:  # a concurrent first sign-in created the user
                user = users.user_by_identity(ctx.store, kind, entry["dn"])
                if exc.code != USER_EXISTS or user is None:
                    raise
        return accounts.view(ctx, signin.complete_login(ctx, user))

    verify_user.__name__ = "verify_%s_user" % kind
    return verify_user


ROUTES: List[Route] = [
    ("POST", "/api/v2/ldap/verify-user", _sign_in("ldap")),
    ("POST", "/api/v2/ad/verify-user", _sign_in("ad")),
]
