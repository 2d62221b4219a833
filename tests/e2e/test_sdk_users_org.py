"""``management.users`` end to end with organisations: a user's org paths and departments,
and permissions that reach a user through an org node.  Runs once the emulator has its
organisations domain (until then the pool has no organisations; see
test_sdk_users_accounts.py::test_a_user_in_no_organisation)."""

import pytest

pytest.importorskip("approw.emulator.domains.org")


@pytest.fixture()
def org(management, unique):
    return management.org.create_org(unique("org"), unique("orgcode"))


def test_list_org_and_list_department(management, org, unique):
    user_id = management.users.create({"username": unique("member")})["id"]
    root = org["rootNode"]
    child = management.org.create_node(unique("dept"), org["id"], root["id"])
    management.org.add_members(child["id"], [user_id])
    paths = management.users.list_org(user_id)
    assert len(paths) == 1 and [node["id"] for node in paths[0]] == [root["id"], child["id"]]
    departments = management.users.list_department(user_id)["departments"]
    assert departments["totalCount"] == 1 and departments["list"][0]["department"]["id"] == child["id"]
    assert management.users.list_department(user_id, org_id=org["id"])["departments"]["totalCount"] == 1


def test_permission_through_an_org_node(management, org, unique):
    user_id = management.users.create({"username": unique("member")})["id"]
    root = org["rootNode"]
    child = management.org.create_node(unique("dept"), org["id"], root["id"])
    management.org.add_members(child["id"], [user_id])
    role = unique("noderole")
    management.roles.create(role)
    management.org.add_roles(root["id"], [role])              # the child's members inherit the root's roles
    management.acl.allow("reports:*", "reports:read", "default", role=role)
    assert management.acl.is_allowed(user_id, "reports:read", "reports:1", "default")
    management.acl.authorize_resource("default", "wiki", [{"targetType": "ORG", "targetIdentifier": child["id"],
                                                           "actions": ["wiki:edit"]}])
    assert management.acl.is_allowed(user_id, "wiki:edit", "wiki:home", "default")
    codes = [r["code"] for r in management.users.list_authorized_resources(user_id, "default")["list"]]
    assert sorted(codes) == ["reports:*", "wiki"]
