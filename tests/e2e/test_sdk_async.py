"""The asyncio clients end to end: the same methods, awaited, over the C transport against the
emulator; many calls in flight at once on one event loop."""
import asyncio

import pytest

from approw.v2.authentication import AsyncAuthenticationClient
from approw.v2.exceptions import ApprowException, ApprowWrongArgumentException
from approw.v2.management import AsyncManagementClient, ManagementClientOptions


@pytest.fixture()
def amanagement(approw_emulator):
    return AsyncManagementClient(ManagementClientOptions(
        user_pool_id=approw_emulator.user_pool_id, secret=approw_emulator.secret,
        host=approw_emulator.url, enc_public_key=approw_emulator.public_key))


def test_async_management_and_login(amanagement, auth_options, unique):
    name = unique()

    async def scenario():
        created = await amanagement.users.create({"username": name, "password": "pw123456"})
        client = AsyncAuthenticationClient(auth_options())
        user = await client.login_by_username(name, "pw123456")
        profile = await client.update_profile({"nickname": "Async"})
        status = await amanagement.check_login_status(user["token"])
        detail = await amanagement.users.detail(created["id"])
        assert await client.logout() is True
        return created, user, profile, status, detail

    created, user, profile, status, detail = asyncio.run(scenario())
    assert user["id"] == created["id"] and user["token"]
    assert profile["nickname"] == "Async" and detail["nickname"] == "Async"
    assert status["status"] is True


def test_async_calls_run_concurrently_on_one_loop(amanagement, unique):
    names = [unique() for _ in range(12)]

    async def scenario():
        users = await asyncio.gather(*(amanagement.users.create({"username": n}) for n in names))
        found = await asyncio.gather(*(amanagement.users.detail(u["id"]) for u in users))
        return users, found

    users, found = asyncio.run(scenario())
    assert [u["username"] for u in users] == names
    assert [f["id"] for f in found] == [u["id"] for u in users]


def test_async_errors(amanagement, auth_options):
    client = AsyncAuthenticationClient(auth_options())
    with pytest.raises(ApprowException) as ei:
        asyncio.run(client.login_by_username("nobody-here", "pw123456"))
    assert ei.value.code == 2004
    with pytest.raises(ApprowWrongArgumentException):
        asyncio.run(amanagement.users.detail(42))
