"""``close()`` / ``with`` on the blocking clients and ``aclose()`` / ``async with`` on the
asyncio clients (over the fake session): a closed client refuses every call with
``ApprowClientClosedError`` and sends nothing; closing twice is harmless.  The release of the
asyncio transport itself is tested in tests/c/test_async_transport.py and against the emulator
in tests/e2e/test_sdk_async_native.py."""
import asyncio
import inspect
from typing import Any

import pytest

from approw.v2.authentication import AsyncAuthenticationClient, AuthenticationClient
from approw.v2.exceptions import ApprowClientClosedError, ApprowException
from approw.v2.management import AsyncManagementClient, ManagementClient
from fakes import FakeSession, user


def test_the_lifetime_methods_pair_up() -> None:
    for sync_cls, async_cls in [(ManagementClient, AsyncManagementClient),
                                (AuthenticationClient, AsyncAuthenticationClient)]:
        assert not inspect.iscoroutinefunction(sync_cls.close)
        assert inspect.iscoroutinefunction(async_cls.aclose)
        assert inspect.iscoroutinefunction(async_cls.__aexit__)
        assert sync_cls.close.__doc__ == async_cls.aclose.__doc__
        assert not hasattr(sync_cls, "aclose") and not hasattr(async_cls, "close")
    assert issubclass(ApprowClientClosedError, ApprowException)


def test_with_closes_the_management_client(fake: FakeSession, mgmt: ManagementClient) -> None:
    fake.answer("user", user(id="u1"))
    with mgmt as client:
        assert client is mgmt
        assert client.users.detail("u1")["id"] == "u1"
    sent = len(fake.calls)
    with pytest.raises(ApprowClientClosedError, match="user: this client was closed") as info:
        mgmt.users.detail("u1")
    assert info.value.code == "closed"
    assert len(fake.calls) == sent          # nothing sent
    mgmt.close()                            # again: nothing happens


def test_closed_authentication_client_refuses_rest_calls(fake: FakeSession,
                                                         auth: AuthenticationClient) -> None:
    auth.close()
    with pytest.raises(ApprowClientClosedError, match="GET .*/api/v2/users/me: this client"):
        auth.get_current_user("token")
    assert fake.calls == []


def test_async_with_closes_the_asyncio_clients(fake: FakeSession, amgmt: AsyncManagementClient,
                                               aauth: AsyncAuthenticationClient) -> None:
    fake.answer("user", user(id="u1"))

    async def main() -> Any:
        async with amgmt as client:
            assert client is amgmt
            found = await client.users.detail("u1")
        async with aauth:
            pass
        with pytest.raises(ApprowClientClosedError, match="user: this client was closed"):
            await amgmt.users.detail("u1")
        with pytest.raises(ApprowClientClosedError):
            await aauth.get_current_user("token")
        await amgmt.aclose()                # again: nothing happens
        return found

    assert asyncio.run(main())["id"] == "u1"
    assert [c for c in fake.calls if c.url.endswith("/users/me")] == []


def test_the_block_closes_the_client_when_it_raises(fake: FakeSession,
                                                    amgmt: AsyncManagementClient) -> None:
    async def main() -> None:
        with pytest.raises(KeyError):
            async with amgmt:
                raise KeyError("x")
        with pytest.raises(ApprowClientClosedError):
            await amgmt.users.detail("u1")

    asyncio.run(main())
