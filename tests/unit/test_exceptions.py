"""approw.v2.exceptions: constructor, attributes, str(), pickling, built-in bases."""
import pickle

import pytest

from approw.v2 import exceptions as exc
from approw.v2.exceptions import (
    ApprowException,
    ApprowWrongArgumentException,
    approwException,
)


def test_keywords_attributes_and_str() -> None:
    e = ApprowException(code=2004, errmsg="User does not exist")
    assert (e.code, e.message) == (2004, "User does not exist")
    assert str(e) == "Approw Request Error: 2004 User does not exist"
    assert e.args == (2004, "User does not exist")
    assert (e.http_status, e.request_id, e.data) == (None, None, None)


def test_positional_and_extras() -> None:
    e = ApprowException(500, "user not exists", http_status=200, request_id="r1", data={"x": 1})
    assert e.args == (500, "user not exists")
    assert (e.http_status, e.request_id, e.data) == (200, "r1", {"x": 1})


def test_lowercase_alias_from_seed_readme() -> None:
    assert approwException is ApprowException
    with pytest.raises(approwException):
        raise ApprowException(2004, "x")


@pytest.mark.parametrize("cls", [
    ApprowException, exc.ApprowTransportError, exc.ApprowTimeoutError,
    exc.ApprowConnectionError, exc.ApprowTLSError, exc.ApprowHTTPError,
])
def test_pickle_round_trip(cls: type) -> None:
    e = cls(code=2020, errmsg="not logged in", http_status=401, data={"mfaToken": "t"})
    back = pickle.loads(pickle.dumps(e))
    assert type(back) is cls
    assert (back.code, back.message, back.args) == (2020, "not logged in", (2020, "not logged in"))
    assert (back.http_status, back.data) == (401, {"mfaToken": "t"})
    assert str(back) == str(e) == "Approw Request Error: 2020 not logged in"


def test_transport_errors_are_builtins_too() -> None:
    assert issubclass(exc.ApprowTimeoutError, TimeoutError)
    assert issubclass(exc.ApprowConnectionError, ConnectionError)
    assert issubclass(exc.ApprowTLSError, ConnectionError)
    for cls in (exc.ApprowTimeoutError, exc.ApprowConnectionError, exc.ApprowTLSError,
                exc.ApprowHTTPError):
        assert issubclass(cls, ApprowException)
    e = exc.ApprowTimeoutError(500, "request timed out")
    assert str(e) == "Approw Request Error: 500 request timed out"
    assert isinstance(e, OSError)


def test_wrong_argument_exception() -> None:
    e = ApprowWrongArgumentException("userInfo must be a dict")
    assert str(e) == "userInfo must be a dict"
    assert e.message == "userInfo must be a dict"
    # every SDK error is an ApprowException (no server code: nothing was sent) and a ValueError
    assert isinstance(e, ApprowException) and isinstance(e, ValueError) and e.code is None
    assert repr(e) == "ApprowWrongArgumentException('userInfo must be a dict')"
    back = pickle.loads(pickle.dumps(e))
    assert str(back) == "userInfo must be a dict" and type(back) is ApprowWrongArgumentException
    t = exc.ApprowArgumentTypeError("user_id must be a str, not int")
    assert isinstance(t, TypeError) and isinstance(t, ApprowWrongArgumentException)
    assert str(pickle.loads(pickle.dumps(t))) == "user_id must be a str, not int"


@pytest.mark.parametrize("code, cls", [
    (2004, exc.UserNotFoundError), (2006, exc.WrongPasswordError), (2203, exc.WrongPasswordError),
    (2026, exc.UserExistsError), (2020, exc.TokenInvalidError), (2206, exc.TokenInvalidError),
    (1001, exc.PermissionDeniedError), (2100, exc.RateLimitedError), (1635, exc.MfaRequiredError),
    (2231, ApprowException), (None, ApprowException), ("2004", ApprowException),
])
def test_from_code_picks_the_typed_subclass(code: object, cls: type) -> None:
    e = exc.from_code(code, "message", http_status=200, data={"mfaToken": "m"})
    assert type(e) is cls and isinstance(e, ApprowException)
    assert (e.code, e.message, e.http_status, e.data) == (code, "message", 200, {"mfaToken": "m"})
    back = pickle.loads(pickle.dumps(e))
    assert type(back) is cls and back.code == code and back.data == {"mfaToken": "m"}


def test_typed_errors_raised_through_the_executor(fake: object, mgmt: object) -> None:
    from fakes import graphql_error

    fake.answer("user", graphql_error((2004, "User does not exist", None)))  # type: ignore[attr-defined]
    with pytest.raises(exc.UserNotFoundError) as ei:
        mgmt.users.detail("u1")  # type: ignore[attr-defined]
    assert ei.value.code == 2004 and str(ei.value) == "Approw Request Error: 2004 User does not exist"
    from approw.v2.common.constants import DEFAULT_ONERROR

    with pytest.raises(exc.TokenInvalidError):
        DEFAULT_ONERROR(2020, "Not logged in")


def test_token_error_is_a_token_invalid_error() -> None:
    e = exc.ApprowTokenError(2206, "the token has expired", reason="expired")
    assert isinstance(e, exc.TokenInvalidError) and isinstance(e, ValueError)
    back = pickle.loads(pickle.dumps(e))
    assert type(back) is exc.ApprowTokenError and back.reason == "expired" and back.code == 2206
