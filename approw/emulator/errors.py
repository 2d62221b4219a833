"""Business errors of the emulator and the published code table.

Every failure a client can cause is an :class:`ApprowError` carrying one of the service's
numeric codes.  The English message comes from ``error-codes.tsv`` (the service's published
code table, shipped as package data) unless a more specific detail is given.  The GraphQL layer renders it as ``{"code", "message"[, "data"]}`` inside
``errors[].message``; the REST layer as the ``{code, message}`` envelope.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any, Dict, Optional

# Codes the service uses that are not in its published list.
_EXTRA_MESSAGES = {
    200: "OK",
    400: "Bad request",
    404: "Not found",
    405: "Method not allowed",
    413: "Request body too large",
    500: "Internal server error",
    1635: "This login needs a second factor (multi-factor authentication)",
    1639: "The password must be changed at the first login",
    1640: "The password must be changed before logging in",
    3003: "Namespace does not exist",
    3005: "Namespace does not exist",
}

# Named codes used by the resolvers, so call sites read as prose.
NO_PERMISSION = 1001
BAD_EMAIL = 2003
USER_NOT_FOUND = 2004
USER_LOCKED = 2005
WRONG_PASSWORD = 2006
DECRYPTION_FAILED = 2016
FIELD_NOT_MODIFIABLE = 2018
PASSWORD_CHANGE_NEEDS_VERIFICATION = 2019
NOT_LOGGED_IN = 2020
USER_EXISTS = 2026
BATCH_TOO_LARGE = 2030
REGISTRATION_DISABLED = 2031
PASSWORD_REQUIRED = 2032
APP_NOT_FOUND = 2011
SEARCH_FIELD_INVALID = 2015
OLD_PASSWORD_MISSING = 2201
NOT_YOUR_ACCOUNT = 2202
OLD_PASSWORD_WRONG = 2203
TOKEN_EXPIRED = 2206
TOKEN_INVALID = 2207
DELETE_FAILED = 2210
POOL_NOT_FOUND = 2224
EMAIL_NOT_MODIFIABLE = 2225
PHONE_NOT_MODIFIABLE = 2226
INVALID_PARAMS = 2231
UNSUPPORTED = 500
# Verification codes, second factors, phone/e-mail binding, linked accounts.
MFA_REQUIRED = 1635
FIRST_LOGIN_RESET = 1639
FORCED_RESET = 1640
WRONG_CODE = 2001
PHONE_BOUND = 2035
OLD_EMAIL_MISMATCH = 2037
OLD_PHONE_MISMATCH = 2038
TOO_FREQUENT = 2100
EMAIL_BOUND = 2200
IDENTITY_ALREADY_BOUND = 2213
IDENTITY_NOT_BOUND = 2216
LAST_LOGIN_METHOD = 2217
NO_EMAIL_TO_UNBIND = 2219
OLD_EMAIL_REQUIRED = 2227
OLD_PHONE_REQUIRED = 2228
SAME_EMAIL = 2229
SAME_PHONE = 2230
CODE_EXPIRED = 2300
# Authorization model (roles, groups, policies, namespaces, resources, grants).
NOT_FOUND = 404  # a role, group, policy, resource or assignment that does not exist
ALREADY_EXISTS = USER_EXISTS  # a duplicate code: the service's "already exists" code
NAMESPACE_NOT_FOUND = 3003
NAMESPACE_UPDATE_NOT_FOUND = 3005


@functools.lru_cache(maxsize=1)
def code_table() -> Dict[int, str]:
    """``{code: English message}`` from the shipped ``error-codes.tsv``."""
    text = resources.files(__package__).joinpath("error-codes.tsv").read_text(encoding="utf-8")
    table: Dict[int, str] = dict(_EXTRA_MESSAGES)
    for line in text.splitlines()[1:]:
        code, _, message = line.partition("\t")
        if code.strip().isdigit():
            table[int(code)] = message.strip()
    return table


def message_for(code: int) -> str:
    return code_table().get(code, "Error %d" % code)


class ApprowError(Exception):
    """A business error: rendered with HTTP 200 in the service's envelope."""

    def __init__(self, code: int, detail: Optional[str] = None, data: Any = None) -> None:
        self.code = code
        self.message = detail if detail is not None else message_for(code)
        self.data = data
        super().__init__(code, self.message)

    def as_message(self) -> Dict[str, Any]:
        body: Dict[str, Any] = {"code": self.code, "message": self.message}
        if self.data is not None:
            body["data"] = self.data
        return body


def invalid(detail: str) -> ApprowError:
    """Code 2231 (incomplete or invalid request parameters) with a specific explanation."""
    return ApprowError(INVALID_PARAMS, detail)
