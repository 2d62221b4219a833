"""The ``approw`` logger and request ids, end to end: a whole login logged at DEBUG never shows
the password, the pool secret or a token; every request gets one line whose request id is the
one the emulator sent (and logged); exceptions carry the request id of their answer."""
import asyncio
import logging
import re
import time
from typing import Any, Dict, Iterable, List, Set

import pytest

from approw.v2.authentication import AsyncAuthenticationClient, AuthenticationClient
from approw.v2.exceptions import ApprowException, TokenInvalidError, UserNotFoundError
from approw.v2.management import ManagementClient, ManagementClientOptions

LINE = re.compile(r"^([\w.]+(?: \w+)?): (GET|POST) (http://127\.0\.0\.1:\d+/[^ ?]*) -> (\d{3}|\w+Error[ \d]*\(HTTP [-\d]+\)) "
                  r"in \d+\.\d ms, (\d+) retries, request id ([0-9a-f]{24})$")


def sdk_lines(caplog: pytest.LogCaptureFixture) -> List[str]:
    return [r.getMessage() for r in caplog.records if r.name == "approw"]


def emulator_request_ids(caplog: pytest.LogCaptureFixture, expected: Iterable[str]) -> Set[str]:
    """The request ids the emulator logged, once it has logged ``expected`` (it logs each
    request after sending the answer, so its line may come a moment after the client's)."""
    deadline = time.monotonic() + 30
    while True:
        ids = {r.getMessage().rsplit(" ", 1)[1] for r in caplog.records
               if r.name == "approw.emulator" and r.getMessage().count('"') == 2}
        if set(expected) <= ids or time.monotonic() > deadline:
            return ids
        time.sleep(0.01)


def test_full_login_logged_without_secrets(approw_emulator: Any, auth_options: Any, unique: Any,
                                           caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="approw")
    password = "Pw-" + unique("secret")
    # a new management client: it signs in with the pool secret
    management = ManagementClient(ManagementClientOptions(
        user_pool_id=approw_emulator.user_pool_id, secret=approw_emulator.secret,
        host=approw_emulator.url, enc_public_key=approw_emulator.public_key))
    name = unique("logged")
    management.users.create({"username": name, "password": password})
    client = AuthenticationClient(auth_options())
    user = client.login_by_username(name, password)
    client.update_profile({"nickname": "N"})       # GET the current user, GraphQL with its token
    assert client.list_applications()["totalCount"] >= 1         # REST with the user token
    client.update_password("New-" + password, password)
    management_token = management.tokenProvider._cached[0]

    lines = sdk_lines(caplog)
    # token, create, login, current user, update, applications, password
    assert len(lines) == 7, lines
    everything = "\n".join(r.getMessage() for r in caplog.records) + caplog.text
    for secret in (password, approw_emulator.secret, user["token"], management_token, "Bearer",
                   "authorization", "Authorization"):
        assert secret not in everything
    parsed = [LINE.match(line) for line in lines]
    assert all(parsed), lines
    # each line names the SDK method and (GraphQL) the operation
    assert [m.group(1) for m in parsed] == [
        "token.getAccessToken accessToken", "users.create createUser",
        "login_by_username loginByUsername", "get_current_user", "update_profile updateUser",
        "list_applications", "update_password updatePassword"]
    assert [m.group(2) for m in parsed] == ["POST"] * 3 + ["GET", "POST", "GET", "POST"]
    assert parsed[5].group(3).endswith("/api/v2/users/me/applications/allowed")
    assert {m.group(4) for m in parsed} == {"200"} and {m.group(5) for m in parsed} == {"0"}
    # each line names the request id the emulator sent and logged for that request
    ids = [m.group(6) for m in parsed]
    assert len(set(ids)) == 7 and set(ids) <= emulator_request_ids(caplog, ids)


def test_graphql_error_has_the_request_id(authentication: Any, caplog: pytest.LogCaptureFixture,
                                          unique: Any) -> None:
    caplog.set_level(logging.DEBUG, logger="approw")
    with pytest.raises(UserNotFoundError) as ei:
        authentication.login_by_username(unique("nobody"), "whatever-pw")
    rid = ei.value.request_id
    assert re.fullmatch(r"[0-9a-f]{24}", rid) and rid in emulator_request_ids(caplog, [rid])
    (line,) = sdk_lines(caplog)
    assert " -> GraphQLError 2004 (HTTP 200) in " in line and line.endswith(rid)
    assert "whatever-pw" not in caplog.text


def test_rest_error_has_the_request_id(authentication: Any) -> None:
    # a REST call with a token the service refuses
    authentication._set_token("not-a-token")
    with pytest.raises(ApprowException) as ei:
        authentication.list_applications()
    assert re.fullmatch(r"[0-9a-f]{24}", ei.value.request_id or "")


def test_no_lines_above_debug(authentication: Any, caplog: pytest.LogCaptureFixture,
                              unique: Any) -> None:
    caplog.set_level(logging.INFO, logger="approw")
    with pytest.raises(UserNotFoundError) as ei:
        authentication.login_by_username(unique("nobody"), "pw")
    assert sdk_lines(caplog) == [] and ei.value.request_id      # the id is kept all the same


def test_async_client_logs_and_keeps_ids(auth_options: Any, unique: Any,
                                         caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="approw")
    client = AsyncAuthenticationClient(auth_options())
    with pytest.raises(TokenInvalidError) as ei:
        asyncio.run(client.get_current_user(token="x.y.z"))
    assert ei.value.request_id
    lines: Dict[str, str] = {line.rsplit(" ", 1)[1]: line for line in sdk_lines(caplog)}
    assert ei.value.request_id in lines
