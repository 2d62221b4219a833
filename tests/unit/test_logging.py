"""The ``approw`` logger (one DEBUG line per call, no secrets) and request ids on exceptions,
over the fake transport.  tests/e2e/test_sdk_logging.py checks the same over sockets,
through a whole login."""
import logging
from typing import Any, Iterator, List

import pytest

from approw import _core
from approw.v2 import exceptions as exc
from approw.v2.common.executor_base import _log_url
from fakes import FakeSession, graphql_error, user

LOGGER = "approw"


@pytest.fixture
def debug_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    yield caplog


def lines(caplog: pytest.LogCaptureFixture) -> List[str]:
    return [r.getMessage() for r in caplog.records if r.name == LOGGER]


def test_no_line_and_no_meta_when_debug_is_off(fake: FakeSession, mgmt: Any,
                                               caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)
    asked: List[bool] = []
    graphql = fake.graphql

    def spy(*args: Any, meta: bool = False, **kw: Any) -> Any:
        asked.append(meta)
        return graphql(*args, meta=meta, **kw)

    fake.graphql = spy  # type: ignore[method-assign]
    fake.answer("user", user(id="u1"))
    mgmt.users.detail("u1")
    assert asked == [False, False] and lines(caplog) == []


def test_one_debug_line_per_graphql_call(fake: FakeSession, mgmt: Any, debug_log: Any) -> None:
    fake.request_id = "rid-7"
    fake.answer("user", user(id="u1"))
    assert mgmt.users.detail("u1")["id"] == "u1"     # the data, not (data, status, id)
    got = lines(debug_log)
    # the management token, then the call
    assert len(got) == 2
    # the SDK method and the GraphQL operation first
    assert got[0].startswith("token.getAccessToken accessToken: POST ")
    assert got[1].startswith("users.detail user: POST https://api.example.test/graphql/v2 -> 200 in ")
    assert got[1].endswith(" ms, 0 retries, request id rid-7")


def test_graphql_error_line_and_request_id(fake: FakeSession, mgmt: Any, debug_log: Any) -> None:
    error = graphql_error((2004, "User does not exist", None))
    error.request_id = "rid-err"  # type: ignore[attr-defined]
    fake.answer("user", error)
    with pytest.raises(exc.UserNotFoundError) as ei:
        mgmt.users.detail("u1")
    assert ei.value.request_id == "rid-err" and ei.value.code == 2004
    assert "-> GraphQLError 2004 (HTTP 200) in" in lines(debug_log)[-1]
    assert lines(debug_log)[-1].endswith("request id rid-err")


def test_transport_failure_line(fake: FakeSession, mgmt: Any, debug_log: Any) -> None:
    fake.answer("users", {"totalCount": 0, "list": []})
    mgmt.users.list()                               # fetch the token first
    fake.answer("users", _core.TLSError("certificate verify failed"))
    with pytest.raises(exc.ApprowTLSError) as ei:
        mgmt.users.list()
    assert ei.value.request_id is None
    assert "-> TLSError (HTTP -) in" in lines(debug_log)[-1]
    assert lines(debug_log)[-1].endswith("0 retries, request id -")


def test_rest_line_strips_the_query_and_errors_carry_the_id(fake: FakeSession, auth: Any,
                                                            debug_log: Any) -> None:
    fake.answer_rest("GET", "/api/v2/users/me/applications/allowed",
                     {"code": 2020, "message": "Not logged in"},
                     headers={"content-type": "application/json", "x-request-id": "rid-rest"})
    auth._set_token("tok-SECRET")
    with pytest.raises(exc.TokenInvalidError) as ei:
        auth.list_applications(page=2)
    assert ei.value.request_id == "rid-rest"
    (line,) = lines(debug_log)
    assert line.startswith("list_applications: GET https://api.example.test/api/v2/users/me/applications/allowed "
                           "-> 200 in ")
    assert line.endswith("request id rid-rest")
    assert "page" not in line and "tok-SECRET" not in line


def test_http_error_carries_the_id(fake: FakeSession, mgmt: Any) -> None:
    fake.answer("users", {"totalCount": 0, "list": []})
    mgmt.users.list()
    e = _core.HTTPError("HTTP 502 from https://api.example.test/graphql/v2: not JSON")
    e.status, e.retry_after, e.request_id = 502, None, "rid-502"  # type: ignore[attr-defined]
    fake.answer("users", e)
    with pytest.raises(exc.ApprowHTTPError) as ei:
        mgmt.users.list()
    assert ei.value.request_id == "rid-502" and ei.value.http_status == 502


def test_retries_are_counted_in_the_line(fake: FakeSession, mgmt: Any, debug_log: Any,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import approw.v2.common.executor as executor

    monkeypatch.setattr(executor, "sleep", lambda s: None)
    fake.answer("users", {"totalCount": 0, "list": []})
    mgmt.users.list()
    answers: List[Any] = [_core.ConnectionError("refused"), {"totalCount": 0, "list": []}]

    def flaky(variables: Any) -> Any:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    fake.answer("users", flaky)
    assert mgmt.users.list()["totalCount"] == 0
    assert lines(debug_log)[-1].endswith("1 retries, request id -")


@pytest.mark.parametrize("url,logged", [
    ("https://h.test/api/v2/x?token=abc#frag", "https://h.test/api/v2/x"),
    ("https://user:pw@h.test:8443/p?q", "https://h.test:8443/p"),
    ("https://h.test/a@b", "https://h.test/a@b"),
    ("/relative?x=1", "/relative"),
])
def test_log_url(url: str, logged: str) -> None:
    assert _log_url(url) == logged


def test_importing_the_sdk_does_not_import_logging() -> None:
    import subprocess
    import sys

    code = "import approw.v2.management, approw.v2.authentication, sys; print('logging' in sys.modules)"
    out = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True, cwd="/")
    assert out.stdout.strip() == "False", out.stderr
