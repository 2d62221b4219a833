"""Retries: safe requests (queries, GET) are sent again after a transient failure, within the
call's timeout; mutations are never sent twice unless the caller allows it, and never after
the service may have applied them.  Fake transport; tests/e2e/test_sdk_retries.py does
the same over sockets."""
from typing import Any, Callable, List

import pytest

from approw import _core
from approw.v2 import exceptions as exc
from approw.v2.authentication import AuthenticationClient, AuthenticationClientOptions
from approw.v2.common import retry
from approw.v2.management import ManagementClient, ManagementClientOptions
from fakes import FakeSession, user


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> List[float]:
    """Record the waits instead of sleeping."""
    waits: List[float] = []
    monkeypatch.setattr(retry, "sleep", waits.append)
    import approw.v2.common.executor as executor

    monkeypatch.setattr(executor, "sleep", waits.append)
    return waits


def mgmt(**kw: Any) -> ManagementClient:
    return ManagementClient(ManagementClientOptions(user_pool_id="p", secret="s",
                                                    host="https://api.example.test", **kw))


def http_error(status: int, retry_after: Any = None) -> Exception:
    e = _core.HTTPError(f"HTTP {status}")
    e.status = status  # type: ignore[attr-defined]
    e.retry_after = retry_after  # type: ignore[attr-defined]
    return e


def failing(*errors: Exception, then: Any) -> Callable[[Any], Any]:
    """An answer that raises ``errors`` one per call, then returns ``then``."""
    left = list(errors)

    def answer(variables: Any) -> Any:
        if left:
            raise left.pop(0)
        return then
    return answer


PAGE = {"totalCount": 1, "list": [user()]}


def calls(fake: FakeSession, op: str) -> List[Any]:
    return [c for c in fake.calls if c.operation == op]


@pytest.mark.parametrize("error", [
    _core.ConnectionError("connection refused"), http_error(503), http_error(502),
    http_error(504), http_error(429)])
def test_a_query_is_retried(fake: FakeSession, no_waiting: List[float], error: Exception) -> None:
    fake.answer("users", failing(error, error, then=PAGE))
    assert mgmt().users.list() == PAGE
    sent = calls(fake, "users")
    assert len(sent) == 3 and all(c.idempotent is True for c in sent)
    assert len(no_waiting) == 2 and all(0 <= w <= retry.BACKOFF_CAP_S for w in no_waiting)


def test_retries_stop_after_max_retries(fake: FakeSession) -> None:
    fake.answer("users", failing(*[_core.ConnectionError("refused")] * 5, then=PAGE))
    with pytest.raises(exc.ApprowConnectionError):
        mgmt(max_retries=1).users.list()
    assert len(calls(fake, "users")) == 2
    fake.calls.clear()
    with pytest.raises(exc.ApprowConnectionError):
        mgmt(max_retries=0).users.list()
    assert len(calls(fake, "users")) == 1


@pytest.mark.parametrize("error", [_core.TLSError("bad certificate"), _core.TimeoutError("slow"),
                                   http_error(500), _core.DecodeError("not JSON")])
def test_other_failures_are_not_retried(fake: FakeSession, error: Exception) -> None:
    fake.answer("users", failing(error, then=PAGE))
    with pytest.raises(exc.ApprowException):
        mgmt().users.list()
    assert len(calls(fake, "users")) == 1


def test_a_mutation_is_never_sent_twice_by_default(fake: FakeSession) -> None:
    fake.answer("createUser", failing(_core.ConnectionError("refused"), then=user()))
    with pytest.raises(exc.ApprowConnectionError):
        mgmt().users.create({"username": "bob"})
    sent = calls(fake, "createUser")
    assert len(sent) == 1 and sent[0].idempotent is False


def test_retry_mutations_only_when_certainly_not_applied(fake: FakeSession) -> None:
    client = mgmt(retry_mutations=True)
    fake.answer("createUser", failing(_core.ConnectionError("refused"), http_error(503), then=user()))
    assert client.users.create({"username": "bob"}) == user()
    assert len(calls(fake, "createUser")) == 3
    for error in (http_error(502), http_error(504)):     # maybe applied behind a gateway
        fake.calls.clear()
        fake.answer("createUser", failing(error, then=user()))
        with pytest.raises(exc.ApprowHTTPError):
            client.users.create({"username": "bob"})
        assert len(calls(fake, "createUser")) == 1


def test_a_request_that_may_have_been_applied_is_never_retried(fake: FakeSession) -> None:
    error = _core.AmbiguousRequestError("the connection closed before the answer")
    fake.answer("createUser", failing(error, then=user()))
    with pytest.raises(exc.ApprowAmbiguousRequestError) as ei:
        mgmt(retry_mutations=True).users.create({"username": "bob"})
    assert isinstance(ei.value, ConnectionError) and isinstance(ei.value, exc.ApprowConnectionError)
    assert ei.value.__cause__ is error
    assert len(calls(fake, "createUser")) == 1


def test_retry_after_is_honoured(fake: FakeSession, no_waiting: List[float]) -> None:
    fake.answer("users", failing(http_error(503, "2"), then=PAGE))
    assert mgmt().users.list() == PAGE
    assert no_waiting == [2.0]


def test_the_deadline_bounds_the_retries(fake: FakeSession, no_waiting: List[float]) -> None:
    # the server asks for 30 s, but the call may take 10 s in all: no retry
    fake.answer("users", failing(http_error(503, "30"), then=PAGE))
    with pytest.raises(exc.ApprowHTTPError) as ei:
        mgmt().users.list()
    assert ei.value.http_status == 503 and no_waiting == []
    assert len(calls(fake, "users")) == 1


def test_graphql_errors_with_a_retry_status(fake: FakeSession) -> None:
    from fakes import graphql_error

    busy = graphql_error((1000, "The system is busy", None), status=503)
    fake.answer("users", failing(busy, then=PAGE))
    assert mgmt().users.list() == PAGE
    fake.answer("users", graphql_error((2020, "Not logged in", None)))
    with pytest.raises(exc.TokenInvalidError):
        mgmt().users.list()


def test_rest_get_retried_post_not(fake: FakeSession, monkeypatch: pytest.MonkeyPatch) -> None:
    answers: List[Any] = []
    recorded = fake.request

    def request(method: str, url: str, headers: Any = None, body: Any = None, **kw: Any) -> Any:
        recorded(method, url, headers, body, **kw)   # records the call
        return _core.Response(answers.pop(0))

    monkeypatch.setattr(fake, "request", request)
    fake.answer_rest("GET", "/api/v2/users/me", {})
    fake.answer_rest("POST", "/api/v2/users/link", {})
    busy = (503, {"retry-after": "0"}, b'{"code": 503, "message": "busy"}')
    client = AuthenticationClient(AuthenticationClientOptions(app_id="a", host="https://api.example.test"))
    answers[:] = [busy, (200, {}, b'{"code": 200, "data": {"id": "u1"}}')]
    assert client.get_current_user("t")["id"] == "u1"
    gets = [c for c in fake.calls if c.method == "GET"]
    assert len(gets) == 2 and all(c.idempotent is True for c in gets)
    answers[:] = [busy, (200, {}, b'{"code": 200}')]
    with pytest.raises(exc.ApprowException) as ei:
        client.link_account("primary", "secondary")
    assert ei.value.code == 503
    posts = [c for c in fake.calls if c.method == "POST"]
    assert len(posts) == 1 and posts[0].idempotent is False


def test_retry_delay_rules() -> None:
    import time

    far = time.monotonic() + 60
    kw = dict(attempt=0, max_retries=2, safe=True, retry_mutations=False, until=far)
    assert retry.retry_delay(None, 503, "1", **kw) == 1.0
    assert retry.retry_delay(None, 200, None, **kw) is None
    assert retry.retry_delay(None, 503, "Wed, 21 Oct 2015 07:28:00 GMT", **kw) == 0.0  # past
    assert retry.retry_delay(None, 503, "soon", **kw) is not None  # unparsable: backoff
    assert retry.retry_delay(_core.ConnectionError("x"), None, None, **dict(kw, attempt=2)) is None
    assert retry.retry_delay(_core.ConnectionError("x"), None, None, **dict(kw, safe=False)) is None
    waits = [retry.retry_delay(None, 502, None, **dict(kw, attempt=n, max_retries=10)) for n in range(8)]
    assert all(w is not None and 0 <= w <= min(retry.BACKOFF_CAP_S, retry.BACKOFF_BASE_S * 2 ** n)
               for n, w in enumerate(waits))
