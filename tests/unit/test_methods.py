"""Every public API method: the requests it sends (operations, variables, encrypted fields,
Authorization) and the value it returns.  Also parity: the table below covers every public
method of the client classes, and each operation a method uses lists that method in the
catalogue (tools/catalogue.tsv, column used_by)."""
import copy
import inspect
from typing import Any, Callable, Dict, List, Optional, Set, Tuple

import pytest

from approw.v2.authentication import AuthenticationClient
from approw.v2.management import ManagementClient, UsersManagementClient
from approw.v2.management.base import ManagementSubClient
from fakes import REPO, FakeSession, decrypt, user

PASSWORD_FIELDS = {"password", "newPassword", "oldPassword"}


def ENC(plain: str) -> str:  # noqa: N802
    """Marker for "this field is the RSA encryption of ``plain``"."""
    return f"<enc:{plain}>"


def _decrypt_fields(value: Any, key: Any) -> Any:
    """Replace each decryptable password field by ``ENC(plaintext)``; plain text stays."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k in PASSWORD_FIELDS and isinstance(v, str):
                try:
                    out[k] = ENC(decrypt(key, v))
                    continue
                except ValueError:
                    pass
            out[k] = _decrypt_fields(v, key)
        return out
    if isinstance(value, list):
        return [_decrypt_fields(v, key) for v in value]
    return value


UDV = [{"key": "age", "dataType": "NUMBER", "value": "18", "label": "Age"},
       {"key": "nick", "dataType": "STRING", "value": "bobby", "label": ""}]
UDV_DICT = {"age": 18, "nick": "bobby"}
PAGE = {"totalCount": 1, "list": [user()]}
MSG = {"code": 200, "message": "ok"}
STATUS = {"code": 200, "message": "ok", "status": True, "exp": 2, "iat": 1,
          "data": {"id": "u1", "userPoolId": "pool1", "arn": "arn"}}


class Case:
    """One method call: ``client`` is ``mgmt`` or ``auth``; ``method`` a dotted path below it."""

    def __init__(self, client: str, method: str, args: Tuple[Any, ...] = (),
                 kwargs: Optional[Dict[str, Any]] = None, *, op: str,
                 variables: Any, answer: Any, returns: Any, calls: Optional[List[str]] = None,
                 token: Optional[str] = None, state_token: Optional[str] = None) -> None:
        self.client = client
        self.method = method
        self.args = args
        self.kwargs = kwargs or {}
        self.op = op                    # the GraphQL operation whose variables are checked
        self.variables = variables
        self.answer = answer
        self.returns = returns
        self.calls = calls or [op]      # every request, in order (management token excluded)
        self.token = token              # expected Authorization bearer of `op`
        self.state_token = state_token  # AuthenticationClient._token before the call

    @property
    def id(self) -> str:
        return f"{self.client}.{self.method}:{self.op}:{len(self.args)}:{sorted(self.kwargs)}"


CASES = [
    # ---------------------------------------------------------------- management.users
    Case("mgmt", "users.list", op="users", variables={"page": 1, "limit": 10},
         answer=PAGE, returns=PAGE, token="mgmt-token"),
    Case("mgmt", "users.list", (2, 5, True), op="usersWithCustomData",
         variables={"page": 2, "limit": 5},
         answer={"totalCount": 1, "list": [user(customData=UDV)]},
         returns={"totalCount": 1, "list": [user(customData=UDV_DICT)]}, token="mgmt-token"),
    Case("mgmt", "users.create", ({"username": "bob", "password": "pw"},), op="createUser",
         variables={"userInfo": {"username": "bob", "password": ENC("pw")},
                    "keepPassword": False, "params": None},
         answer=user(), returns=user(), token="mgmt-token"),
    Case("mgmt", "users.create", ({"username": "bob"},), {"keep_password": True},
         op="createUser",
         variables={"userInfo": {"username": "bob"}, "keepPassword": True, "params": None},
         answer=user(), returns=user(), token="mgmt-token"),
    Case("mgmt", "users.create", ({"email": "b@x.test", "password": "pw"}, False,
                                  {"age": 18, "nick": "bobby"}),
         op="createUserWithCustomData",
         variables={"userInfo": {"email": "b@x.test", "password": ENC("pw")},
                    "keepPassword": False,
                    "params": '[{"key": "age", "value": 18}, {"key": "nick", "value": "bobby"}]'},
         answer=user(customData=UDV), returns=user(customData=UDV_DICT), token="mgmt-token"),
    Case("mgmt", "users.detail", ("u1",), op="user", variables={"id": "u1"},
         answer=user(identities=[]), returns=user(identities=[]), token="mgmt-token"),
    Case("mgmt", "users.detail", (), {"userId": "u1", "with_custom_data": True},
         op="userWithCustomData", variables={"id": "u1"},
         answer=user(customData=UDV), returns=user(customData=UDV_DICT), token="mgmt-token"),
    Case("mgmt", "users.detail", ("nobody", True), op="userWithCustomData",
         variables={"id": "nobody"}, answer=None, returns=None, token="mgmt-token"),
    Case("mgmt", "users.update", ("u1", {"nickname": "Nick", "password": "pw"}),
         op="updateUser",
         variables={"id": "u1", "input": {"nickname": "Nick", "password": ENC("pw")}},
         answer=user(nickname="Nick"), returns=user(nickname="Nick"), token="mgmt-token"),
    Case("mgmt", "users.update", ("u1", {"nickname": "Nick", "password": ""}), op="updateUser",
         variables={"id": "u1", "input": {"nickname": "Nick", "password": ""}},
         answer=user(), returns=user(), token="mgmt-token"),
    Case("mgmt", "users.delete", ("u1",), op="deleteUser", variables={"id": "u1"},
         answer=MSG, returns=MSG, token="mgmt-token"),
    # ---------------------------------------------------------------- ManagementClient
    Case("mgmt", "check_login_status", ("user-token",), op="checkLoginStatus",
         variables={"token": "user-token"}, answer=STATUS, returns=STATUS, token=None),
    Case("mgmt", "_get_userpool_detail", op="userpool", variables=None,
         answer={"id": "pool1", "name": "p"}, returns={"id": "pool1", "name": "p"},
         token="mgmt-token"),
    # ---------------------------------------------------------------- AuthenticationClient
    Case("auth", "register_by_email", ("b@x.test", "pw"), op="registerByEmail",
         variables={"input": {"email": "b@x.test", "password": ENC("pw"), "profile": None,
                              "forceLogin": False, "generateToken": False, "clientIp": None,
                              "params": None, "context": None}},
         answer=user(), returns=user()),
    Case("auth", "register_by_email", ("b@x.test", "pw", {"nickname": "N"}, True, True,
                                       "10.0.0.1", {"age": 18}, {"src": "web"}),
         op="registerByEmail",
         variables={"input": {"email": "b@x.test", "password": ENC("pw"),
                              "profile": {"nickname": "N"}, "forceLogin": True,
                              "generateToken": True, "clientIp": "10.0.0.1",
                              "params": '[{"key": "age", "value": 18}]',
                              "context": '{"src": "web"}'}},
         answer=user(token="t1"), returns=user(token="t1")),
    Case("auth", "register_by_username", ("bob", "pw"), {"clientIp": "10.0.0.2"},
         op="registerByUsername",
         variables={"input": {"username": "bob", "password": ENC("pw"), "profile": None,
                              "forceLogin": False, "generateToken": False,
                              "clientIp": "10.0.0.2", "params": None, "context": None}},
         answer=user(), returns=user()),
    Case("auth", "login_by_email", ("b@x.test", "pw"), op="loginByEmail",
         variables={"input": {"email": "b@x.test", "password": ENC("pw"),
                              "autoRegister": False, "captchaCode": None, "clientIp": None,
                              "params": None, "context": None}},
         answer=user(token="t1"), returns=user(token="t1")),
    Case("auth", "login_by_username", ("bob", "pw", True, "1234", None, {"k": "v"},
                                       {"a": 1}), {"clientIp": "10.0.0.3"},
         op="loginByUsername",
         variables={"input": {"username": "bob", "password": ENC("pw"), "autoRegister": True,
                              "captchaCode": "1234", "clientIp": "10.0.0.3",
                              "params": '[{"key": "k", "value": "v"}]',
                              "context": '{"a": 1}'}},
         answer=user(token="t1"), returns=user(token="t1")),
    Case("auth", "check_login_status", op="checkLoginStatus", variables={"token": "stored"},
         answer=STATUS, returns=STATUS, token=None, state_token="stored"),
    Case("auth", "check_login_status", ("given",), op="checkLoginStatus",
         variables={"token": "given"}, answer=STATUS, returns=STATUS, token=None,
         state_token="stored"),
    Case("auth", "get_current_user", ("given",), op="GET /api/v2/users/me", variables=None,
         answer={"code": 200, "message": "", "data": user(token="given")},
         returns=user(token="given"), token="given"),
    Case("auth", "update_profile", ({"nickname": "Nick", "password": "plain"},),
         op="updateUser", calls=["GET /api/v2/users/me", "updateUser"],
         variables={"id": "u1", "input": {"nickname": "Nick", "password": "plain"}},
         answer=user(nickname="Nick"), returns=user(nickname="Nick"), token="stored",
         state_token="stored"),
    Case("auth", "logout", op="GET /api/v2/logout",
         calls=["GET /api/v2/users/me", "GET /api/v2/logout"], variables=None,
         answer={"code": 200, "message": "ok"}, returns=True, token="stored",
         state_token="stored"),
]


def _resolve(clients: Dict[str, Any], case: Case) -> Callable[..., Any]:
    target = clients[case.client]
    for part in case.method.split("."):
        target = getattr(target, part)
    return target  # type: ignore[no-any-return]


def _script(fake: FakeSession, case: Case) -> None:
    if case.op.startswith(("GET ", "POST ")):
        method, path = case.op.split(" ", 1)
        fake.answer_rest(method, path, case.answer)
    else:
        fake.answer(case.op, copy.deepcopy(case.answer))
    if "GET /api/v2/users/me" in case.calls and case.op != "GET /api/v2/users/me":
        fake.answer_rest("GET", "/api/v2/users/me", {"code": 200, "data": user(token=None)})


def _call_id(call: Any) -> str:
    """``operation`` for GraphQL, ``"METHOD /path"`` for REST."""
    if call.kind == "graphql":
        return str(call.operation)
    path = "/" + call.url.split("://", 1)[1].split("/", 1)[1].split("?", 1)[0]
    return f"{call.method} {path}"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_method(case: Case, fake: FakeSession, mgmt: ManagementClient,
                auth: AuthenticationClient, rsa_key: Any) -> None:
    _script(fake, case)
    auth._token = case.state_token
    args = copy.deepcopy(case.args)
    kwargs = copy.deepcopy(case.kwargs)
    result = _resolve({"mgmt": mgmt, "auth": auth}, case)(*args, **kwargs)
    assert result == case.returns
    calls = [c for c in fake.calls if c.operation != "accessToken"]
    assert [_call_id(c) for c in calls] == case.calls
    main = [c for c in calls if _call_id(c) == case.op][-1]
    if main.kind == "graphql":
        assert _decrypt_fields(main.variables, rsa_key[0]) == case.variables
    assert main.headers.get("authorization") == (f"Bearer {case.token}" if case.token else None)
    assert (args, kwargs) == (case.args, case.kwargs)  # the caller's arguments are not mutated


# --------------------------------------------------------------------------- parity
def _public_methods(cls: type) -> Set[str]:
    return {name for name, _ in inspect.getmembers(cls, inspect.isfunction)
            if not name.startswith("_")}


def _implemented(mgmt: ManagementClient) -> Dict[str, Set[str]]:
    """Public methods per group: ``auth``, ``mgmt`` and each management sub-client attribute
    (``users``, ...), found on a live client so new sub-clients are picked up."""
    groups = {"auth": _public_methods(AuthenticationClient),
              "mgmt": _public_methods(ManagementClient) | {"_get_userpool_detail"}}
    for attr, value in vars(mgmt).items():
        if isinstance(value, ManagementSubClient) and not attr.startswith("_"):
            groups[attr] = _public_methods(type(value))
    return groups


def _case_key(case: Case) -> Tuple[str, str]:
    group, _, name = case.method.rpartition(".")
    return group or case.client, name


def test_every_public_method_is_in_the_table(mgmt: ManagementClient) -> None:
    covered: Dict[str, Set[str]] = {}
    for case in CASES:
        group, name = _case_key(case)
        covered.setdefault(group, set()).add(name)
    implemented = _implemented(mgmt)
    assert "users" in implemented
    assert covered == implemented


def _used_by() -> Dict[str, Set[str]]:
    used: Dict[str, Set[str]] = {}
    for line in (REPO / "tools" / "catalogue.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or line.startswith("operation\t"):
            continue
        cells = line.split("\t")
        used[cells[0]] = {u for u in cells[5].split(",") if u}
    return used


def test_operations_match_catalogue_used_by(mgmt: ManagementClient) -> None:
    used = _used_by()
    implemented = _implemented(mgmt)
    seen: Dict[str, Set[str]] = {}
    for case in CASES:
        group, name = _case_key(case)
        for op in case.calls:
            if op in used:
                assert f"{group}.{name}" in used[op], f"{group}.{name} uses {op}"
                seen.setdefault(op, set()).add(f"{group}.{name}")
    # conversely: every implemented method the catalogue names is exercised with that op
    for op, methods in used.items():
        for m in methods:
            group, _, name = m.partition(".")
            if name in implemented.get(group, set()):
                assert m in seen.get(op, set()), f"catalogue: {m} uses {op}; no test case"
    assert "token provider" in used["accessToken"]


def test_signatures() -> None:
    sig = inspect.signature
    assert str(sig(UsersManagementClient.list)) == \
        "(self, page: int = 1, limit: int = 10, with_custom_data: bool = False) -> Dict[str, Any]"
    assert list(sig(UsersManagementClient.create).parameters) == \
        ["self", "userInfo", "keep_password", "custom_data"]
    assert list(sig(UsersManagementClient.detail).parameters) == \
        ["self", "user_id", "with_custom_data", "userId"]
    assert list(sig(UsersManagementClient.update).parameters) == ["self", "userId", "updates"]
    assert list(sig(UsersManagementClient.delete).parameters) == ["self", "userId"]
    assert list(sig(ManagementClient.check_login_status).parameters) == ["self", "token"]
    for name in ("register_by_email", "register_by_username"):
        params = sig(getattr(AuthenticationClient, name)).parameters
        assert list(params)[3:] == ["profile", "force_login", "generate_token", "client_ip",
                                    "custom_data", "context", "clientIp"]
        assert params["clientIp"].kind is inspect.Parameter.KEYWORD_ONLY
    for name in ("login_by_email", "login_by_username"):
        params = sig(getattr(AuthenticationClient, name)).parameters
        assert list(params)[3:] == ["auto_register", "captcha_code", "client_ip", "custom_data",
                                    "context", "clientIp"]
        assert params["auto_register"].default is False
    assert list(sig(AuthenticationClient.get_current_user).parameters) == ["self", "token"]
    assert list(sig(AuthenticationClient.check_login_status).parameters) == ["self", "token"]
    assert list(sig(AuthenticationClient.update_profile).parameters) == ["self", "updates"]
    assert list(sig(AuthenticationClient.logout).parameters) == ["self"]
