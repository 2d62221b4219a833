"""Page iterators (``users.iter``, ``roles.iter``, ..., ``Pager`` / ``AsyncPager`` over any
paged list method), sync and async, against a fresh emulator: every item exactly once across
page boundaries, one request per page and only when needed, empty lists, bad limits."""
import asyncio

import pytest

from approw.v2.common._async.paging import AsyncPager
from approw.v2.common.paging import Pager
from approw.v2.exceptions import ApprowWrongArgumentException
from approw.v2.management import AsyncManagementClient, ManagementClient, ManagementClientOptions


@pytest.fixture()
def emu(approw_emulator_fresh):
    return approw_emulator_fresh


def _options(emu):
    return ManagementClientOptions(user_pool_id=emu.user_pool_id, secret=emu.secret, host=emu.url,
                                   enc_public_key=emu.public_key)


@pytest.fixture()
def management(emu):
    return ManagementClient(_options(emu))


class Counting:
    """A list method that records the pages asked for."""

    def __init__(self, method):
        self.method, self.pages = method, []

    def __call__(self, *args, page, limit, **kwargs):
        self.pages.append(page)
        return self.method(*args, page=page, limit=limit, **kwargs)


def seed_users(emu, n):
    return [emu.create_user(username="pg%03d" % i)["id"] for i in range(n)]


@pytest.mark.parametrize("count,limit,pages", [(7, 3, [1, 2, 3]), (6, 3, [1, 2]), (2, 5, [1]), (1, 1, [1])])
def test_users_iter_crosses_page_boundaries(emu, management, count, limit, pages):
    ids = seed_users(emu, count)
    assert [u["id"] for u in management.users.iter(limit=limit)] == [u["id"] for u in management.users.list(
        limit=100)["list"]]
    counting = Counting(management.users.list)
    found = [u["id"] for u in Pager(counting, limit=limit)]
    assert sorted(found) == sorted(ids) and len(found) == count
    assert counting.pages == pages


def test_lazy_one_page_at_a_time(emu, management):
    seed_users(emu, 5)
    counting = Counting(management.users.list)
    pager = Pager(counting, limit=2)
    assert pager.total is None and counting.pages == []
    first = next(pager)
    assert counting.pages == [1] and pager.total == 5 and first["username"]
    next(pager)
    assert counting.pages == [1]
    next(pager)
    assert counting.pages == [1, 2]
    assert len(list(pager)) == 2 and counting.pages == [1, 2, 3]
    assert list(pager) == []        # exhausted: no more requests
    assert counting.pages == [1, 2, 3]


def test_empty_results_and_other_areas(emu, management):
    assert list(management.users.iter()) == []
    assert list(management.groups.iter(limit=2)) == []
    for i in range(5):
        management.roles.create("role%d" % i)
        management.groups.create("group%d" % i, "Group %d" % i)
    assert sorted(r["code"] for r in management.roles.iter(limit=2)) == ["role%d" % i for i in range(5)]
    assert sorted(g["code"] for g in management.groups.iter(limit=3)) == ["group%d" % i for i in range(5)]
    ids = seed_users(emu, 3)
    management.roles.add_users("role0", ids)
    # any paged method, with its other arguments (roles.list_users counts page 0 as 1: the pager starts at 1)
    assert sorted(u["id"] for u in Pager(management.roles.list_users, "role0", limit=2)) == sorted(ids)
    assert [a["id"] for a in management.applications.iter(limit=1)] == [
        a["id"] for a in management.applications.list(limit=50)["list"]]


def test_bad_limits(management):
    for bad in (0, -1, "10", True, 2.5):
        with pytest.raises(ApprowWrongArgumentException):
            management.users.iter(limit=bad)
    with pytest.raises(ApprowWrongArgumentException):
        Pager(management.users.list, page=2)


def test_async_iter(emu):
    ids = seed_users(emu, 5)
    client = AsyncManagementClient(_options(emu))

    async def scenario():
        found = [u["id"] async for u in client.users.iter(limit=2)]
        pages = []

        async def counting(page, limit):
            pages.append(page)
            return await client.users.list(page=page, limit=limit)

        again = [u["id"] async for u in AsyncPager(counting, limit=3)]
        empty = [g async for g in client.groups.iter()]
        return found, again, pages, empty

    found, again, pages, empty = asyncio.run(scenario())
    assert sorted(found) == sorted(ids) == sorted(again)
    assert pages == [1, 2] and empty == []
