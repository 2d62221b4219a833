"""Names for the JSON shapes the API returns (all plain ``dict``/``list`` values).

They document signatures; the field lists are in API.md Appendix B (``User``: the USER field
set plus ``externalId``, ``identities`` and, with ``with_custom_data``, ``customData`` as a
``{key: value}`` dict).
"""
from typing import Any, Dict

__all__ = ["JSONDict", "User", "Paginated", "CommonMessage", "LoginStatus", "UserPool"]

JSONDict = Dict[str, Any]
#: A user object.
User = Dict[str, Any]
#: ``{"totalCount": int, "list": [...]}``.
Paginated = Dict[str, Any]
#: ``{"code": int, "message": str}`` (code 200 = success).
CommonMessage = Dict[str, Any]
#: ``{code, message, status, exp, iat, data: {id, userPoolId, arn}}``.
LoginStatus = Dict[str, Any]
#: The user pool settings object.
UserPool = Dict[str, Any]
