"""Method tables of the unit tests: one module per API area, each a list ``CASES`` of
:class:`Case` rows (one per call style).  ``tests/unit/test_methods.py`` runs every row against
the sync client and again against the asyncio client (the same fake transport behind both),
and checks that every public method has a row.

A row names the client (``mgmt`` or ``auth``), the method (a dotted path below the client),
the arguments, the operation it must send (GraphQL operation name, or ``"METHOD /path"`` for
REST) with the variables (``ENC("pw")`` marks an RSA-encrypted field), the scripted answer,
the value the method must return and the ``Authorization`` it must send.  ``op=LOCAL`` marks a
helper that sends no request (a plain method on both clients, e.g. URL building); ``options``
builds the end-user client with other options (``app_host``, ``secret``, ``protocol``, ...).
REST bodies are compared decoded: JSON, or a form as a ``{name: value}`` dict.  For REST calls the query string can be checked too (``query``).
"""
import importlib
import pkgutil
from typing import Any, Dict, List, Optional, Tuple

from fakes import user

__all__ = ["Case", "LOCAL", "ENC", "UDV", "UDV_DICT", "PAGE", "MSG", "STATUS", "user", "all_cases"]


def ENC(plain: str) -> str:  # noqa: N802
    """Marker for "this field is the RSA encryption of ``plain``"."""
    return f"<enc:{plain}>"


UDV = [{"key": "age", "dataType": "NUMBER", "value": "18", "label": "Age"},
       {"key": "nick", "dataType": "STRING", "value": "bobby", "label": ""}]
UDV_DICT = {"age": 18, "nick": "bobby"}
LOCAL = "local"
PAGE = {"totalCount": 1, "list": [user()]}
MSG = {"code": 200, "message": "ok"}
STATUS = {"code": 200, "message": "ok", "status": True, "exp": 2, "iat": 1,
          "data": {"id": "u1", "userPoolId": "pool1", "arn": "arn"}}


class Case:
    """One method call: ``client`` is ``mgmt`` or ``auth``; ``method`` a dotted path below it."""

    def __init__(self, client: str, method: str, args: Tuple[Any, ...] = (),
                 kwargs: Optional[Dict[str, Any]] = None, *, op: str,
                 variables: Any, answer: Any, returns: Any, calls: Optional[List[str]] = None,
                 token: Optional[str] = None, state_token: Optional[str] = None,
                 options: Optional[Dict[str, Any]] = None,
                 query: Optional[Dict[str, Any]] = None) -> None:
        self.client = client
        self.method = method
        self.args = args
        self.kwargs = kwargs or {}
        self.op = op                    # the operation whose variables are checked
        self.variables = variables
        self.answer = answer
        self.returns = returns
        self.calls = calls or [op]      # every request, in order (management token excluded)
        self.token = token              # expected Authorization of `op`: a bearer token, or "Basic ..."
        self.state_token = state_token  # AuthenticationClient._token before the call
        self.options = options or {}    # AuthenticationClientOptions overrides for this call
        if op == LOCAL:                 # a helper that sends no request (same on both clients)
            self.calls = []
        self.query = query              # REST: the query string of `op` ({name: value or [values]})

    @property
    def id(self) -> str:
        return f"{self.client}.{self.method}:{self.op}:{len(self.args)}:{sorted(self.kwargs)}"


def all_cases() -> List[Case]:
    """The rows of every area module of this package (found by name: a new area's module
    needs no registration)."""
    cases: List[Case] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        cases.extend(importlib.import_module(f"{__name__}.{info.name}").CASES)
    return cases
