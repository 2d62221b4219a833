"""Errors that say what to do, end to end: one test per message.  Transport failures carry
their own code and name the operation, the URL and the time budget; a host with the GraphQL
path, settings passed to a client, a duplicate role, a leftover ``Bearer`` prefix and an issuer
without keys each get a message with the fix.  (A missing compiled core: tests/unit/
test_version.py.)"""
import asyncio
import logging
import socket
from typing import Any, Iterator

import pytest

from approw.v2.authentication import (AsyncAuthenticationClient, AuthenticationClient,
                                      AuthenticationClientOptions, TokenVerifier)
from approw.v2.exceptions import (AlreadyExistsError, ApprowArgumentTypeError, ApprowConnectionError,
                                  ApprowHTTPError, ApprowTimeoutError, ApprowTokenError,
                                  ApprowWrongArgumentException, UserExistsError)
from approw.v2.management import AsyncManagementClient, ManagementClient, ManagementClientOptions


@pytest.fixture()
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never answers."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(16)
        yield s.getsockname()[1]


@pytest.fixture()
def closed_port() -> Iterator[int]:
    """A port where nothing listens; it stays bound (not listening) for the whole test, so no
    other process can take it meanwhile."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        yield int(s.getsockname()[1])


def test_timeout_has_its_code_operation_url_and_budget(silent_port: int) -> None:
    url = f"http://127.0.0.1:{silent_port}"
    client = AuthenticationClient(AuthenticationClientOptions(app_id="a", app_host=url, timeout=300))
    with pytest.raises(ApprowTimeoutError) as info:
        client.check_login_status("some-token")
    e = info.value
    assert e.code == "timeout"                              # not 500: not a server failure
    assert e.message.startswith("checkLoginStatus: request timed out")
    assert f"{url}/graphql/v2" in e.message and "time budget 300 ms (timeout=)" in e.message
    assert "raise the client's timeout= option (milliseconds)" in e.message
    assert str(e).startswith("Approw Request Error (timeout): checkLoginStatus: ")


def test_connection_refused_says_check_the_host(closed_port: int) -> None:
    url = f"http://127.0.0.1:{closed_port}"
    management = ManagementClient(ManagementClientOptions("pool", "secret", host=url, timeout=2000))
    with pytest.raises(ApprowConnectionError) as info:
        management.users.list()
    e = info.value
    assert e.code == "connection"
    # the first request of a management client fetches its token
    assert e.message.startswith("accessToken: connection failed")
    assert f"({url}/graphql/v2)" in e.message and "time budget 2000 ms" in e.message
    assert "check host= (the service's base URL), that the server is running" in e.message


def test_rest_transport_error_names_the_method(closed_port: int) -> None:
    url = f"http://127.0.0.1:{closed_port}"
    client = AuthenticationClient(AuthenticationClientOptions(app_id="a", app_host=url, timeout=1500))
    with pytest.raises(ApprowConnectionError) as info:
        client.get_current_user("some-token")
    assert info.value.message.startswith("GET: connection failed")
    assert f"{url}/api/v2/users/me" in info.value.message and "1500 ms" in info.value.message


def test_async_transport_error_is_the_same(closed_port: int) -> None:
    url = f"http://127.0.0.1:{closed_port}"
    client = AsyncAuthenticationClient(AuthenticationClientOptions(app_id="a", app_host=url))
    with pytest.raises(ApprowConnectionError) as info:
        asyncio.run(client.check_login_status("some-token"))
    assert info.value.code == "connection"
    assert info.value.message.startswith("checkLoginStatus: connection failed")


@pytest.mark.parametrize("suffix", ["/graphql/v2", "/graphql/v2/", "/graphql"])
def test_host_with_the_graphql_path_says_pass_the_base_url(suffix: str) -> None:
    with pytest.raises(ApprowWrongArgumentException) as info:
        AuthenticationClientOptions(app_id="a", app_host="https://core.approw.com" + suffix)
    assert "use host='https://core.approw.com'" in str(info.value)
    assert "the SDK adds /graphql/v2 itself" in str(info.value)


def test_no_graphql_endpoint_at_host_says_pass_the_base_url(approw_emulator: Any) -> None:
    # a host with some other path: the server has no GraphQL endpoint there (HTTP 404)
    client = AuthenticationClient(AuthenticationClientOptions(
        app_id=approw_emulator.app_id, app_host=approw_emulator.url + "/approw"))
    with pytest.raises(ApprowHTTPError) as info:
        client.check_login_status("some-token")
    assert info.value.code == 404
    assert f"no GraphQL endpoint at {approw_emulator.url}/approw/graphql/v2" in info.value.message
    assert "host must be the service's base URL" in info.value.message


@pytest.mark.parametrize("make", [
    lambda: AuthenticationClient(app_id="a", app_host="https://x.example"),  # type: ignore[call-arg]
    lambda: AsyncAuthenticationClient(app_id="a"),  # type: ignore[call-arg]
])
def test_settings_passed_to_the_client_point_at_options(make: Any) -> None:
    with pytest.raises(ApprowArgumentTypeError) as info:
        make()
    assert isinstance(info.value, TypeError)
    assert "takes its settings in one AuthenticationClientOptions object" in str(info.value)
    assert "Client(options=AuthenticationClientOptions(app_id=..." in str(info.value)


def test_management_settings_passed_to_the_client_point_at_options() -> None:
    with pytest.raises(ApprowArgumentTypeError) as info:
        ManagementClient(user_pool_id="p", secret="s")  # type: ignore[call-arg]
    assert ("ManagementClient(options=ManagementClientOptions(user_pool_id=..., secret=...))"
            in str(info.value))
    with pytest.raises(ApprowArgumentTypeError, match="not 2 arguments"):
        ManagementClient("p", "s")  # type: ignore[call-arg]


def test_duplicate_role_is_not_a_user_exists_error(management: ManagementClient, unique: Any) -> None:
    code = unique("role")
    management.roles.create(code)
    with pytest.raises(AlreadyExistsError) as info:
        management.roles.create(code)
    assert type(info.value) is AlreadyExistsError and info.value.code == 2026
    group = unique("group")
    management.groups.create(group, group)
    with pytest.raises(AlreadyExistsError) as info:
        management.groups.create(group, group)
    assert not isinstance(info.value, UserExistsError)


def test_duplicate_user_is_a_user_exists_error(management: ManagementClient, unique: Any,
                                               approw_emulator: Any) -> None:
    name = unique("dup")
    management.users.create({"username": name, "password": "passw0rd"})
    with pytest.raises(UserExistsError) as info:
        management.users.create({"username": name, "password": "passw0rd"})
    assert isinstance(info.value, AlreadyExistsError) and info.value.code == 2026
    auth = AuthenticationClient(AuthenticationClientOptions(
        app_id=approw_emulator.app_id, app_host=approw_emulator.url,
        enc_public_key=approw_emulator.public_key))
    with pytest.raises(UserExistsError):
        auth.register_by_username(name, "passw0rd")


def test_duplicate_role_async(approw_emulator: Any, unique: Any) -> None:
    client = AsyncManagementClient(ManagementClientOptions(
        user_pool_id=approw_emulator.user_pool_id, secret=approw_emulator.secret,
        host=approw_emulator.url))
    code = unique("arole")

    async def twice() -> None:
        await client.roles.create(code)
        await client.roles.create(code)

    with pytest.raises(AlreadyExistsError) as info:
        asyncio.run(twice())
    assert type(info.value) is AlreadyExistsError


def test_bearer_prefix_says_pass_the_token_alone(approw_emulator: Any, unique: Any) -> None:
    user = approw_emulator.create_user(password="passw0rd", username=unique("tok"))
    token = approw_emulator.user_token(user["id"])
    verifier = TokenVerifier(issuer=approw_emulator.url + "/oidc", audience=approw_emulator.app_id)
    assert verifier.verify(token)["sub"] == user["id"]
    with pytest.raises(ApprowTokenError) as info:
        verifier.verify("Bearer " + token)
    assert info.value.reason == "malformed"
    assert "the token starts with 'Bearer ': pass the token alone" in info.value.message


def test_issuer_without_keys_says_check_the_issuer(approw_emulator: Any, unique: Any) -> None:
    user = approw_emulator.create_user(password="passw0rd", username=unique("tok"))
    token = approw_emulator.user_token(user["id"])
    verifier = TokenVerifier(issuer=approw_emulator.url + "/wrong", audience=approw_emulator.app_id)
    with pytest.raises(ApprowHTTPError) as info:
        verifier.verify(token)
    assert info.value.code == 404
    assert f"HTTP 404 from {approw_emulator.url}/wrong/.well-known/jwks.json (JWKS)" in info.value.message
    assert "check the issuer (the 'iss' claim of your tokens" in info.value.message


def test_debug_line_names_the_method_and_the_operation(management: ManagementClient, unique: Any,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="approw")
    management.roles.create(unique("logged"))
    management.policies.list()
    lines = [r.getMessage() for r in caplog.records if r.name == "approw"]
    assert lines[-2].startswith("roles.create createRole: POST ")
    assert lines[-1].startswith("policies.list policies: POST ")


def test_missing_role_and_wrong_code_have_their_classes(management: ManagementClient,
                                                        approw_emulator: Any, new_phone: Any) -> None:
    from approw.v2.exceptions import NotFoundError, VerificationCodeError

    with pytest.raises(NotFoundError) as info:
        management.roles.add_users("no-such-role", ["u1"])
    assert info.value.code == 404
    auth = AuthenticationClient(AuthenticationClientOptions(
        app_id=approw_emulator.app_id, app_host=approw_emulator.url,
        enc_public_key=approw_emulator.public_key))
    phone = new_phone()
    auth.send_sms_code(phone)
    with pytest.raises(VerificationCodeError) as wrong:
        auth.login_by_phone_code(phone, "0000" if approw_emulator.last_code(phone) != "0000" else "1111")
    assert wrong.value.code == 2001
