"""management.org end to end: organisations, nodes, moves, members and main departments,
import and export, over the C transport against the emulator."""
import asyncio
import json

import pytest

from approw.v2.exceptions import ApprowException, ApprowWrongArgumentException
from approw.v2.management import AsyncManagementClient, ManagementClientOptions


@pytest.fixture()
def org(management, unique):
    """An organisation Acme with Dev (code dev) and Dev/Backend (code be) under its root."""
    created = management.org.create_org(unique("Acme"), unique("acme"), "the company")
    dev = management.org.create_node("Dev", created["id"], created["rootNode"]["id"], "dev")
    backend = management.org.create_node("Backend", created["id"], dev["id"], "be")
    return {"id": created["id"], "root": created["rootNode"], "dev": dev, "backend": backend}


@pytest.fixture()
def people(approw_emulator, unique):
    return [approw_emulator.create_user(username=unique("member")) for _ in range(3)]


def test_create_org_and_create(management, unique):
    name, code = unique("Org"), unique("org")
    created = management.org.create_org(name, code, "desc")
    assert created["rootNode"]["name"] == name and created["rootNode"]["code"] == code
    assert created["rootNode"]["root"] is True and created["rootNode"]["description"] == "desc"
    assert [n["id"] for n in created["nodes"]] == [created["rootNode"]["id"]]
    other = management.org.create(unique("Other"), "second", None)
    assert other["rootNode"]["description"] == "second" and other["rootNode"]["code"] is None
    assert other["id"] != created["id"]


def test_create_node_and_add_node(management, org):
    assert org["dev"]["path"] == [org["root"]["id"], org["dev"]["id"]]
    assert org["backend"]["depth"] == 2 and org["backend"]["root"] is False
    ops = management.org.add_node(org["id"], org["root"]["id"],
                                  {"name": "Ops", "code": "ops", "order": 10, "nameI18n": '{"fr": "Exploitation"}'})
    assert ops["order"] == 10 and ops["nameI18n"] == '{"fr": "Exploitation"}'
    under_root = management.org.add_node(org["id"], None, {"name": "Sales", "description": "they sell"})
    assert under_root["path"][0] == org["root"]["id"] and under_root["description"] == "they sell"
    # a larger order sorts first among siblings
    children = management.org.list_children(org["id"], org["root"]["id"])
    assert [c["name"] for c in children] == ["Ops", "Dev", "Sales"]
    with pytest.raises(ApprowException) as ei:
        management.org.add_node(org["id"], org["root"]["id"], {"name": "Copy", "code": "dev"})
    assert ei.value.code == 2026                      # codes are unique within an organisation
    with pytest.raises(ApprowException) as ei:
        management.org.create_node("Lost", org["id"], "000000000000000000000000")
    assert ei.value.code == 404


def test_list_find_by_id_and_delete_by_id(management, org):
    page = management.org.list(page=1, limit=100)
    assert page["totalCount"] >= 1 and org["id"] in [o["id"] for o in page["list"]]
    assert management.org.list(limit=1, sort_by="CREATEDAT_DESC")["list"][0]["id"]
    found = management.org.find_by_id(org["id"])
    assert found["rootNode"]["id"] == org["root"]["id"]
    assert [n["name"] for n in found["nodes"]][1:] == ["Dev", "Backend"]
    assert management.org.delete_by_id(org["id"])["code"] == 200
    with pytest.raises(ApprowException) as ei:
        management.org.find_by_id(org["id"])
    assert ei.value.code == 404
    assert management.org.find_node_by_id(org["dev"]["id"]) is None


def test_update_node(management, org):
    updated = management.org.update_node(org["dev"]["id"], {"name": "R&D", "description": "research"})
    assert (updated["name"], updated["code"], updated["description"]) == ("R&D", "dev", "research")
    assert management.org.update_node(org["root"]["id"], {"code": "acme-corp"})["code"] == "acme-corp"
    assert management.org.find_by_id(org["id"])["rootNode"]["code"] == "acme-corp"
    with pytest.raises(ApprowException) as ei:
        management.org.update_node(org["backend"]["id"], {"code": "dev"})
    assert ei.value.code == 2026


def test_delete_node_removes_the_subtree_and_its_memberships(management, org, people):
    management.org.add_members(org["backend"]["id"], [people[0]["id"]])
    management.org.add_members(org["dev"]["id"], [people[1]["id"]])
    management.org.add_members(org["root"]["id"], [people[1]["id"]])
    assert management.org.delete_node(org["id"], org["dev"]["id"])["code"] == 200
    assert management.org.find_node_by_id(org["backend"]["id"]) is None
    assert management.users.detail(people[0]["id"])["id"]             # users stay
    assert management.org.list_members(org["root"]["id"], include_children_nodes=True)["totalCount"] == 1
    assert [n["name"] for n in management.org.find_by_id(org["id"])["nodes"]] == [org["root"]["name"]]
    # deleting the root deletes the organisation
    management.org.delete_node(org["id"], org["root"]["id"])
    with pytest.raises(ApprowException):
        management.org.root_node(org["id"])


def test_move_node(management, org):
    ops = management.org.create_node("Ops", org["id"], org["root"]["id"])
    moved = management.org.move_node(org["id"], org["backend"]["id"], ops["id"])
    assert {n["id"]: n["path"] for n in moved["nodes"]}[org["backend"]["id"]] == \
        [org["root"]["id"], ops["id"], org["backend"]["id"]]
    assert management.org.list_children(org["id"], org["dev"]["id"]) == []


def test_moving_a_node_under_its_descendant_is_refused(management, org):
    for target in (org["backend"]["id"], org["dev"]["id"]):
        with pytest.raises(ApprowException) as ei:
            management.org.move_node(org["id"], org["dev"]["id"], target)
        assert ei.value.code == 2231 and "descendants" in ei.value.message
    with pytest.raises(ApprowException) as ei:
        management.org.move_node(org["id"], org["root"]["id"], org["dev"]["id"])
    assert ei.value.code == 2231                      # the root stays the root
    assert management.org.find_node_by_id(org["backend"]["id"])["path"] == \
        [org["root"]["id"], org["dev"]["id"], org["backend"]["id"]]


def test_root_node_and_is_root_node(management, org):
    root = management.org.root_node(org["id"])
    assert root["id"] == org["root"]["id"] and root["namePath"] == [org["root"]["name"]]
    assert management.org.is_root_node(org["id"], org["root"]["id"]) is True
    assert management.org.is_root_node(org["id"], org["dev"]["id"]) is False
    with pytest.raises(ApprowException) as ei:
        management.org.is_root_node("000000000000000000000000", org["dev"]["id"])
    assert ei.value.code == 404


def test_list_children(management, org):
    (child,) = management.org.list_children(org["id"], org["dev"]["id"])
    assert child["id"] == org["backend"]["id"] and child["depth"] == 1
    assert management.org.list_children(org["id"], org["backend"]["id"]) == []


def test_find_node_by_id_and_by_code(management, org):
    node = management.org.find_node_by_id(org["backend"]["id"])
    assert node["code"] == "be" and node["children"] == []
    assert management.org.find_node_by_id("000000000000000000000000") is None
    assert management.org.find_node_by_code(org["id"], "be")["id"] == org["backend"]["id"]
    assert management.org.find_node_by_code(org["id"], "missing") is None


def test_search_nodes(management, org, unique):
    name = unique("Quality")
    node = management.org.create_node(name, org["id"], org["dev"]["id"], unique("qa"))
    (found,) = management.org.search_nodes(name.lower())
    assert found["id"] == node["id"] and found["namePath"] == [org["root"]["name"], "Dev", name]
    assert found["codePath"][-1] == node["code"]
    with pytest.raises(ApprowWrongArgumentException):
        management.org.search_nodes("  ")


def test_add_and_list_members(management, org, people):
    added = management.org.add_members(org["backend"]["id"], [p["id"] for p in people[:2]])
    assert added["users"]["totalCount"] == 2
    management.org.add_members(org["backend"]["id"], [people[0]["id"]])      # twice: harmless
    management.org.add_members(org["dev"]["id"], [people[2]["id"]], is_leader=True)
    assert management.org.list_members(org["dev"]["id"])["totalCount"] == 1
    everyone = management.org.list_members(org["dev"]["id"], include_children_nodes=True)
    assert sorted(u["id"] for u in everyone["list"]) == sorted(p["id"] for p in people)
    page = management.org.list_members(org["dev"]["id"], page=2, limit=2, include_children_nodes=True)
    assert page["totalCount"] == 3 and len(page["list"]) == 1
    with pytest.raises(ApprowException) as ei:
        management.org.add_members(org["dev"]["id"], ["000000000000000000000000"])
    assert ei.value.code == 2004
    with pytest.raises(ApprowException) as ei:
        management.org.list_members("000000000000000000000000")
    assert (ei.value.code, ei.value.message) == (500, "department not exists")


def test_remove_members(management, org, people):
    management.org.add_members(org["dev"]["id"], [p["id"] for p in people])
    left = management.org.remove_members(org["dev"]["id"], [people[0]["id"], people[1]["id"]])
    assert [u["id"] for u in left["users"]["list"]] == [people[2]["id"]]
    again = management.org.remove_members(org["dev"]["id"], [people[0]["id"]])   # not a member: fine
    assert again["users"]["totalCount"] == 1


DEPARTMENTS = ("query($id: String!) { user(id: $id) { departments { totalCount list { isMainDepartment "
               "department { id } } } } }")


def main_departments(emu, user_id):
    """{node id: is main} of a user's departments."""
    admin = emu.client(emu.management_token())
    found = admin.graphql(DEPARTMENTS, {"id": user_id})["data"]["user"]["departments"]["list"]
    return {d["department"]["id"]: d["isMainDepartment"] for d in found}


def test_move_members_and_main_departments(management, org, people, approw_emulator):
    user_id = people[0]["id"]
    management.org.add_members(org["dev"]["id"], [user_id])
    management.org.add_members(org["root"]["id"], [user_id])
    # the first department is the main one
    assert main_departments(approw_emulator, user_id) == {org["dev"]["id"]: True, org["root"]["id"]: False}
    assert management.org.move_members([user_id], org["dev"]["id"], org["backend"]["id"])["code"] == 200
    assert management.org.list_members(org["dev"]["id"])["totalCount"] == 0
    assert management.org.list_members(org["backend"]["id"])["list"][0]["id"] == user_id
    # the main department moved along
    assert main_departments(approw_emulator, user_id) == {org["backend"]["id"]: True, org["root"]["id"]: False}
    with pytest.raises(ApprowException) as ei:
        management.org.move_members([people[1]["id"]], org["dev"]["id"], org["backend"]["id"])
    assert ei.value.code == 2231                      # not a member of the source
    assert management.org.set_main_department(user_id, org["root"]["id"])["code"] == 200
    assert main_departments(approw_emulator, user_id) == {org["backend"]["id"]: False, org["root"]["id"]: True}
    with pytest.raises(ApprowException) as ei:
        management.org.set_main_department(user_id, org["dev"]["id"])
    assert ei.value.code == 2231                      # not one of the user's departments
    # removing the main membership hands it to the earliest remaining one
    management.org.remove_members(org["root"]["id"], [user_id])
    assert main_departments(approw_emulator, user_id) == {org["backend"]["id"]: True}
    assert management.org.set_main_department(user_id)["code"] == 200
    assert main_departments(approw_emulator, user_id) == {org["backend"]["id"]: False}


def test_import_by_json_and_export(management, people, unique):
    code = unique("imp")
    tree = {"name": "Imported", "code": code, "description": "from JSON", "children": [
        {"name": "Ops", "code": code + "-ops", "order": 1, "members": [people[0]["id"]]},
        {"name": "Dev", "code": code + "-dev", "order": 2, "nameI18n": {"fr": "Dév"},
         "children": [{"name": "Backend"}]}]}
    imported = management.org.import_by_json(tree)
    assert imported["root"] is True and imported["code"] == code and imported["depth"] == 0
    assert [c["name"] for c in imported["children"]] == ["Dev", "Ops"]        # larger order first
    dev, ops = imported["children"]
    assert json.loads(dev["nameI18n"]) == {"fr": "Dév"}
    assert dev["children"][0]["name"] == "Backend" and dev["children"][0]["depth"] == 2
    assert [m["id"] for m in ops["members"]] == [people[0]["id"]]
    org_id = imported["orgId"]
    assert management.org.find_node_by_code(org_id, code + "-ops")["id"] == ops["id"]

    again = management.org.import_by_json(json.dumps({"name": "Imported", "code": code}))
    assert again["orgId"] != org_id                   # codes repeat across organisations
    exported = management.org.export_by_org_id(org_id)
    assert exported["id"] == imported["id"] and exported["children"][1]["members"][0]["id"] == people[0]["id"]
    assert org_id in [t["orgId"] for t in management.org.export_all()]
    with pytest.raises(ApprowException) as ei:
        management.org.export_by_org_id("000000000000000000000000")
    assert ei.value.code == 404
    with pytest.raises(ApprowException) as ei:
        management.org.import_by_json({"name": "Bad", "children": [{"code": "no-name"}]})
    assert ei.value.code == 2231 and "children[0].name" in ei.value.message
    with pytest.raises(ApprowWrongArgumentException):
        management.org.import_by_json("{not json")


def test_user_side_departments_and_org_paths(management, org, people, approw_emulator):
    user_id = people[0]["id"]
    management.org.add_members(org["backend"]["id"], [user_id])
    admin = approw_emulator.client(approw_emulator.management_token())
    status, body = admin.get(f"/api/v2/users/{user_id}/orgs")
    (path,) = body["data"]
    assert [n["id"] for n in path] == [org["root"]["id"], org["dev"]["id"], org["backend"]["id"]]
    assert main_departments(approw_emulator, user_id) == {org["backend"]["id"]: True}


def test_bad_arguments_are_refused_before_any_request(management):
    with pytest.raises(ApprowWrongArgumentException):
        management.org.create_org(None)
    with pytest.raises(ApprowWrongArgumentException, match="unknown node field"):
        management.org.add_node("o", "n", {"name": "x", "parent": "y"})
    with pytest.raises(ApprowWrongArgumentException, match="name"):
        management.org.add_node("o", "n", {"code": "x"})
    with pytest.raises(ApprowWrongArgumentException, match="unknown node field"):
        management.org.update_node("n", {"order": 3})
    with pytest.raises(ApprowWrongArgumentException):
        management.org.add_members("n", "u1")
    with pytest.raises(ApprowWrongArgumentException):
        management.org.list_members("n", page="2")


def test_async_org_flow(approw_emulator, unique):
    amanagement = AsyncManagementClient(ManagementClientOptions(
        user_pool_id=approw_emulator.user_pool_id, secret=approw_emulator.secret,
        host=approw_emulator.url, enc_public_key=approw_emulator.public_key))
    user = approw_emulator.create_user(username=unique("async-member"))

    async def scenario():
        created = await amanagement.org.create_org(unique("AsyncOrg"))
        root = created["rootNode"]["id"]
        a, b = await asyncio.gather(amanagement.org.create_node("A", created["id"], root),
                                    amanagement.org.create_node("B", created["id"], root))
        await amanagement.org.add_members(a["id"], [user["id"]])
        await amanagement.org.move_node(created["id"], a["id"], b["id"])
        members = await amanagement.org.list_members(b["id"], include_children_nodes=True)
        with pytest.raises(ApprowException):
            await amanagement.org.move_node(created["id"], b["id"], a["id"])
        tree = await amanagement.org.export_by_org_id(created["id"])
        await amanagement.org.delete_by_id(created["id"])
        return members, tree

    members, tree = asyncio.run(scenario())
    assert [u["id"] for u in members["list"]] == [user["id"]]
    assert tree["children"][0]["children"][0]["members"][0]["id"] == user["id"]


# --- roles and permissions of nodes ----------------------------------------------------------


def test_add_list_and_remove_roles(management, org, unique):
    parent_role, child_role = unique("orgrole"), unique("orgrole")
    management.roles.create(parent_role)
    management.roles.create(child_role)
    assert management.org.add_roles(org["root"]["id"], [parent_role])["code"] == 200
    management.org.add_roles(org["dev"]["id"], [child_role, parent_role])     # the root's role again
    # a node lists its own roles and its ancestors', each once
    assert sorted(r["code"] for r in management.org.list_roles(org["dev"]["id"])["list"]) == \
        sorted([parent_role, child_role])
    assert management.org.list_roles(org["backend"]["id"], "default")["totalCount"] == 2
    assert management.org.list_roles(org["root"]["id"])["totalCount"] == 1
    assert management.org.remove_roles(org["dev"]["id"], [child_role])["code"] == 200
    assert [r["code"] for r in management.org.list_roles(org["dev"]["id"])["list"]] == [parent_role]
    with pytest.raises(ApprowException) as ei:
        management.org.add_roles(org["dev"]["id"], ["no-such-role"])
    assert ei.value.code == 404
    with pytest.raises(ApprowException) as ei:
        management.org.list_roles("000000000000000000000000")
    assert (ei.value.code, ei.value.message) == (500, "department not exists")
    with pytest.raises(ApprowWrongArgumentException):
        management.org.add_roles(org["dev"]["id"], parent_role)


def test_a_member_inherits_the_nodes_role_and_its_grant(management, org, people, unique):
    member, outsider = people[0]["id"], people[1]["id"]
    management.org.add_members(org["backend"]["id"], [member])
    role = unique("auditor")
    management.roles.create(role)
    management.acl.allow("ledger:*", "ledger:read", "default", role=role)
    management.org.add_roles(org["dev"]["id"], [role])          # on the member's parent node
    assert [r["code"] for r in management.org.list_roles(org["backend"]["id"])["list"]] == [role]
    assert management.acl.is_allowed(member, "ledger:read", "ledger:42", "default") is True
    assert management.acl.is_allowed(member, "ledger:write", "ledger:42", "default") is False
    assert management.acl.is_allowed(outsider, "ledger:read", "ledger:42", "default") is False
    codes = [r["code"] for r in management.users.list_authorized_resources(member, "default")["list"]]
    assert "ledger:*" in codes
    # leaving the node, or the node losing the role, ends the permission
    management.org.remove_roles(org["dev"]["id"], [role])
    assert management.acl.is_allowed(member, "ledger:read", "ledger:42", "default") is False
    management.org.add_roles(org["dev"]["id"], [role])
    management.org.remove_members(org["backend"]["id"], [member])
    assert management.acl.is_allowed(member, "ledger:read", "ledger:42", "default") is False


def test_list_authorized_resources_of_a_node(management, org, unique):
    namespace = unique("ns")
    management.acl.create_namespace(namespace, "Node grants")
    management.acl.authorize_resource("default", "wiki", [
        {"targetType": "ORG", "targetIdentifier": org["root"]["id"], "actions": ["wiki:read"]}])
    management.acl.authorize_resource(namespace, "reports", [
        {"targetType": "ORG", "targetIdentifier": org["dev"]["id"], "actions": ["reports:read"]}])
    everything = management.org.list_authorized_resources(org["backend"]["id"])   # ancestors' grants too
    assert sorted(r["code"] for r in everything["list"]) == ["reports", "wiki"]
    assert [r["code"] for r in management.org.list_authorized_resources(org["dev"]["id"], namespace)["list"]] == \
        ["reports"]
    assert management.org.list_authorized_resources(org["root"]["id"], "default", "MENU")["totalCount"] == 0
    by_code = management.org.list_authorized_resources_by_node_code(org["id"], "be", namespace)
    assert [r["code"] for r in by_code["list"]] == ["reports"] and by_code["list"][0]["actions"] == ["reports:read"]
    with pytest.raises(ApprowException) as ei:
        management.org.list_authorized_resources_by_node_code(org["id"], "missing")
    assert (ei.value.code, ei.value.message) == (500, "department not exists")
    with pytest.raises(ApprowWrongArgumentException, match="resource_type"):
        management.org.list_authorized_resources(org["dev"]["id"], resource_type="BOOKS")


def test_a_deleted_node_takes_its_roles_and_grants_along(management, org, people, unique):
    role = unique("gone")
    management.roles.create(role)
    management.org.add_roles(org["backend"]["id"], [role])
    management.acl.authorize_resource("default", "tickets", [
        {"targetType": "ORG", "targetIdentifier": org["backend"]["id"], "actions": ["tickets:read"]}])
    management.org.add_members(org["backend"]["id"], [people[0]["id"]])
    assert management.acl.is_allowed(people[0]["id"], "tickets:read", "tickets:1", "default") is True
    management.org.delete_node(org["id"], org["dev"]["id"])
    assert management.acl.is_allowed(people[0]["id"], "tickets:read", "tickets:1", "default") is False
    assert management.roles.list_users(role)["totalCount"] == 0
    targets = management.acl.get_authorized_targets("default", "DATA", "tickets")
    assert org["backend"]["id"] not in [t["targetIdentifier"] for t in targets["list"]]
