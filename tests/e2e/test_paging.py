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



def test_members_logs_orgs_and_end_user_lists(emu, management):
    from approw.v2.authentication import AuthenticationClient, AuthenticationClientOptions

    ids = [emu.create_user(username="lg%d" % i, password="pw-123456")["id"] for i in range(5)]
    org = management.org.create("Shop")
    management.org.create("Lab")
    assert sorted(o["rootNode"]["name"] for o in management.org.iter(limit=1)) == ["Lab", "Shop"]
    management.org.add_members(org["rootNode"]["id"], ids)
    members = [u["id"] for u in Pager(management.org.list_members, org["rootNode"]["id"], limit=2)]
    assert sorted(members) == sorted(ids)
    auth = AuthenticationClient(AuthenticationClientOptions(app_id=emu.app_id, host=emu.url,
                                                            enc_public_key=emu.public_key))
    for i in range(3):
        auth.login_by_username("lg%d" % i, "pw-123456")
    actions = list(Pager(management.statistics.list_user_actions, operation_names=["login"], limit=2))
    assert sorted(a["userId"] for a in actions) == sorted(ids[:3])
    audit = list(Pager(management.statistics.list_audit_logs, limit=2))
    assert len(audit) == management.statistics.list_audit_logs(limit=100)["totalCount"] >= 3
    apps = [a["id"] for a in Pager(auth.list_applications, limit=1)]     # an end-user client's paged list
    assert apps == [a["id"] for a in auth.list_applications(limit=50)["list"]]
