"""Client behaviour beyond single requests: AuthenticationClient session state, the login check,
logout, local argument errors, the graphqlClient/restClient attributes, the test double."""
import asyncio
import re
from typing import Any, List, Tuple

import pytest

from approw.v2.common.operations import OPERATIONS
from approw.v2.authentication import AuthenticationClient, AuthenticationClientOptions
from approw.v2.common.graphql import GraphqlClient
from approw.v2.common.rest import RestClient
from approw.v2.exceptions import ApprowException, ApprowWrongArgumentException
from approw.v2.management import ManagementClient, ManagementClientOptions
from fakes import FakeSession, user

HOST = "https://api.example.test"


def _auth(**kw: Any) -> AuthenticationClient:
    kw.setdefault("app_id", "app1")
    return AuthenticationClient(AuthenticationClientOptions(host=HOST, **kw))


def test_initial_token(fake: FakeSession) -> None:
    assert _auth()._token is None and _auth()._user is None
    assert _auth(token="t0")._token == "t0"
    assert _auth(access_token="t0")._get_token() == "t0"
    client = _auth()
    client._set_token("x")
    assert client._token == "x"


def test_login_stores_user_and_token(fake: FakeSession, auth: AuthenticationClient) -> None:
    fake.answer("loginByUsername", user(token="t1"))
    auth.login_by_username("bob", "pw")
    assert auth._user == user(token="t1") and auth._token == "t1"
    fake.answer("checkLoginStatus", {"code": 200})
    auth.check_login_status()
    assert fake.last().variables == {"token": "t1"}


def test_register_without_token_keeps_old_token(fake: FakeSession,
                                                auth: AuthenticationClient) -> None:
    auth._token = "old"
    fake.answer("registerByEmail", user(token=None))
    auth.register_by_email("b@x.test", "pw")
    assert auth._user == user(token=None) and auth._token == "old"


def test_get_current_user_uses_stored_token_and_stores(fake: FakeSession,
                                                       auth: AuthenticationClient) -> None:
    auth._token = "stored"
    fake.answer_rest("GET", "/api/v2/users/me", {"code": 200, "data": user(token="fresh")})
    assert auth.get_current_user() == user(token="fresh")
    assert fake.last().headers["authorization"] == "Bearer stored"
    assert auth._token == "fresh" and auth._user == user(token="fresh")


def test_get_current_user_without_token_sends_no_authorization(
        fake: FakeSession, auth: AuthenticationClient) -> None:
    fake.answer_rest("GET", "/api/v2/users/me", {"code": 2020, "message": "not logged in"})
    with pytest.raises(ApprowException) as info:
        auth.get_current_user()
    assert info.value.code == 2020
    assert "authorization" not in fake.last().headers


def _returning_on_error() -> Tuple[List[Any], Any]:
    seen: List[Any] = []
    return seen, lambda code, message: seen.append((code, message))


def test_get_current_user_custom_on_error(fake: FakeSession) -> None:
    seen, on_error = _returning_on_error()
    client = _auth(on_error=on_error, token="bad")
    fake.answer_rest("GET", "/api/v2/users/me", {"code": 2020, "message": "not logged in"})
    assert client.get_current_user() is None
    assert seen == [(2020, "not logged in")]
    assert client._token == "bad" and client._user is None


def test_login_check_default_on_error(fake: FakeSession, auth: AuthenticationClient) -> None:
    fake.answer_rest("GET", "/api/v2/users/me", {"code": 2020, "message": "not logged in"})
    for call in (lambda: auth.update_profile({"nickname": "N"}), auth.logout):
        with pytest.raises(ApprowException) as info:
            call()
        assert (info.value.code, info.value.message) == (2020, "not logged in")
    assert [c.kind for c in fake.calls] == ["rest", "rest"]  # nothing else was sent


def test_login_check_custom_on_error(fake: FakeSession) -> None:
    seen, on_error = _returning_on_error()
    client = _auth(on_error=on_error)
    fake.answer_rest("GET", "/api/v2/users/me", {"code": 2020, "message": "not logged in"})
    with pytest.raises(ApprowException, match="Please Login First"):
        client.update_profile({"nickname": "N"})
    assert seen == [(2020, "not logged in")]


def test_update_profile_stores_user(fake: FakeSession, auth: AuthenticationClient) -> None:
    auth._token = "t1"
    fake.answer_rest("GET", "/api/v2/users/me", {"code": 200, "data": user(token="t1")})
    fake.answer("updateUser", user(nickname="Nick", token=None))
    assert auth.update_profile({"nickname": "Nick"})["nickname"] == "Nick"
    assert auth._user == user(nickname="Nick", token=None) and auth._token == "t1"


def test_logout(fake: FakeSession, auth: AuthenticationClient) -> None:
    auth._token = "t1"
    fake.answer_rest("GET", "/api/v2/users/me", {"code": 200, "data": user(token="t1")})
    fake.answer_rest("GET", "/api/v2/logout", b"")
    assert auth.logout() is True
    call = fake.last()
    assert call.url == HOST + "/api/v2/logout?app_id=app1"
    assert call.headers["authorization"] == "Bearer t1"
    assert auth._user is None and auth._token is None


def test_logout_without_app_id(fake: FakeSession) -> None:
    client = _auth(app_id=None, user_pool_id="pool1", token="t1")
    fake.answer_rest("GET", "/api/v2/users/me", {"code": 200, "data": user(token="t1")})
    fake.answer_rest("GET", "/api/v2/logout", {"code": 200})
    assert client.logout() is True
    assert fake.last().url == HOST + "/api/v2/logout"


@pytest.mark.parametrize("call, message", [
    (lambda a, m: a.login_by_email("b@x.test", "pw", custom_data=["x"]), "custom_data must be a dict"),
    (lambda a, m: a.register_by_username("bob", None), "password must be a str"),
    (lambda a, m: a.login_by_username("bob", "pw", client_ip="1", clientIp="2"), "client_ip or clientIp"),
    (lambda a, m: m.users.create("bob"), "userInfo must be a dict"),
    (lambda a, m: m.users.create({"username": "b"}, custom_data=5), "custom_data must be a dict"),
    (lambda a, m: m.users.detail(), "user_id must be provided"),
    (lambda a, m: m.users.detail("a", userId="b"), "user_id or userId"),
    (lambda a, m: m.users.update("u1", None), "updates must be a dict"),
    (lambda a, m: m.users.detail(123), "user_id must be a str or None, not int"),
    (lambda a, m: m.users.list(page="x"), "page must be an int, not str"),
    (lambda a, m: m.users.list(1, True), "limit must be an int, not bool"),
    (lambda a, m: m.users.delete(["u1"]), "userId must be a str, not list"),
    (lambda a, m: m.check_login_status(None), "token must be a str, not NoneType"),
    (lambda a, m: a.login_by_username(1, "pw"), "username must be a str, not int"),
    (lambda a, m: a.update_profile("nick"), "updates must be a dict, not str"),
])
def test_local_argument_errors(fake: FakeSession, auth: AuthenticationClient,
                               mgmt: ManagementClient, aauth: Any, amgmt: Any, call: Any,
                               message: str) -> None:
    with pytest.raises(ApprowWrongArgumentException, match=re.escape(message)):
        call(auth, mgmt)
    with pytest.raises(ApprowWrongArgumentException, match=re.escape(message)):
        result = call(aauth, amgmt)
        asyncio.run(result)  # raised by the call or when awaited
    assert fake.calls == []


def test_argument_type_errors_are_type_errors(fake: FakeSession, mgmt: ManagementClient) -> None:
    with pytest.raises(TypeError):
        mgmt.users.detail(123)
    with pytest.raises(ApprowException):  # one except clause catches every SDK error
        mgmt.users.list(limit="10")
    assert fake.calls == []


def test_bad_public_key(fake: FakeSession) -> None:
    client = _auth(enc_public_key="-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----\n")
    with pytest.raises(ApprowWrongArgumentException, match="enc_public_key"):
        client.login_by_username("bob", "pw")
    assert fake.calls == []


def test_clients_reject_wrong_options(fake: FakeSession) -> None:
    with pytest.raises(ApprowWrongArgumentException):
        ManagementClient(AuthenticationClientOptions(app_id="a"))  # type: ignore[arg-type]
    with pytest.raises(ApprowWrongArgumentException):
        AuthenticationClient(ManagementClientOptions("p", "s"))  # type: ignore[arg-type]


def test_management_client_attributes(fake: FakeSession, mgmt: ManagementClient) -> None:
    assert isinstance(mgmt.graphqlClient, GraphqlClient)
    assert isinstance(mgmt.restClient, RestClient)
    assert mgmt.graphqlClient.endpoint == HOST + "/graphql/v2"
    assert mgmt.users.options is mgmt.options and mgmt._userpool_detail is None
    fake.answer("userpool", {"id": "pool1"})
    assert mgmt._get_userpool_detail() == {"id": "pool1"}
    assert mgmt._get_userpool_detail() == {"id": "pool1"}
    assert fake.ops() == ["accessToken", "userpool"]  # cached after the first success


def test_graphql_client_request(fake: FakeSession, auth: AuthenticationClient) -> None:
    fake.answer("checkLoginStatus", {"code": 200})
    data = auth.graphqlClient.request(OPERATIONS["checkLoginStatus"].document, {"token": "x"}, "t")
    assert data == {"checkLoginStatus": {"code": 200}}
    assert fake.last().headers["authorization"] == "Bearer t"


def test_fake_session_rejects_bad_variables(fake: FakeSession) -> None:
    doc = OPERATIONS["loginByEmail"].document
    with pytest.raises(AssertionError, match="variables rejected"):
        fake.graphql(HOST, [], doc, {"input": {"email": "x", "password": "y", "bogus": 1}})
    with pytest.raises(AssertionError, match="variables rejected"):
        fake.graphql(HOST, [], OPERATIONS["deleteUser"].document, {})
    with pytest.raises(AssertionError, match="invalid document"):
        fake.graphql(HOST, [], "query q { nope }", {})


@pytest.mark.parametrize("answer", [{"code": 200, "data": {"username": "no id"}},
                                    {"code": 200, "data": "not a user"}])
def test_a_malformed_current_user_answer_is_an_sdk_error(fake: FakeSession,
                                                         auth: AuthenticationClient,
                                                         answer: Any) -> None:
    fake.answer_rest("GET", "/api/v2/users/me", answer)
    auth._token = "t"
    with pytest.raises(ApprowException) as ei:   # not a KeyError or AttributeError
        auth.update_profile({"nickname": "x"})
    assert ei.value.code == 500 and "/api/v2/users/me" in str(ei.value)


def test_areas_are_loaded_on_first_use() -> None:
    """Importing the packages loads no area; a management area's module is imported on the
    first access to its attribute, and the sub-client is kept."""
    import subprocess
    import sys

    code = ("import sys, approw.v2.management, approw.v2.authentication; "
            "assert 'approw.v2.management.users' not in sys.modules; "
            "assert 'approw._core' not in sys.modules and 'typing' not in sys.modules; "
            "from approw.v2.management import ManagementClient, ManagementClientOptions; "
            "assert 'approw.v2.management.users' not in sys.modules; "
            "m = ManagementClient(ManagementClientOptions('pool', 'secret')); "
            "u = m.users; assert 'approw.v2.management.users' in sys.modules; "
            "assert m.users is u and type(u).__name__ == 'UsersManagementClient'; "
            "assert 'approw.v2.management.acl' not in sys.modules")
    result = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    from approw.v2 import management

    assert "ManagementClient" in dir(management)
    with pytest.raises(AttributeError):
        management.NoSuchThing  # noqa: B018


#: What importing the client classes leaves for first use: the shapes (TypedDicts), typing and
#: the standard modules it imports, the C core and transport, the executor, the parsed keys and
#: the reference's ``utils`` (both need the C core), threading, json, urllib.parse and the
#: token verifier.
LATE_MODULES = ("approw.v2.common.shapes", "typing", "re", "enum", "collections", "functools",
                "contextlib", "threading", "approw._core", "approw._transport",
                "approw.v2.common.executor", "approw.v2.common.keys", "approw.v2.common.utils",
                "json", "urllib.parse", "base64",
                "approw.v2.authentication.verifier")


def test_the_client_classes_import_none_of_what_a_first_call_needs() -> None:
    """Importing the client classes leaves :data:`LATE_MODULES` for first use; the methods'
    annotations still resolve (the argument check and the API reference read them) and a
    checked call works."""
    import subprocess
    import sys

    # (an editable install's import hook loads collections, functools and contextlib itself)
    code = ("import sys\n"
            "import approw\n"
            "before = set(sys.modules)\n"
            "from approw.v2.management import ManagementClient, ManagementClientOptions\n"
            "from approw.v2.authentication import AuthenticationClient, AuthenticationClientOptions\n"
            f"late = [m for m in {LATE_MODULES!r} if m in sys.modules and m not in before]\n"
            "assert not late, late\n"
            "from approw.v2.common.hints import type_hints\n"
            "assert type_hints(AuthenticationClient)['graphqlClient'].__name__ == 'GraphqlClient'\n"
            "import typing\n"
            "from approw.v2.common.checks import hint_names\n"
            "hints = typing.get_type_hints(AuthenticationClient.login_by_username.__wrapped__,\n"
            "                              localns=hint_names())\n"
            "assert hints['return'].__name__ == 'User', hints\n"
            "a = AuthenticationClient(AuthenticationClientOptions(app_id='app', user_pool_id='p'))\n"
            "try:\n"
            "    a.login_by_username(1, 'pw')\n"
            "except TypeError as e:\n"
            "    assert 'username must be a str' in str(e), e\n"
            "else:\n"
            "    raise AssertionError('no argument error')\n")
    result = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_every_checked_method_has_annotations_that_resolve_at_run_time() -> None:
    """The client modules import ``typing``'s names, the shapes, the input objects and the
    executor for type checkers only; a checked method resolves its annotations on its first
    call (``checks.hint_names``).  Every checked method of every client class, areas and
    asyncio twins included, must resolve, else its first call would fail."""
    from approw.v2.authentication import AsyncAuthenticationClient, AuthenticationClient
    from approw.v2.common.checks import _Plan
    from approw.v2.common.hints import type_hints
    from approw.v2.management import AsyncManagementClient, ManagementClient

    classes = {AuthenticationClient, AsyncAuthenticationClient, ManagementClient, AsyncManagementClient}
    for client in (ManagementClient, AsyncManagementClient, AuthenticationClient, AsyncAuthenticationClient):
        classes.update(hint for hint in type_hints(client).values()
                       if isinstance(hint, type) and hint.__module__.startswith("approw."))
    checked = 0
    for cls in classes:
        for name in dir(cls):
            wrapped = getattr(getattr(cls, name, None), "__wrapped__", None)
            if wrapped is not None:
                plan = _Plan(wrapped)
                assert plan.names and plan.names[0] == "self", (cls, name)
                checked += 1
    assert checked > 400, checked
