"""``management.policies`` end to end: policies, their statements and their assignments."""

import asyncio

import pytest

from approw.v2.exceptions import ApprowException, ApprowWrongArgumentException
from approw.v2.management import PoliciesManagementClient
from sdk_helpers import async_management

READ = {"resource": "books:*", "actions": ["books:read"], "effect": "ALLOW"}
DENY = {"resource": "books:1", "actions": ["books:delete"], "effect": "DENY"}


def test_create_detail_list_update_delete(management, unique):
    code = unique("pol")
    created = management.policies.create(code, [READ, DENY], "Books")
    assert created["code"] == code and created["isDefault"] is False and created["assignmentsCount"] == 0
    assert created["statements"] == [dict(READ, condition=None), dict(DENY, condition=None)]
    assert management.policies.detail(code)["description"] == "Books"
    assert management.policies.detail(unique("none")) is None
    other = unique("pol")
    management.policies.create(other, [READ])
    page = management.policies.list(1, 2)
    assert [p["code"] for p in page["list"]] == [other, code]
    assert "AdministratorAccess" not in [p["code"] for p in management.policies.list(limit=100)["list"]]
    assert "AdministratorAccess" in [p["code"] for p in management.policies.list(limit=100, exclude_default=False)
                                     ["list"]]
    updated = management.policies.update(code, [DENY], "Only deny")
    assert updated["statements"] == [dict(DENY, condition=None)] and updated["description"] == "Only deny"
    renamed = unique("pol")
    assert management.policies.update(code, new_code=renamed)["code"] == renamed
    assert management.policies.delete(renamed)["code"] == 200
    assert management.policies.detail(renamed) is None
    third = unique("pol")
    management.policies.create(third, [READ])
    assert management.policies.delete_many([other, third])["code"] == 200
    assert isinstance(management.policies, PoliciesManagementClient)


def test_assignments(management, unique):
    code, role, group = unique("apol"), unique("arole"), unique("agrp")
    user_id = management.users.create({"username": unique("apu")})["id"]
    management.policies.create(code, [READ])
    management.roles.create(role)
    management.groups.create(group, "G")
    assert management.policies.add_assignments([code], "USER", [user_id])["code"] == 200
    assert management.policies.add_assignments([code], "ROLE", [role])["code"] == 200
    assert management.policies.add_assignments([code], "GROUP", [group])["code"] == 200
    page = management.policies.list_assignments(code)
    assert page["totalCount"] == 3 and [(a["targetType"], a["targetIdentifier"]) for a in page["list"]] == [
        ("USER", user_id), ("ROLE", role), ("GROUP", group)]
    assert management.policies.list_assignments(code, 2, 2)["list"] == [
        {"code": code, "targetType": "GROUP", "targetIdentifier": group}]
    assert management.policies.detail(code)["code"] == code
    assert management.acl.is_allowed(user_id, "books:read", "books:9")
    assert management.policies.disable_assignment(code, "USER", user_id)["code"] == 200
    assert not management.acl.is_allowed(user_id, "books:read", "books:9")
    assert management.policies.enable_assignment(code, "USER", user_id)["code"] == 200
    assert management.acl.is_allowed(user_id, "books:read", "books:9")
    assert management.policies.remove_assignments([code], "ROLE", [role])["code"] == 200
    assert management.policies.list_assignments(code)["totalCount"] == 2


def test_errors(management, unique):
    code = unique("epol")
    management.policies.create(code, [READ])
    for call, expected in ((lambda: management.policies.create(code, [READ]), 2026),
                           (lambda: management.policies.update("AdministratorAccess", [READ]), 1001),
                           (lambda: management.policies.delete("AdministratorAccess"), 1001),
                           (lambda: management.policies.delete(unique("none")), 404),
                           (lambda: management.policies.add_assignments([code], "USER", ["not-a-user"]), 2004),
                           (lambda: management.policies.add_assignments([code], "ROLE", ["no-such-role"]), 404),
                           (lambda: management.policies.add_assignments([unique("none")], "USER", ["x"]), 404),
                           (lambda: management.policies.list_assignments(unique("none")), 404),
                           (lambda: management.policies.create(unique("x"), [READ], namespace="nowhere"), 3003)):
        with pytest.raises(ApprowException) as ei:
            call()
        assert ei.value.code == expected, ei.value.message
    with pytest.raises(ApprowWrongArgumentException, match="statements"):
        management.policies.create(unique("x"), [{"resource": "books:*"}])


def test_async_policies(approw_emulator, management, unique):
    amanagement = async_management(approw_emulator)
    codes = [unique("asp") for _ in range(3)]
    user_id = management.users.create({"username": unique("aspu")})["id"]

    async def scenario():
        await asyncio.gather(*(amanagement.policies.create(c, [READ]) for c in codes))
        await amanagement.policies.add_assignments(codes, "USER", [user_id])
        count = (await amanagement.users.list_policies(user_id))["totalCount"]
        await amanagement.policies.delete_many(codes)
        return count, (await amanagement.users.list_policies(user_id))["totalCount"]

    assert asyncio.run(scenario()) == (3, 0)
