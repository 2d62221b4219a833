"""Every API method, fed answers it cannot use over the fake transport: a wrong-shaped answer
(a string, a number, a list, an empty object where a record is expected) raises
``ApprowHTTPError``, never a bare TypeError / AttributeError / KeyError; and a REST answer
with an HTTP status of 300 or more without a JSON object body raises ``ApprowHTTPError``
whatever the method's result mode (it used to return ``None`` for ``raw`` calls)."""
import asyncio
import copy
import inspect
from typing import Any

import pytest

from approw.v2.exceptions import ApprowException, ApprowHTTPError
from fakes import FakeSession, user
from methods import LOCAL, Case, all_cases
from test_methods import _auth_options, _resolve

CASES = [c for c in all_cases() if c.op != LOCAL]
REST_CASES = [c for c in CASES if c.op.split(" ", 1)[0] in ("GET", "POST", "PUT", "DELETE", "PATCH")]
SLOW = pytest.mark.slow       # the whole matrix runs in scripts/test; test-fast runs the first of each
WRONG = [pytest.param("text", id="str"), pytest.param({}, id="empty-object"),
         pytest.param(42, id="int", marks=SLOW), pytest.param([1, 2], id="list", marks=SLOW),
         pytest.param({"list": "x", "totalCount": "y"}, id="wrong-members", marks=SLOW),
         pytest.param(True, id="bool", marks=SLOW)]
MODES = ["sync", pytest.param("async", marks=SLOW)]
STATUSES = [500, pytest.param(302, marks=SLOW), pytest.param(401, marks=SLOW)]


def _run(case: Case, mode: str, clients: Any) -> Any:
    method = _resolve(clients, case)
    args, kwargs = copy.deepcopy(case.args), copy.deepcopy(case.kwargs)
    if mode == "async" and inspect.iscoroutinefunction(method):
        return asyncio.run(method(*args, **kwargs))
    return method(*args, **kwargs)


def _clients(mode, case, mgmt, auth, amgmt, aauth, rsa_key):
    clients = {"mgmt": mgmt, "auth": auth} if mode == "sync" else {"mgmt": amgmt, "auth": aauth}
    if case.options:
        clients["auth"] = type(clients["auth"])(_auth_options(rsa_key[1], case.options))
    clients["auth"]._token = case.state_token
    return clients


def _script_others(fake: FakeSession, case: Case) -> None:
    if "GET /api/v2/users/me" in case.calls and case.op != "GET /api/v2/users/me":
        fake.answer_rest("GET", "/api/v2/users/me", {"code": 200, "data": user(token=None)})


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("wrong", WRONG)
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_a_wrong_shaped_answer_is_an_http_error_not_a_builtin(case, wrong, mode, fake, mgmt, auth, amgmt, aauth,
                                                              rsa_key):
    _script_others(fake, case)
    if case in REST_CASES:
        method, path = case.op.split(" ", 1)
        fake.answer_rest(method, path, {"code": 200, "message": "", "data": copy.deepcopy(wrong)})
    else:
        fake.answer(case.op, copy.deepcopy(wrong))
    try:
        _run(case, mode, _clients(mode, case, mgmt, auth, amgmt, aauth, rsa_key))
    except ApprowException as e:
        assert isinstance(e, ApprowHTTPError) or e.code is not None, repr(e)
    # a method that passes the answer through unchanged may return it: that is not a crash


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("case", REST_CASES, ids=[c.id for c in REST_CASES])
def test_an_http_error_status_with_an_empty_body_raises(case, status, mode, fake, mgmt, auth, amgmt, aauth,
                                                         rsa_key):
    _script_others(fake, case)
    method, path = case.op.split(" ", 1)
    fake.answer_rest(method, path, b"", status=status)
    with pytest.raises(ApprowHTTPError) as ei:
        _run(case, mode, _clients(mode, case, mgmt, auth, amgmt, aauth, rsa_key))
    assert ei.value.http_status == status and str(status) in str(ei.value)


def test_list_user_actions_on_a_503_with_an_empty_body_raises(fake, mgmt):
    mgmt.options.max_retries = 0
    fake.answer_rest("GET", "/api/v2/analysis/user-action", b"", status=503)
    with pytest.raises(ApprowHTTPError) as ei:
        mgmt.users.list_user_actions()
    assert ei.value.http_status == 503


def test_list_user_actions_error_envelope_goes_to_on_error(fake, mgmt):
    fake.answer_rest("GET", "/api/v2/analysis/user-action", {"code": 2020, "message": "not logged in"})
    with pytest.raises(ApprowException) as ei:
        mgmt.users.list_user_actions()
    assert ei.value.code == 2020


def test_an_oauth_refusal_body_is_still_returned(fake, auth):
    fake.answer_rest("POST", "/oidc/token", {"error": "invalid_grant", "error_description": "used"}, status=400)
    auth.options.secret = "s"
    auth.options.redirect_uri = "https://rp.example.test/cb"
    assert auth.get_access_token_by_code("c")["error"] == "invalid_grant"




@pytest.mark.parametrize("call", [
    lambda m: m.graphqlClient.request(123),
    lambda m: m.graphqlClient.request("{ __typename }", "not a mapping"),
    lambda m: m.graphqlClient.request("{ __typename }", None, 42),
    lambda m: m.restClient.request(None, "/api/v2/x"),
    lambda m: m.restClient.request("GET", b"/api/v2/x"),
    lambda m: m.restClient.request("GET", "/api/v2/x", params=["a"]),
    lambda m: m.restClient.request("POST", "/api/v2/x", json=[1]),
])
def test_raw_clients_check_their_arguments(fake, mgmt, call):
    with pytest.raises(ApprowException) as ei:
        call(mgmt)
    assert not fake.calls or all(c.operation == "accessToken" for c in fake.calls)
    assert "must be" in str(ei.value)


@pytest.mark.parametrize("data", [5, "x", [], None, True])
def test_graphql_data_that_is_not_an_object_is_an_http_error(fake, mgmt, data, monkeypatch):
    def graphql(*args, **kwargs):
        return data
    monkeypatch.setattr(fake, "graphql", graphql)
    with pytest.raises(ApprowHTTPError) as ei:
        mgmt.users.detail("u1")
    assert "not an object" in str(ei.value)


ALL_CASES = all_cases()


def _poison(value: Any) -> Any:
    """Every str inside ``value`` replaced by one holding an unpaired surrogate."""
    if isinstance(value, str):
        return value + "\ud800"
    if isinstance(value, dict):
        return {k: _poison(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_poison(v) for v in value)
    return value


@pytest.mark.parametrize("case", ALL_CASES, ids=[c.id for c in ALL_CASES])
def test_unencodable_text_arguments_raise_approw_errors(case, fake, mgmt, auth, amgmt, aauth, rsa_key):
    """A lone surrogate in any text argument: an ApprowException (or a result), never a bare
    UnicodeEncodeError, whichever encoder (JSON, query string, form, RSA) meets it first."""
    _script_others(fake, case)
    if case.op != LOCAL:
        if case in REST_CASES:
            method, path = case.op.split(" ", 1)
            fake.answer_rest(method, path, {"code": 200, "message": "", "data": None})
        else:
            fake.answer(case.op, None)
    poisoned = Case(case.client, case.method, _poison(case.args), _poison(case.kwargs), op=case.op,
                    variables=None, answer=None, returns=None, state_token=case.state_token, options=case.options)
    try:
        _run(poisoned, "sync", _clients("sync", poisoned, mgmt, auth, amgmt, aauth, rsa_key))
    except ApprowException:
        pass
    except AssertionError as e:      # the fake's schema check: a server refuses such an enum value
        assert "variables rejected by the schema" in str(e) and "enum" in str(e), e
