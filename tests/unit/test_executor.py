"""The executor: headers, GraphQL error path, REST envelopes and bodies, transport errors,
session settings and sharing."""
import json
from typing import Any, List, Tuple
from urllib.parse import parse_qsl

import pytest

import approw
from approw import _core
from approw.v2 import __version__
from approw.v2 import exceptions as exc
from approw.v2.authentication import AuthenticationClient, AuthenticationClientOptions
from approw.v2.common import transport
from approw.v2.exceptions import ApprowException, ApprowWrongArgumentException
from approw.v2.management import ManagementClient, ManagementClientOptions
from fakes import FakeSession, graphql_error

HOST = "https://api.example.test"
SDK = ("x-approw-sdk-version", "python:" + __version__)
FROM = ("x-approw-request-from", "sdk")


def mgmt_client(**kw: Any) -> ManagementClient:
    return ManagementClient(ManagementClientOptions("pool1", "s3cret", host=HOST, **kw))


def auth_client(**kw: Any) -> AuthenticationClient:
    kw.setdefault("app_id", "app1")
    return AuthenticationClient(AuthenticationClientOptions(host=HOST, **kw))


# --------------------------------------------------------------------------- headers
def test_version() -> None:
    assert __version__ == approw.__version__


def test_management_graphql_headers(fake: FakeSession) -> None:
    fake.answer("deleteUser", {"code": 200, "message": "ok"})
    mgmt_client().users.delete("u1")
    token_call, call = fake.calls
    assert token_call.operation == "accessToken"
    assert token_call.url == call.url == HOST + "/graphql/v2"
    assert token_call.header_list == [SDK, ("x-approw-userpool-id", "pool1"), FROM]
    assert call.header_list == [SDK, ("x-approw-userpool-id", "pool1"), FROM,
                                ("authorization", "Bearer mgmt-token")]


def test_management_lang_header(fake: FakeSession) -> None:
    fake.answer("checkLoginStatus", {"code": 200})
    mgmt_client(lang="en-US").check_login_status("tok")
    assert fake.last().header_list == [SDK, ("x-approw-userpool-id", "pool1"), FROM,
                                       ("x-approw-lang", "en-US")]


def test_management_rest_headers(fake: FakeSession) -> None:
    fake.answer_rest("GET", "/api/v2/users/u1/orgs", {"code": 200, "data": [["org"]]})
    client = mgmt_client()
    assert client.users._rest("GET", "/api/v2/users/u1/orgs") == [["org"]]
    assert fake.last().header_list == [SDK, ("x-approw-userpool-id", "pool1"), FROM,
                                       ("x-approw-lang", ""),
                                       ("authorization", "Bearer mgmt-token")]
    fake.answer_rest("GET", "/x", {"code": 200, "data": 1})
    mgmt_client(lang="zh-CN").users._rest("GET", "/x")
    assert ("x-approw-lang", "zh-CN") in fake.last().header_list


def test_authentication_headers(fake: FakeSession) -> None:
    fake.answer("checkLoginStatus", {"code": 200})
    auth_client(user_pool_id="pool1").check_login_status("tok")
    assert fake.last().header_list == [SDK, ("x-approw-userpool-id", "pool1"),
                                       ("x-approw-app-id", "app1"), FROM]
    auth_client(lang="en-US").check_login_status("tok")  # no user pool id: header omitted
    assert fake.last().header_list == [SDK, ("x-approw-app-id", "app1"), FROM,
                                       ("x-approw-lang", "en-US")]
    fake.answer_rest("GET", "/api/v2/users/me", {"code": 200, "data": {"id": "u1"}})
    auth_client(user_pool_id="pool1").get_current_user("tok")
    assert fake.last().header_list == [SDK, ("x-approw-userpool-id", "pool1"),
                                       ("x-approw-app-id", "app1"), FROM, ("x-approw-lang", ""),
                                       ("authorization", "Bearer tok")]


def test_base_headers_built_once(fake: FakeSession) -> None:
    client = auth_client()
    fake.answer("checkLoginStatus", {"code": 200})
    client.check_login_status("a")
    client.check_login_status("b")
    first, second = fake.calls
    assert first.header_list == second.header_list
    assert client._executor._gql_headers is client._executor._gql_headers  # a stored tuple
    assert isinstance(client._executor._gql_headers, tuple)


# --------------------------------------------------------------------------- GraphQL errors
def _recording_on_error() -> Tuple[List[Tuple[Any, Any]], Any]:
    seen: List[Tuple[Any, Any]] = []

    def on_error(code: Any, message: Any) -> None:
        seen.append((code, message))

    return seen, on_error


def test_graphql_errors_call_on_error_each_then_raise_last(fake: FakeSession) -> None:
    seen, on_error = _recording_on_error()
    fake.answer("deleteUser", graphql_error((2004, "User does not exist", None),
                                            (1001, "No permission", {"x": 1})))
    with pytest.raises(ApprowException) as info:
        mgmt_client(on_error=on_error).users.delete("u1")
    assert seen == [(2004, "User does not exist"), (1001, "No permission")]
    assert (info.value.code, info.value.message) == (1001, "No permission")
    assert info.value.data == {"x": 1} and info.value.http_status == 200
    assert isinstance(info.value.__cause__, _core.GraphQLError)


def test_graphql_error_default_on_error_raises_first(fake: FakeSession) -> None:
    fake.answer("deleteUser", graphql_error((2004, "User does not exist", {"k": "v"}),
                                            (1001, "second", None)))
    with pytest.raises(ApprowException) as info:
        mgmt_client().users.delete("u1")
    assert type(info.value) is exc.UserNotFoundError  # the typed subclass for 2004
    assert (info.value.code, info.value.message, info.value.data) == \
        (2004, "User does not exist", {"k": "v"})
    assert str(info.value) == "Approw Request Error: 2004 User does not exist"


def test_graphql_error_custom_on_error_raising(fake: FakeSession) -> None:
    class Mine(Exception):
        pass

    def on_error(code: Any, message: Any) -> None:
        raise Mine(code, message)

    fake.answer("deleteUser", graphql_error((2004, "nope", None)))
    with pytest.raises(Mine) as info:
        mgmt_client(on_error=on_error).users.delete("u1")
    assert info.value.args == (2004, "nope")


def test_graphql_plain_string_message(fake: FakeSession) -> None:
    seen, on_error = _recording_on_error()
    fake.answer("deleteUser", graphql_error((None, "Syntax Error: Unexpected Name", None)))
    with pytest.raises(ApprowException) as info:
        mgmt_client(on_error=on_error).users.delete("u1")
    assert seen == [(500, "Syntax Error: Unexpected Name")]
    assert (info.value.code, info.value.message) == (500, "Syntax Error: Unexpected Name")


def test_graphql_error_without_entries(fake: FakeSession) -> None:
    fake.answer("deleteUser", graphql_error())
    with pytest.raises(ApprowException) as info:
        mgmt_client().users.delete("u1")
    assert info.value.code == 500


def test_token_fetch_error_surfaces(fake: FakeSession) -> None:
    fake.answer("accessToken", graphql_error((2224, "wrong secret", None)))
    with pytest.raises(ApprowException) as info:
        mgmt_client().users.delete("u1")
    assert (info.value.code, info.value.message) == (2224, "wrong secret")
    assert fake.ops() == ["accessToken"]


# --------------------------------------------------------------------------- REST
def test_rest_unwrap_and_raw(fake: FakeSession) -> None:
    rest = mgmt_client().restClient
    fake.answer_rest("GET", "/api/v2/applications", {"code": 200, "message": "", "data": {"a": 1}})
    assert rest.request("GET", HOST + "/api/v2/applications", auto_parse_result=True) == {"a": 1}
    assert rest.request("GET", "/api/v2/applications") == {"code": 200, "message": "", "data": {"a": 1}}


def test_rest_error_envelope(fake: FakeSession) -> None:
    fake.answer_rest("GET", "/api/v2/users/me", {"code": 2020, "message": "not logged in",
                                                 "data": None}, status=200)
    seen, on_error = _recording_on_error()
    assert auth_client(on_error=on_error).restClient.request(
        "GET", "/api/v2/users/me", auto_parse_result=True) is None
    assert seen == [(2020, "not logged in")]
    with pytest.raises(ApprowException) as info:
        auth_client().get_current_user("tok")
    assert (info.value.code, info.value.message, info.value.http_status) == \
        (2020, "not logged in", 200)


def test_rest_json_body_drops_none_without_mutating(fake: FakeSession) -> None:
    fake.answer_rest("POST", "/api/v2/resources", {"code": 200, "data": {}})
    body = {"code": "c", "description": None, "actions": [], "nested": {"x": None}}
    mgmt_client().restClient.request("POST", "/api/v2/resources", json=body)
    call = fake.last()
    assert call.json() == {"code": "c", "actions": [], "nested": {"x": None}}
    assert call.headers["content-type"] == "application/json"
    assert body["description"] is None  # the caller's dict is untouched


def test_rest_json_must_be_a_dict(fake: FakeSession) -> None:
    with pytest.raises(ApprowWrongArgumentException, match="^json must be a dict$"):
        mgmt_client().restClient.request("POST", "/api/v2/resources", json=[1, 2])
    assert fake.calls == []


def test_rest_form_body_and_params(fake: FakeSession) -> None:
    fake.answer_rest("POST", "/oidc/token", {"access_token": "at"})
    result = auth_client().restClient.request(
        "POST", "/oidc/token", data={"grant_type": "authorization_code", "code": "a b&c",
                                     "code_verifier": None},
        params={"x": "1", "y": None}, basic_token="YTpi")
    assert result == {"access_token": "at"}
    call = fake.last()
    assert call.url == HOST + "/oidc/token?x=1"
    assert call.headers["content-type"] == "application/x-www-form-urlencoded"
    assert parse_qsl(call.body.decode()) == [("grant_type", "authorization_code"),
                                             ("code", "a b&c")]
    assert call.headers["authorization"] == "Basic YTpi"


def test_rest_params_append_to_existing_query(fake: FakeSession) -> None:
    fake.answer_rest("GET", "/api/v2/x", {"code": 200, "data": 1})
    mgmt_client().restClient.request("GET", "/api/v2/x?a=1", params={"b": 2, "c": None})
    assert fake.last().url == HOST + "/api/v2/x?a=1&b=2"
    mgmt_client().restClient.request("GET", "/api/v2/x", params={"c": None})
    assert fake.last().url == HOST + "/api/v2/x"


def test_rest_bearer_wins_over_basic(fake: FakeSession) -> None:
    fake.answer_rest("POST", "/oidc/me", {"sub": "u1"})
    auth_client().restClient.request("POST", "/oidc/me", token="tok", basic_token="YTpi")
    assert fake.last().headers["authorization"] == "Bearer tok"


def test_rest_non_json_body(fake: FakeSession) -> None:
    fake.answer_rest("GET", "/bad", b"<html>Bad gateway</html>", status=502)
    with pytest.raises(exc.ApprowHTTPError) as info:
        auth_client().restClient.request("GET", "/bad?token=secret")
    assert info.value.code == 502 and info.value.http_status == 502
    assert "secret" not in info.value.message
    fake.answer_rest("GET", "/text", b"yes\nbob\n", status=200)
    with pytest.raises(exc.ApprowHTTPError) as info:
        auth_client().restClient.request("GET", "/text")
    assert info.value.code == 500


def test_rest_unwrap_requires_envelope(fake: FakeSession) -> None:
    fake.answer_rest("GET", "/api/v2/x", [1, 2])
    with pytest.raises(exc.ApprowHTTPError):
        mgmt_client().restClient.request("GET", "/api/v2/x", auto_parse_result=True)
    fake.answer_rest("GET", "/api/v2/empty", b"", status=200)
    assert mgmt_client().restClient.request("GET", "/api/v2/empty") is None


def test_rest_result_ignore_does_not_parse(fake: FakeSession) -> None:
    fake.answer_rest("GET", "/api/v2/logout", b"not json")
    assert mgmt_client()._executor.rest("GET", "/api/v2/logout", result="ignore") is None


# --------------------------------------------------------------------------- transport errors
@pytest.mark.parametrize("core_exc, cls, builtin, code, hint", [
    (_core.TimeoutError, exc.ApprowTimeoutError, TimeoutError, "timeout", "raise the client's timeout="),
    (_core.ConnectionError, exc.ApprowConnectionError, ConnectionError, "connection",
     "check host= (the service's base URL), that the server is running"),
    (_core.TLSError, exc.ApprowTLSError, ConnectionError, "tls", "ca_bundle="),
    (_core.AmbiguousRequestError, exc.ApprowAmbiguousRequestError, ConnectionError, "ambiguous",
     "may have applied the request"),
    (_core.ResponseTooLargeError, exc.ApprowResponseTooLargeError, ApprowException, "too_large",
     "max_response_bytes="),
    (_core.TransportError, exc.ApprowTransportError, ApprowException, "transport", "check host="),
])
@pytest.mark.parametrize("kind", ["graphql", "rest"])
def test_transport_errors_translated(fake: FakeSession, core_exc: type, cls: type,
                                     builtin: type, code: str, hint: str, kind: str) -> None:
    # their own code (not a service or HTTP code); the operation, the URL, the time budget and
    # what to do in the message
    seen, on_error = _recording_on_error()
    error = core_exc("request timed out: Operation timed out [curl error 28] (https://x/graphql/v2)")
    client = auth_client(on_error=on_error, timeout=2500, max_retries=0)
    with pytest.raises(cls) as info:
        if kind == "graphql":
            fake.answer("checkLoginStatus", error)
            client.check_login_status("t")
        else:
            fake.answer_rest("GET", "/api/v2/users/me", error)
            client.get_current_user("t")
    e = info.value
    assert type(e) is cls and isinstance(e, builtin) and isinstance(e, ApprowException)
    assert e.code == code
    operation = "checkLoginStatus" if kind == "graphql" else "GET"
    assert e.message.startswith(f"{operation}: {error}; time budget 2500 ms (timeout=)")
    assert hint in e.message
    assert str(e).startswith(f"Approw Request Error ({code}): {operation}: request timed out")
    assert e.__cause__ is error
    assert seen == []  # transport failures do not go through on_error


def test_http_error_uses_status(fake: FakeSession) -> None:
    error = _core.HTTPError("HTTP 503 without a GraphQL answer")
    error.status = 503  # type: ignore[attr-defined]
    fake.answer("checkLoginStatus", error)
    with pytest.raises(exc.ApprowHTTPError) as info:
        auth_client().check_login_status("t")
    assert (info.value.code, info.value.http_status) == (503, 503)


# --------------------------------------------------------------------------- sessions
def test_session_settings(fake: FakeSession, tmp_path: Any) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    auth_client(timeout=2500)
    mgmt_client(use_unverified_ssl=True, ca_bundle=str(ca), max_response_bytes=1000)
    assert fake.created == [
        {"verify": True, "ca_file": None, "max_response_bytes": 32 * 1024 * 1024},
        {"verify": False, "ca_file": str(ca), "max_response_bytes": 1000},
    ]


def test_timeout_is_per_request_so_clients_share_sessions(fake: FakeSession) -> None:
    clients = [auth_client() for _ in range(5)] + [mgmt_client(), auth_client(timeout=3000)]
    assert len(fake.created) == 1
    assert all(c._executor.session is fake for c in clients)
    auth_client(use_unverified_ssl=True)
    assert len(fake.created) == 2
    fake.answer("checkLoginStatus", {"code": 200})
    auth_client(timeout=3000).check_login_status("t")
    assert 2900 <= fake.last().timeout_ms <= 3000   # what is left of the call's 3 s


def test_default_factory_builds_core_session(monkeypatch: pytest.MonkeyPatch) -> None:
    made: List[dict] = []

    class Session:
        def __init__(self, **kw: Any) -> None:
            made.append(kw)

    monkeypatch.setattr(_core, "Session", Session, raising=False)
    previous = transport.set_session_factory(None)
    try:
        s1 = transport.get_session(verify=False, ca_file="/ca.pem")
        s2 = transport.get_session(verify=False, ca_file="/ca.pem")
        assert s1 is s2 and isinstance(s1, Session)
        assert made == [{"verify": False, "ca_file": "/ca.pem", "max_response_bytes": 32 * 1024 * 1024}]
        transport.clear_sessions()
        assert transport.get_session(verify=False, ca_file="/ca.pem") is not s1
    finally:
        transport.set_session_factory(previous)


def test_session_cache_single_creation_under_threads(fake: FakeSession) -> None:
    import threading

    barrier = threading.Barrier(16)
    got: List[Any] = []

    def worker() -> None:
        barrier.wait()
        got.append(transport.get_session(verify=True, ca_file=None))

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 16 and len(fake.created) == 1


def test_graphql_body_variables_passed_as_given(fake: FakeSession) -> None:
    fake.answer("checkLoginStatus", {"code": 200})
    auth_client().check_login_status(None)
    assert fake.last().variables == {"token": None}  # None travels as JSON null
    json.dumps(fake.last().variables)


def test_other_core_errors_become_apprwexception(fake: FakeSession) -> None:
    error = _core.DecodeError("malformed JSON body")
    fake.answer("checkLoginStatus", error)
    with pytest.raises(ApprowException) as info:
        auth_client().check_login_status("t")
    assert type(info.value) is ApprowException
    assert (info.value.code, info.value.message) == (500, "malformed JSON body")
    assert info.value.__cause__ is error
