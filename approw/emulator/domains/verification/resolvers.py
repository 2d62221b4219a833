"""``sendEmail``: a verification code for an e-mail address, delivered to the outbox."""

from __future__ import annotations

from typing import Any, Dict

from ...context import RequestContext
from ...domain import Resolvers
from ...errors import BAD_EMAIL, ApprowError
from ...values import common_message, is_email
from . import codes


def send_email(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    """Any address with a valid syntax gets its message (whether an account uses it is not
    revealed; the operation that takes the code checks that)."""
    email = args["email"].strip()
    if not is_email(email):
        raise ApprowError(BAD_EMAIL)
    codes.send(ctx, codes.EMAIL, email, args["scene"])
    return common_message("The e-mail was sent")


RESOLVERS: Resolvers = {"Mutation": {"sendEmail": send_email}}
