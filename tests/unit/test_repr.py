"""``repr()`` of clients, sub-clients, token providers, executors and verifiers never shows a
secret or a token, before and after they hold one (sync and asyncio clients)."""
import asyncio
from typing import Any, Iterator, List

import pytest

from approw.v2.authentication import (
    AsyncAuthenticationClient,
    AsyncTokenVerifier,
    AuthenticationClient,
    AuthenticationClientOptions,
    TokenVerifier,
)
from approw.v2.management import AsyncManagementClient, ManagementClient, ManagementClientOptions
from fakes import FakeSession, user

SECRETS = ("POOL-SECRET-1", "APP-SECRET-2", "USER-TOKEN-3", "mgmt-token", "GIVEN-MGMT-TOKEN-4")


def objects(client: Any) -> Iterator[Any]:
    """The client and the SDK's objects it holds, two levels deep (sub-clients, token provider,
    executor, options, graphqlClient, ...)."""
    def ours(obj: Any) -> bool:
        return type(obj).__module__.startswith("approw.")

    yield client
    for value in vars(client).values():
        if ours(value):
            yield value
            for inner in getattr(value, "__dict__", {}).values():
                if ours(inner):
                    yield inner


def assert_hidden(client: Any) -> List[str]:
    shown = []
    for obj in objects(client):
        text = repr(obj) + str(obj)
        for secret in SECRETS:
            assert secret not in text, f"{type(obj).__name__} shows {secret}: {text}"
        shown.append(text)
    return shown


@pytest.mark.parametrize("cls", [ManagementClient, AsyncManagementClient])
def test_management_clients(fake: FakeSession, cls: Any) -> None:
    client = cls(ManagementClientOptions(user_pool_id="pool1", secret="POOL-SECRET-1",
                                         host="https://api.example.test"))
    fake.answer("user", user(id="u1"))
    call = client.users.detail("u1")
    if cls is AsyncManagementClient:
        asyncio.run(call)
    assert client.tokenProvider._cached[0] == "mgmt-token"     # it holds the token now
    shown = assert_hidden(client)
    assert shown[0].startswith(cls.__name__ + "(ManagementClientOptions(host='https://api.example.test'")
    assert repr(client.users).startswith(cls.__name__.replace("Management", "UsersManagement"))
    # a management token given in the options
    given = cls(ManagementClientOptions(user_pool_id="pool1", access_token="GIVEN-MGMT-TOKEN-4"))
    assert_hidden(given)


@pytest.mark.parametrize("cls", [AuthenticationClient, AsyncAuthenticationClient])
def test_authentication_clients(fake: FakeSession, cls: Any) -> None:
    client = cls(AuthenticationClientOptions(app_id="app1", app_host="https://api.example.test",
                                             secret="APP-SECRET-2", token="USER-TOKEN-3"))
    assert client._token == "USER-TOKEN-3"
    shown = assert_hidden(client)
    assert shown[0].startswith(cls.__name__ + "(AuthenticationClientOptions(")


@pytest.mark.parametrize("cls", [TokenVerifier, AsyncTokenVerifier])
def test_verifiers(cls: Any) -> None:
    verifier = cls("https://issuer.test/oidc", "app1", secret="APP-SECRET-2")
    assert_hidden(verifier)
    assert repr(verifier).startswith(cls.__name__ + "(issuer='https://issuer.test/oidc'")
