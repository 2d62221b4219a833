"""``management.roles`` end to end: roles, their users and policies, their permissions and
custom data; concurrent membership changes on one role."""

import asyncio
import threading

import pytest

from approw.v2.exceptions import ApprowException
from sdk_helpers import async_management, define_udf


def test_create_detail_list_update_delete(management, unique):
    namespace = unique("rns")
    management.acl.create_namespace(namespace, "Roles")
    parent = management.roles.create("employee", "Everyone", namespace=namespace)
    child = management.roles.create("manager", "Managers", "employee", namespace)       # parentCode
    assert child["parent"]["code"] == "employee" and child["namespace"] == namespace
    assert child["arn"].endswith(":role:" + child["id"]) and parent["description"] == "Everyone"
    assert management.roles.detail("manager", namespace)["id"] == child["id"]
    assert management.roles.detail("manager") is None                      # another namespace
    page = management.roles.list(namespace=namespace)
    assert page["totalCount"] == 2 and [r["code"] for r in page["list"]] == ["manager", "employee"]
    assert management.roles.list(2, 1, namespace)["list"][0]["code"] == "employee"
    updated = management.roles.update("manager", "Leads", "lead", namespace)
    assert (updated["code"], updated["description"]) == ("lead", "Leads")
    assert management.roles.update("lead", description="Team leads", namespace=namespace)["code"] == "lead"
    assert management.roles.delete("lead", namespace)["code"] == 200
    assert management.roles.detail("lead", namespace) is None
    management.roles.create("a", namespace=namespace)
    assert management.roles.delete_many(["a", "employee"], namespace)["code"] == 200
    assert management.roles.list(namespace=namespace)["totalCount"] == 0


def test_errors(management, unique):
    code = unique("dup")
    management.roles.create(code)
    for call, expected in ((lambda: management.roles.create(code), 2026),
                           (lambda: management.roles.create("bad code"), 2231),
                           (lambda: management.roles.create(unique("x"), parentCode="no-such-role"), 404),
                           (lambda: management.roles.create(unique("x"), namespace="no-such-ns"), 3003),
                           (lambda: management.roles.update("no-such-role", "d"), 404),
                           (lambda: management.roles.delete("no-such-role"), 404),
                           (lambda: management.roles.delete_many([code, "no-such-role"]), 404),
                           (lambda: management.roles.add_users(code, ["not-a-user"]), 2004),
                           (lambda: management.roles.add_users(code, []), 2231)):
        with pytest.raises(ApprowException) as ei:
            call()
        assert ei.value.code == expected, ei.value.message
    assert management.roles.detail(code) is not None
    with pytest.raises(ApprowException) as ei:
        management.roles.list_users("no-such-role")
    assert (ei.value.code, ei.value.message) == (500, "role not exists")


def test_users_of_a_role(management, unique):
    role = unique("members")
    management.roles.create(role)
    define_udf(management, "USER", "rank", "NUMBER")
    users = [management.users.create({"username": unique("m")}, custom_data={"rank": i})["id"] for i in range(3)]
    assert management.roles.list_users(role) == {"totalCount": 0, "list": []}
    assert management.roles.add_users(role, users)["code"] == 200
    page = management.roles.list_users(role)                                 # page 0: the first page
    assert page["totalCount"] == 3 and {u["id"] for u in page["list"]} == set(users)
    assert len(management.roles.list_users(role, 1, 2)["list"]) == 2
    with_data = management.roles.list_users(role, limit=10, with_custom_data=True)
    assert sorted(u["customData"]["rank"] for u in with_data["list"]) == [0, 1, 2]
    assert management.roles.remove_users(role, users[:2])["code"] == 200
    assert [u["id"] for u in management.roles.list_users(role)["list"]] == [users[2]]


def test_policies_and_permissions_of_a_role(management, unique):
    role, policy = unique("prole"), unique("ppol")
    management.roles.create(role)
    management.policies.create(policy, [{"resource": "books:*", "actions": ["books:read"]}])
    assert management.roles.add_policies(role, [policy])["code"] == 200
    assert management.roles.list_policies(role) == {
        "totalCount": 1, "list": [{"code": policy, "targetType": "ROLE", "targetIdentifier": role}]}
    assert management.roles.list_authorized_resources(role, "default") == {
        "totalCount": 1, "list": [{"code": "books:*", "type": "DATA", "actions": ["books:read"]}]}
    assert management.roles.list_authorized_resources(role, "default", "MENU")["totalCount"] == 0
    assert management.roles.remove_policies(role, [policy])["code"] == 200
    assert management.roles.list_policies(role, page=1, limit=5)["totalCount"] == 0
    management.acl.allow("books:1", "books:edit", "default", role=role)
    assert management.roles.list_authorized_resources(role, "default")["list"] == [
        {"code": "books:1", "type": "DATA", "actions": ["books:edit"]}]
    with pytest.raises(ApprowException) as ei:
        management.roles.list_authorized_resources("no-such-role", "default")
    assert (ei.value.code, ei.value.message) == (500, "role not exists")


def test_custom_data_of_roles(management, unique):
    level, tag = unique("level"), unique("tag")
    define_udf(management, "ROLE", level, "NUMBER")
    define_udf(management, "ROLE", tag, "STRING")
    a = management.roles.create(unique("udr"))
    b = management.roles.create(unique("udr"))
    assert management.roles.get_udf_value(a["id"]) == {}
    assert management.roles.set_udf_value(a["id"], {level: 3, tag: "x"}) is True
    assert management.roles.get_udf_value(a["id"]) == {level: 3, tag: "x"}
    assert management.roles.get_specific_udf_value(a["id"], level) == 3
    assert management.roles.get_specific_udf_value(a["id"], "absent") is None
    assert management.roles.set_udf_value_batch({a["id"]: {level: 4}, b["id"]: {tag: "y"}}) is True
    assert management.roles.get_udf_value_batch([a["id"], b["id"]]) == {a["id"]: {level: 4, tag: "x"},
                                                                         b["id"]: {tag: "y"}}
    assert management.roles.remove_udf_value(a["id"], tag) is True
    assert management.roles.get_udf_value(a["id"]) == {level: 4}
    with pytest.raises(ApprowException) as ei:
        management.roles.get_udf_value("000000000000000000000000")
    assert ei.value.code == 404


def test_concurrent_add_and_remove_never_lose_an_update(management, unique):
    role = unique("busy")
    management.roles.create(role)
    keep = [management.users.create({"username": unique("keep")})["id"] for _ in range(24)]
    drop = [management.users.create({"username": unique("drop")})["id"] for _ in range(24)]
    management.roles.add_users(role, drop)
    barrier = threading.Barrier(8)
    errors = []

    def work(i: int) -> None:
        try:
            barrier.wait()
            for j in range(i, 24, 8):
                management.roles.add_users(role, [keep[j]])
                management.roles.remove_users(role, [drop[j]])
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    page = management.roles.list_users(role, limit=100)
    assert page["totalCount"] == 24 and {u["id"] for u in page["list"]} == set(keep)


def test_async_roles(approw_emulator, management, unique):
    amanagement = async_management(approw_emulator)
    codes = [unique("ar") for _ in range(4)]
    user_id = management.users.create({"username": unique("aru")})["id"]

    async def scenario():
        await asyncio.gather(*(amanagement.roles.create(c) for c in codes))
        await asyncio.gather(*(amanagement.roles.add_users(c, [user_id]) for c in codes))
        listed = await asyncio.gather(*(amanagement.roles.list_users(c) for c in codes))
        await amanagement.roles.delete_many(codes)
        return listed, await amanagement.roles.detail(codes[0])

    listed, after = asyncio.run(scenario())
    assert all(page["list"][0]["id"] == user_id for page in listed) and after is None
    assert management.users.list_roles(user_id)["totalCount"] == 0
