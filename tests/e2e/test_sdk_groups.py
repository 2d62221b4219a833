"""``management.groups`` end to end: groups, their members and their permissions."""

import asyncio

import pytest

from approw.v2.exceptions import ApprowException
from sdk_helpers import async_management, define_udf


def test_create_detail_list_update_delete(management, unique):
    code = unique("grp")
    created = management.groups.create(code, "Group", "First")
    assert (created["code"], created["name"], created["description"]) == (code, "Group", "First")
    assert management.groups.detail(code)["name"] == "Group"
    assert management.groups.detail(unique("none")) is None
    other = unique("grp")
    management.groups.create(other, "Other")
    page = management.groups.list(1, 2)
    assert page["totalCount"] >= 2 and [g["code"] for g in page["list"]] == [other, code]    # newest first
    renamed = unique("grp")
    updated = management.groups.update(code, new_code=renamed, name="Renamed")
    assert (updated["code"], updated["name"], updated["description"]) == (renamed, "Renamed", "First")
    assert management.groups.update(renamed, description="Second")["description"] == "Second"
    assert management.groups.detail(code) is None
    assert management.groups.delete(renamed)["code"] == 200
    third = unique("grp")
    management.groups.create(third, "Third")
    assert management.groups.delete_many([other, third])["code"] == 200
    assert management.groups.detail(other) is None and management.groups.detail(third) is None


def test_members(management, unique):
    code = unique("members")
    management.groups.create(code, "Members")
    define_udf(management, "USER", "team", "STRING")
    users = [management.users.create({"username": unique("gm")}, custom_data={"team": "a"})["id"] for _ in range(3)]
    assert management.groups.list_users(code) == {"totalCount": 0, "list": []}
    assert management.groups.add_users(code, users)["code"] == 200
    page = management.groups.list_users(code, 1, 2)
    assert page["totalCount"] == 3 and len(page["list"]) == 2
    assert all(u["status"] and u["lastIP"] for u in page["list"])
    with_data = management.groups.list_users(code, with_custom_data=True)
    assert [u["customData"] for u in with_data["list"]] == [{"team": "a"}] * 3
    assert management.groups.remove_users(code, users[:2])["code"] == 200
    assert [u["id"] for u in management.groups.list_users(code)["list"]] == [users[2]]


def test_permissions_of_a_group(management, unique):
    code, role = unique("pg"), unique("pgr")
    management.groups.create(code, "Perm")
    management.acl.authorize_resource("default", "docs", [{"targetType": "GROUP", "targetIdentifier": code,
                                                           "actions": ["docs:read"]}])
    management.roles.create(role)
    management.graphqlClient.request('mutation($r: String, $g: [String!]) { assignRole(roleCode: $r, groupCodes: $g) '
                                     '{ code } }', {"r": role, "g": [code]}, management.tokenProvider.getAccessToken())
    management.acl.allow("printers:1", "print", "default", role=role)
    listed = management.groups.list_authorized_resources(code, "default")
    assert listed == {"totalCount": 2, "list": [{"code": "docs", "type": "DATA", "actions": ["docs:read"]},
                                                {"code": "printers:1", "type": "DATA", "actions": ["print"]}]}
    assert management.groups.list_authorized_resources(code)["totalCount"] == 2          # every namespace
    assert management.groups.list_authorized_resources(code, resource_type="MENU")["totalCount"] == 0


def test_errors(management, unique):
    code = unique("egrp")
    management.groups.create(code, "E")
    for call, expected in ((lambda: management.groups.create(code, "again"), 2026),
                           (lambda: management.groups.create("with space", "x"), 2231),
                           (lambda: management.groups.update(unique("none"), name="x"), 404),
                           (lambda: management.groups.delete(unique("none")), 404),
                           (lambda: management.groups.delete_many([code, unique("none")]), 404),
                           (lambda: management.groups.add_users(code, ["not-a-user"]), 2004),
                           (lambda: management.groups.add_users(unique("none"), []), 404)):
        with pytest.raises(ApprowException) as ei:
            call()
        assert ei.value.code == expected, ei.value.message
    assert management.groups.detail(code) is not None
    for call in (lambda: management.groups.list_users(unique("none")),
                 lambda: management.groups.list_authorized_resources(unique("none"))):
        with pytest.raises(ApprowException) as ei:
            call()
        assert (ei.value.code, ei.value.message) == (500, "group not exists")


def test_async_groups(approw_emulator, management, unique):
    amanagement = async_management(approw_emulator)
    codes = [unique("ag") for _ in range(3)]
    user_id = management.users.create({"username": unique("agu")})["id"]

    async def scenario():
        await asyncio.gather(*(amanagement.groups.create(c, c) for c in codes))
        await asyncio.gather(*(amanagement.groups.add_users(c, [user_id]) for c in codes))
        members = await asyncio.gather(*(amanagement.groups.list_users(c) for c in codes))
        await amanagement.groups.delete_many(codes)
        return members

    members = asyncio.run(scenario())
    assert [m["list"][0]["id"] for m in members] == [user_id] * 3
    assert management.users.list_groups(user_id)["totalCount"] == 0
