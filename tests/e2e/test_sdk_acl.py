"""``management.acl`` end to end: namespaces, resources, grants and checks; and the scenarios
of the evaluation (a permission through a role, through a group, a DENY overriding an ALLOW,
revoking, deleting the role)."""

import asyncio

import pytest

from approw.v2.exceptions import ApprowException, ApprowWrongArgumentException
from sdk_helpers import async_management

ACTIONS = [{"name": "books:read", "description": "Read"}, {"name": "books:edit", "description": "Edit"}]


@pytest.fixture()
def namespace(management, unique):
    return management.acl.create_namespace(unique("acl"), "ACL tests")["code"]


@pytest.fixture()
def user_id(management, unique):
    return management.users.create({"username": unique("aclu")})["id"]


def test_namespaces(management, unique):
    code = unique("ns")
    created = management.acl.create_namespace(code, "Books", "All books")
    assert isinstance(created["id"], int) and (created["code"], created["name"]) == (code, "Books")
    updated = management.acl.update_namespace(created["id"], name="Library")
    assert (updated["name"], updated["code"], updated["description"]) == ("Library", code, "All books")
    assert management.acl.update_namespace(str(created["id"]), code=code + "-2")["code"] == code + "-2"
    page = management.acl.list_namespaces(1, 100)
    assert page["total"] >= 2 and "default" in [n["code"] for n in page["list"]]
    assert code + "-2" in [n["code"] for n in management.acl.list_namespaces(limit=100)["list"]]
    assert management.acl.delete_namespace(created["id"]) is True
    for call, expected in ((lambda: management.acl.delete_namespace(created["id"]), 3003),
                           (lambda: management.acl.update_namespace(created["id"], name="x"), 3005),
                           (lambda: management.acl.create_namespace("default", "again"), 2026)):
        with pytest.raises(ApprowException) as ei:
            call()
        assert ei.value.code == expected


def test_resources(management, namespace):
    created = management.acl.create_resource(namespace, "books", "DATA", ACTIONS, "Books")
    assert created["code"] == "books" and created["actions"] == ACTIONS and created["id"]
    assert management.acl.find_resource_by_code("books", namespace)["id"] == created["id"]
    assert management.acl.find_resource_by_code("books") is None                 # not in default
    updated = management.acl.update_resource(namespace, "books", "API", ACTIONS[:1], "Book API")
    assert (updated["type"], updated["actions"], updated["description"]) == ("API", ACTIONS[:1], "Book API")
    assert management.acl.update_resource(namespace, "books", description="Still")["type"] == "API"
    management.acl.create_resource(namespace, "menu", "MENU", [])
    assert management.acl.list_resources(namespace)["totalCount"] == 2
    assert [r["code"] for r in management.acl.list_resources(namespace, "MENU")["list"]] == ["menu"]
    assert management.acl.list_resources(namespace, page=2, limit=1)["list"][0]["code"] == "books"
    assert management.acl.delete_resource(namespace, "menu") is True
    assert management.acl.list_resources(namespace)["totalCount"] == 1
    with pytest.raises(ApprowException) as ei:
        management.acl.delete_resource(namespace, "menu")
    assert ei.value.code == 404
    with pytest.raises(ApprowException) as ei:
        management.acl.create_resource("no-such-namespace", "x", "DATA", [])
    assert ei.value.code == 3003


def test_allow_is_allowed_and_listings(management, namespace, user_id, unique):
    assert management.acl.allow("books:1", "books:read", namespace, user_id=user_id)["code"] == 200
    assert management.acl.is_allowed(user_id, "books:read", "books:1", namespace) is True
    assert management.acl.is_allowed(user_id, "books:edit", "books:1", namespace) is False
    assert management.acl.is_allowed(userId=user_id, action="books:read", resource="books:1",
                                     namespace=namespace) is True            # the old keyword
    assert management.acl.is_allowed(user_id, "books:read", "books:1") is False   # another namespace
    role = unique("aclr")
    management.roles.create(role, namespace=namespace)
    management.acl.allow("books:*", "books:list", namespace, role=role)
    assert management.acl.list_authorized_resources(namespace, "ROLE", role) == {
        "totalCount": 1, "list": [{"code": "books:*", "type": "DATA", "actions": ["books:list"]}]}
    assert management.acl.list_authorized_resources(namespace, "USER", user_id, "DATA")["totalCount"] == 1
    targets = management.acl.get_authorized_targets(namespace, "DATA", "books:1")
    assert targets == {"totalCount": 1, "list": [{"targetType": "USER", "targetIdentifier": user_id,
                                                  "actions": ["books:read"]}]}
    assert management.acl.get_authorized_targets(namespace, "DATA", "books:*", {"op": "OR", "list": ["books:list"]},
                                                 "ROLE")["list"][0]["targetIdentifier"] == role
    with pytest.raises(ApprowException) as ei:
        management.acl.allow("books", "books:read", namespace, user_id=user_id)   # not type:id, type:* or *
    assert ei.value.code == 2231


def test_authorize_revoke_and_is_action_denied(management, namespace, user_id, unique):
    group = unique("aclg")
    management.groups.create(group, "G")
    opts = [{"targetType": "USER", "targetIdentifier": user_id, "actions": ["books:read", "books:edit"]},
            {"targetType": "GROUP", "targetIdentifier": group, "actions": ["books:read"]}]
    assert management.acl.authorize_resource(namespace, "books", opts) is True
    assert management.acl.authorize_resource(namespace, "menu", opts[:1], "MENU") is True
    assert management.users.list_authorized_resources(user_id, namespace, "MENU")["list"][0]["code"] == "menu"
    assert management.acl.is_allowed(user_id, "books:edit", "books:42", namespace)
    assert management.acl.revoke_resource(namespace, "books", [{"targetType": "USER", "targetIdentifier": user_id}])
    assert not management.acl.is_allowed(user_id, "books:edit", "books:42", namespace)
    assert management.acl.list_authorized_resources(namespace, "GROUP", group)["totalCount"] == 1   # kept
    assert management.acl.is_action_denied(user_id, "books:edit", "books:42", namespace) is False
    with pytest.raises(ApprowWrongArgumentException):
        management.acl.revoke_resource(namespace, "books", [{"targetType": "USER"}])


# --------------------------------------------------------------------------- scenarios
def test_permission_through_a_role_then_revoked_then_role_deleted(management, user_id, unique):
    role = unique("editor")
    management.roles.create(role)
    management.roles.add_users(role, [user_id])
    management.acl.authorize_resource("default", "articles:*", [
        {"targetType": "ROLE", "targetIdentifier": role, "actions": ["articles:edit"]}])
    assert management.acl.is_allowed(user_id, "articles:edit", "articles:7", "default")
    assert management.users.list_authorized_resources(user_id, "default")["list"] == [
        {"code": "articles:*", "type": "DATA", "actions": ["articles:edit"]}]
    management.acl.revoke_resource("default", "articles:*", [{"targetType": "ROLE", "targetIdentifier": role}])
    assert not management.acl.is_allowed(user_id, "articles:edit", "articles:7", "default")
    management.acl.allow("articles:7", "articles:edit", "default", role=role)
    assert management.acl.is_allowed(user_id, "articles:edit", "articles:7", "default")
    management.roles.delete(role)
    assert not management.acl.is_allowed(user_id, "articles:edit", "articles:7", "default")
    assert management.users.list_authorized_resources(user_id, "default")["totalCount"] == 0
    management.roles.create(role)                           # the same code again starts empty
    assert management.roles.list_authorized_resources(role, "default")["totalCount"] == 0


def test_permission_through_a_group(management, user_id, unique):
    group = unique("readers")
    management.groups.create(group, "Readers")
    management.acl.authorize_resource("default", "papers:1", [
        {"targetType": "GROUP", "targetIdentifier": group, "actions": ["papers:read"]}])
    assert not management.acl.is_allowed(user_id, "papers:read", "papers:1", "default")
    management.users.add_group(user_id, group)
    assert management.acl.is_allowed(user_id, "papers:read", "papers:1", "default")
    management.groups.remove_users(group, [user_id])
    assert not management.acl.is_allowed(user_id, "papers:read", "papers:1", "default")


def test_deny_overrides_allow(management, user_id, unique):
    role, deny = unique("staff"), unique("nodelete")
    management.roles.create(role)
    management.roles.add_users(role, [user_id])
    management.acl.allow("files:*", "files:*", "default", user_id=user_id)          # everything on files
    assert management.acl.is_allowed(user_id, "files:delete", "files:1", "default")
    management.policies.create(deny, [{"resource": "files:*", "actions": ["files:delete"], "effect": "DENY"}])
    management.roles.add_policies(role, [deny])
    assert not management.acl.is_allowed(user_id, "files:delete", "files:1", "default")
    assert management.acl.is_allowed(user_id, "files:read", "files:1", "default")
    assert management.acl.is_action_denied(user_id, "files:delete", "files:1") is True
    assert management.users.check_resource_permission_batch(user_id, "default", ["files:1"]) == [
        {"code": "files:1", "actions": ["files:*"]}]
    management.roles.remove_policies(role, [deny])
    assert management.acl.is_allowed(user_id, "files:delete", "files:1", "default")


def test_async_acl(approw_emulator, management, user_id, unique):
    amanagement = async_management(approw_emulator)
    resources = [f"{unique('ares')}:1" for _ in range(4)]

    async def scenario():
        await asyncio.gather(*(amanagement.acl.allow(r, "read", "default", user_id=user_id) for r in resources))
        checks = await asyncio.gather(*(amanagement.acl.is_allowed(user_id, "read", r, "default") for r in resources))
        await amanagement.acl.revoke_resource("default", resources[0], [{"targetType": "USER",
                                                                         "targetIdentifier": user_id}])
        return checks, await amanagement.acl.is_allowed(user_id, "read", resources[0], "default")

    checks, after = asyncio.run(scenario())
    assert checks == [True] * 4 and after is False
