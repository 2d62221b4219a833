"""Users: creating, changing, finding, deleting and presenting them.

Shared by the GraphQL resolvers (management and authentication) and the REST handlers,
so every path applies the same rules:

* identifiers: ``username`` case-sensitive, ``email`` case-insensitive (stored lower-case),
  ``phone``; each unique in the pool (error 2026); at least one identifier per user (2231);
* dates (``signedUp``, ``lastLogin``, ``tokenExpiredAt``) must be ISO-8601 (2231);
* passwords arrive RSA-encrypted and are stored only as salted PBKDF2 hashes.
"""

from __future__ import annotations

import re
import time
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ...context import RequestContext
from ...errors import (
    BAD_EMAIL,
    EMAIL_NOT_MODIFIABLE,
    FIELD_NOT_MODIFIABLE,
    PASSWORD_CHANGE_NEEDS_VERIFICATION,
    PASSWORD_REQUIRED,
    PHONE_NOT_MODIFIABLE,
    SEARCH_FIELD_INVALID,
    USER_NOT_FOUND,
    ApprowError,
    invalid,
)
from ...tokens import object_id
from ...values import is_email, iso, normalize_iso, now_iso, parse_iso
from ..sessions import state as sessions
from ..udf import customdata
from ..udf import state as udf
from ..userpool import settings
from . import state

DEFAULT_PHOTO = "https://usercontents.approw.cn/approw-avatar.png"

# Every stored scalar field of a user (the schema's User type minus derived fields).
USER_FIELDS = (
    "id status username email emailVerified phone phoneVerified unionid openid nickname registerSource "
    "photo oauth tokenExpiredAt loginsCount lastLogin lastIP signedUp blocked isDeleted device browser "
    "company name givenName familyName middleName profile preferredUsername website gender birthdate "
    "zoneinfo locale address formatted streetAddress locality region postalCode city province country "
    "createdAt updatedAt externalId"
).split()
USER_STATUSES = ("Activated", "Suspended", "Resigned", "Archived")
_DEFAULTS = {
    "status": "Activated",
    "emailVerified": False,
    "phoneVerified": False,
    "photo": DEFAULT_PHOTO,
    "gender": "U",
    "loginsCount": 0,
    "blocked": False,
    "isDeleted": False,
}
IDENTIFIERS = ("username", "email", "phone", "unionid", "openid", "externalId")
_DATE_FIELDS = ("signedUp", "lastLogin", "tokenExpiredAt", "createdAt", "updatedAt")
# Fields a user may not change with their own token (updateUser), and the code it gets.
_SELF_FORBIDDEN = {
    "email": EMAIL_NOT_MODIFIABLE,
    "phone": PHONE_NOT_MODIFIABLE,
    "unionid": FIELD_NOT_MODIFIABLE,
    "openid": FIELD_NOT_MODIFIABLE,
    "emailVerified": FIELD_NOT_MODIFIABLE,
    "phoneVerified": FIELD_NOT_MODIFIABLE,
    "loginsCount": FIELD_NOT_MODIFIABLE,
    "lastLogin": FIELD_NOT_MODIFIABLE,
    "lastIP": FIELD_NOT_MODIFIABLE,
    "blocked": FIELD_NOT_MODIFIABLE,
    "externalId": FIELD_NOT_MODIFIABLE,
}
MAX_SEARCH_QUERY = 1000  # characters; SQLite refuses LIKE patterns over 50,000 bytes
SEARCH_DEFAULT_FIELDS = (
    "username nickname email phone company name givenName familyName middleName profile preferredUsername"
).split()
_SEARCHABLE = frozenset(
    f for f in USER_FIELDS
    if f not in ("emailVerified", "phoneVerified", "loginsCount", "blocked", "isDeleted", "registerSource")
)
LOOKUP_FIELDS = {"id": "id", "username": "username", "email": "email", "phone": "phone", "externalId": "externalId"}
# Kept with a user, never shown: the strength of the password (1-3, computed when it is set;
# the security level reads it) and a password change the user must make before signing in
# ("first_login" or "force"; setting a password clears it).
PASSWORD_LEVEL = "passwordSecurityLevel"
RESET_REQUIRED = "passwordResetRequired"
_HIGH = re.compile(r"(?=.*[a-z])(?=.*[A-Z])(?=.*\d).{12,}", re.DOTALL)
_MEDIUM = re.compile(r"(?=.*[a-zA-Z])(?=.*\d).{8,}", re.DOTALL)


def password_level(password: str) -> int:
    """3 high (lower- and upper-case letters and a digit, 12+ characters), 2 medium (a letter
    and a digit, 8+ characters), else 1."""
    return 3 if _HIGH.match(password) else 2 if _MEDIUM.match(password) else 1


# --- input normalisation -----------------------------------------------------------------


def _token_expiry(value: Any) -> Optional[str]:
    """``tokenExpiredAt``: ISO-8601, or epoch digits (the old SDK logout sends ``"0"``)."""
    if isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
        seconds = number / 1000 if number > 10**11 else float(number)  # milliseconds or seconds
        return iso(datetime.fromtimestamp(min(seconds, 253402300799.0), timezone.utc))
    return normalize_iso(value, "tokenExpiredAt")


def normalize(fields: Dict[str, Any]) -> Dict[str, Any]:
    out = {}
    for key, value in fields.items():
        if key in IDENTIFIERS and value == "":
            value = None
        elif key == "email" and isinstance(value, str):
            value = value.strip().lower()
        elif key == "tokenExpiredAt":
            value = _token_expiry(value)
        elif key in _DATE_FIELDS:
            value = normalize_iso(value, key)
        out[key] = value
    return out


def decrypt_password(ctx: RequestContext, ciphertext: Optional[str]) -> Optional[str]:
    return None if ciphertext is None else ctx.pool.keys.decrypt_password(ciphertext)


# --- creation ----------------------------------------------------------------------------


def create_user(
    ctx: RequestContext,
    fields: Dict[str, Any],
    *,
    password: Optional[str],
    source: List[str],
    custom: Sequence[Tuple[str, Any]] = (),
    identity: Optional[Dict[str, Any]] = None,
    self_service: bool = False,
    user_id: Optional[str] = None,
) -> Dict[str, Any]:
    """Create a user from already-decrypted input (``user_id``: a new random id unless given);
    returns the stored record."""
    fields = normalize(fields)
    if not any(fields.get(k) for k in IDENTIFIERS) and not identity:
        raise invalid("a user needs at least one identifier: username, email, phone, unionid, openid or externalId")
    if self_service and fields.get("email") and not is_email(fields["email"]):
        raise ApprowError(BAD_EMAIL)
    if self_service and not password:
        raise ApprowError(PASSWORD_REQUIRED)
    checked = customdata.check_values(ctx.store, "USER", list(custom))
    password_hash = ctx.pool.hasher.hash(password) if password else None  # slow: outside the lock
    now = now_iso()
    user: Dict[str, Any] = dict.fromkeys(USER_FIELDS)
    user.update(_DEFAULTS, emailVerified=bool(settings.of(ctx)["emailVerifiedDefault"]))
    user.update(registerSource=source, signedUp=now, lastIP=ctx.client_ip, id=user_id or object_id(), createdAt=now,
                updatedAt=now)
    user.update((k, v) for k, v in fields.items() if v is not None)
    if password:
        user[PASSWORD_LEVEL] = password_level(password)
    with ctx.store.tx():
        state.insert_user(ctx.store, user, password_hash)
        if identity:
            state.add_identity(ctx.store, user["id"], _identity_record(ctx, user["id"], identity))
        customdata.write_values(ctx.store, "USER", user["id"], checked)
    return user


def _identity_record(ctx: RequestContext, user_id: str, identity: Dict[str, Any]) -> Dict[str, Any]:
    return {
        "openid": identity.get("openid"),
        "userIdInIdp": identity["userIdInIdp"],
        "userId": user_id,
        "connectionId": identity.get("connectionId"),
        "isSocial": bool(identity.get("isSocial")),
        "provider": identity["provider"],
        "userPoolId": ctx.pool.id,
        "refreshToken": identity.get("refreshToken"),
        "accessToken": identity.get("accessToken"),
        "type": "social" if identity.get("isSocial") else None,
    }


# --- change and removal ------------------------------------------------------------------


def update_user(ctx: RequestContext, user_id: str, changes: Dict[str, Any], *, self_service: bool) -> Dict[str, Any]:
    """Apply ``UpdateUserInput`` to a user; ``self_service`` applies the end-user restrictions."""
    current = state.get_user(ctx.store, user_id)
    if current is None:
        raise ApprowError(USER_NOT_FOUND)
    changes = dict(changes)
    ciphertext = changes.pop("password", None)
    if self_service:
        for key, code in _SELF_FORBIDDEN.items():
            if key in changes and normalize({key: changes[key]})[key] != current.get(key):
                raise ApprowError(code)
        if ciphertext is not None:
            raise ApprowError(PASSWORD_CHANGE_NEEDS_VERIFICATION)
    changes = normalize(changes)
    password = decrypt_password(ctx, ciphertext)
    password_hash = ctx.pool.hasher.hash(password) if password else None
    with ctx.store.tx():
        user = state.get_user(ctx.store, user_id)
        if user is None:
            raise ApprowError(USER_NOT_FOUND)
        user.update(changes)
        user["updatedAt"] = now_iso()
        if password:
            user[PASSWORD_LEVEL] = password_level(password)
            user.pop(RESET_REQUIRED, None)
        state.replace_user(ctx.store, user)
        if password_hash:
            state.set_password_hash(ctx.store, user_id, password_hash)
        expiry = changes.get("tokenExpiredAt")
        if expiry is not None and parse_iso(expiry, "tokenExpiredAt").timestamp() <= time.time():
            sessions.revoke_user_tokens(ctx.store, user_id)
    return user


def delete_users(ctx: RequestContext, user_ids: Sequence[str]) -> int:
    """Delete users with their identities, tokens and custom data; returns how many existed."""
    deleted = 0
    with ctx.store.tx():
        for user_id in set(user_ids):
            if state.delete_user(ctx.store, user_id):
                deleted += 1
                udf.remove_udvs(ctx.store, "USER", user_id)
    return deleted


def set_password(ctx: RequestContext, user_id: str, password: str) -> Dict[str, Any]:
    """Give a user a new password (which settles a required password change); the user."""
    password_hash = ctx.pool.hasher.hash(password)  # slow: outside the lock
    with ctx.store.tx():
        user = state.get_user(ctx.store, user_id)
        if user is None:
            raise ApprowError(USER_NOT_FOUND)
        user[PASSWORD_LEVEL] = password_level(password)
        user.pop(RESET_REQUIRED, None)
        user["updatedAt"] = now_iso()
        state.replace_user(ctx.store, user)
        state.set_password_hash(ctx.store, user_id, password_hash)
    return user


def check_password(ctx: RequestContext, user_id: str, password: str) -> bool:
    return ctx.pool.hasher.verify(password, state.password_hash(ctx.store, user_id))


# --- lookup ------------------------------------------------------------------------------


def find_user(ctx: RequestContext, criteria: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """The user matching every given criterion (``email`` case-insensitive), or None."""
    given = {k: v for k, v in normalize(criteria).items() if v is not None}
    if not given:
        return None
    clauses = []
    params: List[Any] = []
    for key, value in given.items():
        clauses.append("%s = ?" % state.user_field_sql(key))
        params.append(value)
    _, users = state.users_where(ctx.store, " AND ".join(clauses), params, limit=1)
    return users[0] if users else None


def search_where(query: str, fields: Optional[Sequence[Any]]) -> Tuple[str, List[Any]]:
    """SQL for a case-insensitive substring search over ``fields``."""
    names = [f for f in (fields or SEARCH_DEFAULT_FIELDS) if f is not None] or SEARCH_DEFAULT_FIELDS
    unknown = [f for f in names if f not in _SEARCHABLE]
    if unknown:
        raise ApprowError(SEARCH_FIELD_INVALID, "cannot search users by %s" % ", ".join(map(repr, unknown)))
    if len(query) > MAX_SEARCH_QUERY:
        raise invalid("query is too long (%d characters, at most %d)" % (len(query), MAX_SEARCH_QUERY))
    pattern = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    clause = " OR ".join("%s LIKE ? ESCAPE '\\'" % state.user_field_sql(f) for f in names)
    return "(%s)" % clause, [pattern] * len(names)


# --- presentation ------------------------------------------------------------------------


def view(ctx: RequestContext, user: Dict[str, Any], *, with_custom_data: bool = False) -> Dict[str, Any]:
    """A user as REST endpoints return it (the full field set; ``password`` always null)."""
    out = {field: user.get(field) for field in USER_FIELDS}
    out.update(
        arn=ctx.pool.arn(user["id"]),
        userPoolId=ctx.pool.id,
        password=None,
        token=user.get("token"),
        identities=state.identities(ctx.store, user["id"]),
    )
    if with_custom_data:
        out["customData"] = udf.udvs(ctx.store, "USER", user["id"])
    return out

