"""``management.users`` end to end: a user's roles, groups, policies and permissions, and
their custom data."""

import asyncio
import datetime

import pytest

from approw.v2.exceptions import ApprowException
from sdk_helpers import async_management, define_udf


@pytest.fixture()
def user_id(management, unique):
    return management.users.create({"username": unique("acc")})["id"]


def test_roles_of_a_user(management, user_id, unique):
    admin, viewer = unique("admin"), unique("viewer")
    management.roles.create(admin)
    management.roles.create(viewer)
    assert management.users.list_roles(user_id) == {"totalCount": 0, "list": []}
    assert management.users.add_roles(user_id, [admin, viewer])["code"] == 200
    roles = management.users.list_roles(user_id)
    assert roles["totalCount"] == 2 and {r["code"] for r in roles["list"]} == {admin, viewer}
    assert management.users.has_role(user_id, admin) is True
    assert management.users.remove_roles(user_id, [admin])["code"] == 200
    assert management.users.has_role(user_id, admin) is False
    assert management.users.has_role(user_id, viewer, namespace="default") is True
    with pytest.raises(ApprowException) as ei:
        management.users.add_roles(user_id, ["no-such-role"])
    assert ei.value.code == 404
    with pytest.raises(ApprowException) as ei:
        management.users.list_roles("000000000000000000000000")
    assert (ei.value.code, ei.value.message) == (500, "user not exists")


def test_roles_in_another_namespace(management, user_id, unique):
    namespace = unique("ns")
    management.acl.create_namespace(namespace, "NS")
    management.roles.create("editor", namespace=namespace)
    management.users.add_roles(user_id, ["editor"], namespace)
    assert [r["namespace"] for r in management.users.list_roles(user_id, namespace)["list"]] == [namespace]
    assert management.users.has_role(user_id, "editor") is True              # every namespace
    management.users.remove_roles(user_id, ["editor"], namespace)
    assert management.users.list_roles(user_id)["totalCount"] == 0
    with pytest.raises(ApprowException) as ei:
        management.users.add_roles(user_id, ["editor"], "no-such-namespace")
    assert ei.value.code == 3003


def test_groups_of_a_user(management, user_id, unique):
    group = unique("grp")
    management.groups.create(group, "Group")
    assert management.users.list_groups(user_id) == {"totalCount": 0, "list": []}
    assert management.users.add_group(user_id, group)["code"] == 200
    assert [g["code"] for g in management.users.list_groups(user_id)["list"]] == [group]
    assert management.users.remove_group(user_id, group)["code"] == 200
    assert management.users.remove_group(user_id, group)["code"] == 200      # not a member: fine
    assert management.users.list_groups(user_id)["totalCount"] == 0
    with pytest.raises(ApprowException) as ei:
        management.users.add_group(user_id, "no-such-group")
    assert ei.value.code == 404


def test_policies_of_a_user(management, user_id, unique):
    policy = unique("pol")
    management.policies.create(policy, [{"resource": "books:*", "actions": ["books:read"]}])
    assert management.users.add_policies(user_id, [policy])["code"] == 200
    page = management.users.list_policies(user_id)
    assert page == {"totalCount": 1, "list": [{"code": policy, "targetType": "USER", "targetIdentifier": user_id}]}
    assert management.users.list_policies(user_id, page=2, limit=1)["list"] == []
    assert management.users.remove_policies(user_id, [policy])["code"] == 200
    assert management.users.list_policies(user_id)["totalCount"] == 0


def test_permissions_of_a_user(management, user_id, unique):
    namespace = unique("perm")
    management.acl.create_namespace(namespace, "Perm")
    management.acl.authorize_resource(namespace, "books:1", [
        {"targetType": "USER", "targetIdentifier": user_id, "actions": ["books:read"]}])
    management.acl.authorize_resource(namespace, "books:*", [
        {"targetType": "USER", "targetIdentifier": user_id, "actions": ["books:list"]}])
    listed = management.users.list_authorized_resources(user_id, namespace)
    assert listed == {"totalCount": 2, "list": [{"code": "books:1", "type": "DATA", "actions": ["books:read"]},
                                                {"code": "books:*", "type": "DATA", "actions": ["books:list"]}]}
    assert management.users.list_authorized_resources(user_id, namespace, "MENU") == {"totalCount": 0, "list": []}
    assert len(management.users.list_authorized_resources(user_id)["list"]) >= 2        # every namespace
    batch = management.users.check_resource_permission_batch(user_id, namespace, ["books:2", "books:1", "cars:1"])
    assert batch == [{"code": "books:2", "actions": ["books:list"]},
                     {"code": "books:1", "actions": ["books:read", "books:list"]}]
    kind = management.users.list_authorized_resources_of_resource_kind(user_id, namespace, "books")
    assert kind == [{"code": "books:1", "actions": ["books:read"]}]
    with pytest.raises(ApprowException) as ei:
        management.users.list_authorized_resources("000000000000000000000000")
    assert ei.value.message == "user not exists"


def test_custom_data_of_a_user(management, user_id, unique):
    school, age, born = unique("school"), unique("age"), unique("born")
    for key, data_type in ((school, "STRING"), (age, "NUMBER"), (born, "DATETIME")):
        define_udf(management, "USER", key, data_type)
    assert management.users.list_udv(user_id) == []
    stored = management.users.set_udv(user_id, school, "华中科技大学")
    assert stored == [{"key": school, "dataType": "STRING", "value": "华中科技大学", "label": school}]
    when = datetime.datetime(2021, 11, 25, 13, 10, 52, 123456)
    assert management.users.set_udf_value(user_id, {age: 22, born: when}) is True
    assert management.users.get_udf_value(user_id) == {school: "华中科技大学", age: 22, born: when}
    typed = management.users.list_udv(user_id)
    assert [(i["key"], i["value"]) for i in typed] == [(school, "华中科技大学"), (age, 22), (born, when)]
    other = management.users.create({"username": unique("udv")})["id"]
    assert management.users.set_udf_value_batch({user_id: {age: 23}, other: {age: 30, school: "MIT"}}) is True
    assert management.users.get_udf_value_batch([user_id, other]) == {
        user_id: {school: "华中科技大学", age: 23, born: when}, other: {age: 30, school: "MIT"}}
    left = management.users.remove_udv(user_id, school)
    assert [i["key"] for i in left] == [age, born]
    assert management.users.remove_udf_value(user_id, age) is True
    assert management.users.get_udf_value(user_id) == {born: when}
    with pytest.raises(ApprowException) as ei:
        management.users.set_udv(user_id, age, "not a number")
    assert ei.value.code == 2231


def test_async_access(approw_emulator, management, user_id, unique):
    amanagement = async_management(approw_emulator)
    role, group = unique("arole"), unique("agroup")

    async def scenario():
        await asyncio.gather(amanagement.roles.create(role), amanagement.groups.create(group, "G"))
        await asyncio.gather(amanagement.users.add_roles(user_id, [role]), amanagement.users.add_group(user_id, group))
        return await asyncio.gather(amanagement.users.has_role(user_id, role), amanagement.users.list_groups(user_id))

    has_role, groups = asyncio.run(scenario())
    assert has_role is True and [g["code"] for g in groups["list"]] == [group]
