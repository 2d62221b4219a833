"""Every public API method, sync and async: the requests it sends (operations, variables,
encrypted fields, Authorization) and the value it returns, from the method tables in
``tests/unit/methods/`` (one module per area).  Also parity: the tables cover every public
method of the client classes, the asyncio clients have exactly the sync clients' methods and
signatures, and each operation a method uses lists that method in the catalogue
(spec/catalogue.tsv, column used_by)."""
import asyncio
import copy
import inspect
from typing import Any, Callable, Dict, List, Set, Tuple
from urllib.parse import parse_qs, parse_qsl, urlsplit

import pytest

from approw.v2.authentication import (AsyncAuthenticationClient, AuthenticationClient,
                                      AuthenticationClientOptions)
from approw.v2.management import AsyncManagementClient, ManagementClient, UsersManagementClient
from approw.v2.management.base import ManagementSubClient
from fakes import REPO, FakeSession, decrypt, user
from methods import LOCAL, Case, all_cases

PASSWORD_FIELDS = {"password", "newPassword", "oldPassword"}
CASES = all_cases()
LOCAL_METHODS = {c.method.rpartition(".")[2] for c in CASES if c.op == LOCAL}


def _decrypt_fields(value: Any, key: Any) -> Any:
    """Replace each decryptable password field by ``ENC(plaintext)``; plain text stays."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k in PASSWORD_FIELDS and isinstance(v, str):
                try:
                    out[k] = f"<enc:{decrypt(key, v)}>"
                    continue
                except ValueError:
                    pass
            out[k] = _decrypt_fields(v, key)
        return out
    if isinstance(value, list):
        return [_decrypt_fields(v, key) for v in value]
    return value


def _resolve(clients: Dict[str, Any], case: Case) -> Callable[..., Any]:
    target = clients[case.client]
    for part in case.method.split("."):
        target = getattr(target, part)
    return target  # type: ignore[no-any-return]


def _script(fake: FakeSession, case: Case) -> None:
    if case.op.startswith(("GET ", "POST ", "PUT ", "DELETE ", "PATCH ")):
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


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_method(case: Case, mode: str, fake: FakeSession, mgmt: ManagementClient,
                auth: AuthenticationClient, amgmt: AsyncManagementClient,
                aauth: AsyncAuthenticationClient, rsa_key: Any) -> None:
    _script(fake, case)
    clients = {"mgmt": mgmt, "auth": auth} if mode == "sync" else {"mgmt": amgmt, "auth": aauth}
    if case.options:
        clients["auth"] = type(clients["auth"])(_auth_options(rsa_key[1], case.options))
    clients["auth"]._token = case.state_token
    args = copy.deepcopy(case.args)
    kwargs = copy.deepcopy(case.kwargs)
    method = _resolve(clients, case)
    if case.op == LOCAL:
        assert not inspect.iscoroutinefunction(method), case.method
        result = method(*args, **kwargs)
    elif mode == "sync":
        result = method(*args, **kwargs)
    else:
        assert inspect.iscoroutinefunction(method), case.method
        result = asyncio.run(method(*args, **kwargs))
    assert result == case.returns
    calls = [c for c in fake.calls if c.operation != "accessToken"]
    assert [_call_id(c) for c in calls] == case.calls
    assert (args, kwargs) == (case.args, case.kwargs)  # the caller's arguments are not mutated
    if case.op == LOCAL:
        return
    main = [c for c in calls if _call_id(c) == case.op][-1]
    if main.kind == "graphql":
        assert _decrypt_fields(main.variables, rsa_key[0]) == case.variables
    elif case.variables is not None:
        assert _decrypt_fields(_rest_body(main), rsa_key[0]) == case.variables
    expected = case.token if case.token and case.token.startswith("Basic ") else \
        f"Bearer {case.token}" if case.token else None
    assert main.headers.get("authorization") == expected
    if case.query is not None:
        query = {k: [str(x) for x in v] if isinstance(v, list) else [str(v)] for k, v in case.query.items()}
        assert parse_qs(urlsplit(main.url).query) == query


def _auth_options(public_key: str, overrides: Dict[str, Any]) -> AuthenticationClientOptions:
    settings = {"app_id": "app1", "user_pool_id": "pool1", "host": "https://api.example.test",
                "enc_public_key": public_key}
    settings.update(overrides)
    return AuthenticationClientOptions(**settings)


def _rest_body(call: Any) -> Any:
    """A REST request's body, decoded: JSON, or a form as ``{name: value}``."""
    if not call.body:
        return None
    if call.headers.get("content-type") == "application/x-www-form-urlencoded":
        return dict(parse_qsl(call.body.decode(), keep_blank_values=True))
    return call.json()


# --------------------------------------------------------------------------- parity
def _public_methods(cls: type) -> Set[str]:
    # ``iter`` returns a page iterator, not an answer: tests/e2e/test_paging.py has it;
    # ``close`` / ``aclose`` send nothing: tests/unit/test_client_close.py has them
    return {name for name, _ in inspect.getmembers(cls, inspect.isfunction)
            if not name.startswith("_") and name not in ("iter", "close", "aclose")}


def _implemented(mgmt: Any, auth: Any) -> Dict[str, Set[str]]:
    """Public methods per group: ``auth``, ``mgmt``, each management sub-client attribute
    (``users``, ...) and each end-user sub-client attribute (``auth.mfa``), found on live
    clients so new sub-clients are picked up."""
    groups = {"auth": _public_methods(type(auth)),
              "mgmt": _public_methods(type(mgmt)) | {"_get_userpool_detail"}}
    from approw.v2.management.client import _AREAS

    for attr in _AREAS:         # areas are made on first access: make them all
        getattr(mgmt, attr)
    for attr, value in vars(mgmt).items():
        if not attr.startswith("_") and hasattr(value, "_exec") and hasattr(value, "tokenProvider"):
            groups[attr] = _public_methods(type(value))
    for attr, value in vars(auth).items():
        if not attr.startswith("_") and getattr(value, "_client", None) is auth:
            groups["auth." + attr] = _public_methods(type(value))
    return groups


def _case_key(case: Case) -> Tuple[str, str]:
    group, _, name = case.method.rpartition(".")
    if case.client == "auth" and group:
        group = "auth." + group
    return group or case.client, name


def test_every_public_method_is_in_the_tables(mgmt: ManagementClient,
                                              auth: AuthenticationClient) -> None:
    covered: Dict[str, Set[str]] = {}
    for case in CASES:
        group, name = _case_key(case)
        covered.setdefault(group, set()).add(name)
    implemented = _implemented(mgmt, auth)
    assert "users" in implemented and "auth.mfa" in implemented
    assert covered == implemented


def _sub_client(client: Any, group: str) -> Any:
    for part in group.split(".")[1:] if group.startswith("auth.") else [group]:
        client = getattr(client, part)
    return client


def test_async_clients_have_the_same_methods_and_signatures(
        mgmt: ManagementClient, amgmt: AsyncManagementClient, auth: AuthenticationClient,
        aauth: AsyncAuthenticationClient) -> None:
    sync = _implemented(mgmt, auth)
    asyn = _implemented(amgmt, aauth)
    assert sync == asyn
    pairs: List[Tuple[Any, Any]] = [(AuthenticationClient, AsyncAuthenticationClient),
                                    (ManagementClient, AsyncManagementClient)]
    pairs += [(type(_sub_client(auth if g.startswith("auth.") else mgmt, g)),
               type(_sub_client(aauth if g.startswith("auth.") else amgmt, g)))
              for g in sync if g not in ("auth", "mgmt")]
    for sync_cls, async_cls in pairs:
        for name in _public_methods(sync_cls):
            s, a = getattr(sync_cls, name), getattr(async_cls, name)
            assert inspect.signature(s) == inspect.signature(a), f"{sync_cls.__name__}.{name}"
            # every method that sends a request is a coroutine on the asyncio client; helpers
            # that send none (URL building, PKCE) are the same plain method on both
            assert not inspect.iscoroutinefunction(s)
            assert inspect.iscoroutinefunction(a) == (name not in LOCAL_METHODS), \
                f"{async_cls.__name__}.{name}"
            assert s.__doc__ and s.__doc__ == a.__doc__.replace("Async", ""), name


def _used_by() -> Dict[str, Set[str]]:
    used: Dict[str, Set[str]] = {}
    for line in (REPO / "spec" / "catalogue.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or line.startswith("operation\t"):
            continue
        cells = line.split("\t")
        used[cells[0]] = {u for u in cells[3].split(",") if u}
    return used


def test_operations_match_catalogue_used_by(mgmt: ManagementClient,
                                            auth: AuthenticationClient) -> None:
    used = _used_by()
    implemented = _implemented(mgmt, auth)
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
    assert str(sig(UsersManagementClient.list)).startswith(
        "(self, page: int = 1, limit: int = 10, with_custom_data: bool = False, sort_by: ")
    assert list(sig(UsersManagementClient.create).parameters) == \
        ["self", "userInfo", "keep_password", "custom_data", "identity", "reset_password_on_first_login"]
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
    assert issubclass(UsersManagementClient, ManagementSubClient)


# The reference's parameter names (and order) of the management areas; additions come after them.
REFERENCE_PARAMETERS = {
    "users.find": "email username phone external_id with_custom_data",
    "users.search": "query page limit department_opts group_opts role_opts with_custom_data",
    "users.batch_get": "identifiers query_field with_custom_data",
    "users.list_roles": "userId namespace", "users.add_roles": "userId roles namespace",
    "users.add_group": "userId group", "users.list_policies": "userId page limit",
    "users.set_udv": "userId key value", "users.get_udf_value_batch": "user_ids",
    "users.list_authorized_resources": "user_id namespace resource_type",
    "users.check_resource_permission_batch": "user_id namespace resources",
    "users.has_role": "user_id role_code namespace", "users.kick": "user_ids",
    "users.list_user_actions": "page limit client_ip operation_name operato_arn",
    "roles.create": "code description parentCode namespace", "roles.update": "code description newCode namespace",
    "roles.list_users": "code page limit namespace with_custom_data", "roles.delete_many": "code_list namespace",
    "roles.add_users": "code userIds namespace", "roles.get_specific_udf_value": "id key",
    "policies.create": "code statements description", "policies.update": "code statements description",
    "policies.add_assignments": "policies targetType targetIdentifiers",
    "acl.allow": "resource action namespace role user_id", "acl.is_allowed": "user_id action resource namespace",
    "acl.update_namespace": "id name code description",
    "acl.create_resource": "namespace code resource_type actions description",
    "acl.list_resources": "namespace resource_type page limit",
    "acl.list_authorized_resources": "namespace target_type target_identifier resource_type",
    "acl.get_authorized_targets": "namespace resource_type resource actions target_type",
    "groups.update": "code new_code name description", "groups.list_users": "code page limit with_custom_data",
    "udf.list": "targetType", "udf.set": "targetType key dataType label", "udf.remove": "targetType key",
    "udf.list_udf_value": "target_type target_id",
    "udf.set_udf_value_batch": "target_type target_id udf_value_list",
}


@pytest.mark.parametrize("method", sorted(REFERENCE_PARAMETERS))
def test_reference_parameter_names(mgmt: ManagementClient, method: str) -> None:
    area, name = method.split(".")
    params = list(inspect.signature(getattr(getattr(mgmt, area), name)).parameters)
    expected = REFERENCE_PARAMETERS[method].split()
    assert params[:len(expected)] == expected


def test_roles_list_users_defaults_to_page_0_and_check_is_there(mgmt: ManagementClient) -> None:
    assert inspect.signature(mgmt.roles.list_users).parameters["page"].default == 0
    from approw.v2.management import CheckType, PoliciesManagementClient, PolicyManagementClient
    assert PoliciesManagementClient is PolicyManagementClient and isinstance(mgmt.check, CheckType)
