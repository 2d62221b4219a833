"""management.applications end to end: applications and secrets, active users, resources and
roles in the application's namespace, access policies and agreements, over the C transport
against the emulator."""
import asyncio

import pytest

from approw.v2.authentication import AsyncAuthenticationClient, AuthenticationClient
from approw.v2.exceptions import ApprowException, ApprowWrongArgumentException
from approw.v2.management import AsyncManagementClient, ManagementClient, ManagementClientOptions

ACTIONS = [{"name": "books:read", "description": "Read"}, {"name": "books:write", "description": "Write"}]


@pytest.fixture()
def app(management, unique):
    created = management.applications.create(unique("Books"), unique("books"), ["https://books.example/cb"])
    yield created
    try:
        management.applications.delete(created["id"])
    except ApprowException:
        pass                                          # the test deleted it


@pytest.fixture()
def person(approw_emulator, unique):
    """A user with a password, and a function logging them in through an application."""
    name = unique("person")
    user = approw_emulator.create_user(username=name, password="passw0rd")

    def login(auth_options, app_id):
        client = AuthenticationClient(auth_options(app_id=app_id))
        client.login_by_username(name, "passw0rd")
        return client

    return user, login


def test_create_list_and_find_by_id(management, app, approw_emulator, unique):
    assert app["id"] and app["secret"] and app["redirectUris"] == ["https://books.example/cb"]
    assert app["permissionStrategy"]["defaultStrategy"] == "ALLOW_ALL" and app["isDefault"] is False
    page = management.applications.list(page=1, limit=100)
    assert page["list"][0]["id"] == approw_emulator.app_id and page["list"][0]["isDefault"] is True
    assert app["id"] in [a["id"] for a in page["list"]]
    assert management.applications.list(page=1, limit=1)["totalCount"] == page["totalCount"]
    found = management.applications.find_by_id(app["id"])
    assert (found["name"], found["identifier"], found["secret"]) == (app["name"], app["identifier"], app["secret"])
    assert management.applications.find_by_id("000000000000000000000000") is None
    with_logo = management.applications.create(unique("Logo"), unique("logo"), [], "https://x.example/l.png")
    assert with_logo["logo"] == "https://x.example/l.png"
    management.applications.delete(with_logo["id"])


def test_create_refuses_bad_input(management, app, unique):
    with pytest.raises(ApprowException) as ei:
        management.applications.create(unique("Dup"), app["identifier"].upper(), [])
    assert ei.value.code == 2039                      # identifiers are unique regardless of case
    with pytest.raises(ApprowException) as ei:
        management.applications.create(unique("Bad"), "not a subdomain", [])
    assert ei.value.code == 2231
    with pytest.raises(ApprowException) as ei:
        management.applications.create(unique("Bad"), unique("bad"), ["ftp://nope"])
    assert ei.value.code == 2231
    with pytest.raises(ApprowWrongArgumentException):
        management.applications.create(unique("Bad"), unique("bad"), "https://x.example/cb")
    with pytest.raises(ApprowWrongArgumentException):
        management.applications.create("  ", unique("bad"), [])


def test_delete(management, approw_emulator, unique):
    created = management.applications.create(unique("Gone"), unique("gone"), [])
    management.applications.create_role(created["id"], "editor")
    assert management.applications.delete(created["id"]) is True
    assert management.applications.find_by_id(created["id"]) is None
    codes = [n["code"] for n in management.acl.list_namespaces(page=1, limit=1000)["list"]]
    assert created["id"] not in codes                 # its namespace went with it
    with pytest.raises(ApprowException) as ei:
        management.applications.delete(created["id"])
    assert ei.value.code == 2011
    with pytest.raises(ApprowException) as ei:
        management.applications.delete(approw_emulator.app_id)
    assert ei.value.code == 1001                      # the pool's default application stays


def test_a_refreshed_secret_refuses_the_old_one(management, app, auth_options):
    client = AuthenticationClient(auth_options(app_id=app["id"], secret=app["secret"]))
    assert client.introspect_token("whatever") == {"active": False}
    refreshed = management.applications.refresh_application_secret(app["id"])
    assert refreshed["secret"] != app["secret"] and refreshed["id"] == app["id"]
    assert client.introspect_token("whatever")["error"] == "invalid_client"
    fresh = AuthenticationClient(auth_options(app_id=app["id"], secret=refreshed["secret"]))
    assert fresh.introspect_token("whatever") == {"active": False}
    assert management.applications.find_by_id(app["id"])["secret"] == refreshed["secret"]
    with pytest.raises(ApprowException) as ei:
        management.applications.refresh_application_secret("000000000000000000000000")
    assert ei.value.code == 2011


def test_refreshing_the_default_applications_secret(approw_emulator_fresh, auth_options):
    emu = approw_emulator_fresh
    management = ManagementClient(ManagementClientOptions(
        user_pool_id=emu.user_pool_id, secret=emu.secret, host=emu.url, enc_public_key=emu.public_key))
    old = emu.app_secret
    new = management.applications.refresh_application_secret(emu.app_id)["secret"]
    assert emu.app_secret == new != old
    client = AuthenticationClient(auth_options(app_id=emu.app_id, app_host=emu.url, secret=old))
    assert client.get_access_token_by_client_credentials("x:y", emu.app_id, old)["error"] == "unauthorized_client"
    assert client.introspect_token("whatever")["error"] == "invalid_client"     # the old secret, refused
    client = AuthenticationClient(auth_options(app_id=emu.app_id, app_host=emu.url, secret=new))
    assert client.introspect_token("whatever") == {"active": False}


def test_active_users(management, app, person, auth_options):
    user, login = person
    assert management.applications.active_users(app["id"])["totalCount"] == 0
    client = login(auth_options, app["id"])
    page = management.applications.active_users(app["id"], page=1, limit=10)
    assert [u["id"] for u in page["list"]] == [user["id"]]
    client.logout()
    assert management.applications.active_users(app["id"])["totalCount"] == 0
    with pytest.raises(ApprowWrongArgumentException):
        management.applications.active_users(app["id"], page=-1)


def test_resources_live_in_the_applications_namespace(management, app):
    created = management.applications.create_resource(app["id"], "books", "DATA", ACTIONS, "All books")
    assert created["code"] == "books" and [a["name"] for a in created["actions"]] == ["books:read", "books:write"]
    assert management.applications.list_resources(app["id"])["totalCount"] == 1
    assert management.applications.list_resources(app["id"], resource_type="MENU")["totalCount"] == 0
    assert management.acl.list_resources(app["id"])["list"][0]["code"] == "books"
    updated = management.applications.update_resource(app["id"], "books", description="Every book")
    assert updated["description"] == "Every book" and updated["type"] == "DATA"    # the type stays
    assert management.applications.find_resource_by_code(app["id"], "books")["description"] == "Every book"
    assert management.applications.delete_resource(app["id"], "books") is True
    assert management.applications.find_resource_by_code(app["id"], "books") is None
    with pytest.raises(ApprowWrongArgumentException):
        management.applications.create_resource(app["id"], "x", "BOOKS", ACTIONS)
    with pytest.raises(ApprowWrongArgumentException):
        management.applications.list_resources(app["id"], resource_type="123")


def test_roles_of_an_application(management, app, approw_emulator, unique):
    user = approw_emulator.create_user(username=unique("reader"))
    role = management.applications.create_role(app["id"], "reader", "Reads books")
    assert role["namespace"] == app["id"] and role["code"] == "reader"
    assert management.roles.detail("reader", app["id"])["id"] == role["id"]
    assert management.applications.find_role(app["id"], "reader")["description"] == "Reads books"
    assert management.applications.find_role(app["id"], "") is None
    assert management.applications.update_role(app["id"], "reader", "Reads")["description"] == "Reads"
    assert management.applications.get_roles(app["id"])["totalCount"] == 1
    assert management.applications.add_users_to_role(app["id"], "reader", [user["id"]])["code"] == 200
    assert [u["id"] for u in management.applications.get_users_by_role_code(app["id"], "reader")["list"]] == \
        [user["id"]]
    management.acl.allow("books:*", "books:read", app["id"], role="reader")
    assert management.acl.is_allowed(user["id"], "books:read", "books:1", app["id"]) is True
    assert management.acl.is_allowed(user["id"], "books:read", "books:1", "default") is False
    resources = management.applications.list_authorized_resources_by_role(app["id"], "reader")
    assert [r["code"] for r in resources["list"]] == ["books:*"]
    assert management.applications.list_authorized_resources_by_role(app["id"], "reader", "MENU")["totalCount"] == 0
    assert management.applications.remove_users_from_role(app["id"], "reader", [user["id"]])["code"] == 200
    assert management.applications.get_users_by_role_code(app["id"], "reader")["totalCount"] == 0
    renamed = management.applications.update_role(app["id"], "reader", new_code="viewer")
    assert renamed["code"] == "viewer"
    management.applications.create_role(app["id"], "other")
    assert management.applications.delete_role(app["id"], "viewer")["code"] == 200
    assert management.applications.delete_roles(app["id"], ["other"])["code"] == 200
    assert management.applications.get_roles(app["id"])["totalCount"] == 0


def test_access_policies(management, app, person, approw_emulator, unique):
    user, _ = person
    other = approw_emulator.create_user(username=unique("other"))
    assert management.applications.get_access_policies(app["id"]) == {"totalCount": 0, "list": []}
    assert management.applications.allow_access(app["id"], "USER", [user["id"]]) is True
    assert management.applications.deny_access(app["id"], "USER", [other["id"]]) is True
    records = management.applications.get_access_policies(app["id"], page=1, limit=10)
    assert [(r["targetIdentifier"], r["effect"], r["enabled"]) for r in records["list"]] == \
        [(user["id"], "ALLOW", True), (other["id"], "DENY", True)]
    assert management.applications.get_access_policies(app["id"], page=2, limit=1)["list"][0]["targetIdentifier"] \
        == other["id"]
    assert management.applications.disable_access_policy(app["id"], "USER", [other["id"]]) is True
    assert [r["enabled"] for r in management.applications.get_access_policies(app["id"])["list"]] == [True, False]
    assert management.applications.enable_access_policy(app["id"], "USER", [other["id"]]) is True
    assert management.applications.delete_access_policy(app["id"], "USER", [other["id"]]) is True
    assert management.applications.get_access_policies(app["id"])["totalCount"] == 1
    with pytest.raises(ApprowException) as ei:
        management.applications.enable_access_policy(app["id"], "USER", [other["id"]])
    assert ei.value.code == 404                       # nothing to enable
    with pytest.raises(ApprowException) as ei:
        management.applications.allow_access(app["id"], "ROLE", ["no-such-role"])
    assert ei.value.code == 404
    with pytest.raises(ApprowWrongArgumentException):
        management.applications.allow_access(app["id"], "PERSON", [user["id"]])
    with pytest.raises(ApprowWrongArgumentException):
        management.applications.get_access_policies(app["id"], page=-1)


def test_the_default_strategy_and_policies_decide_who_may_sign_in(management, app, person, auth_options):
    user, login = person
    updated = management.applications.update_default_access_policy(app["id"], "DENY_ALL")
    assert updated["permissionStrategy"]["defaultStrategy"] == "DENY_ALL"
    with pytest.raises(ApprowException) as ei:
        login(auth_options, app["id"])
    assert ei.value.code == 1001
    management.applications.allow_access(app["id"], "USER", [user["id"]])
    client = login(auth_options, app["id"])
    assert app["id"] in [a["id"] for a in client.list_applications(page=1, limit=100)["list"]]
    management.applications.update_default_access_policy(app["id"], "ALLOW_ALL")
    management.applications.deny_access(app["id"], "USER", [user["id"]])          # a deny wins
    with pytest.raises(ApprowException) as ei:
        login(auth_options, app["id"])
    assert ei.value.code == 1001
    assert app["id"] not in [a["id"] for a in client.list_applications(page=1, limit=100)["list"]]
    management.applications.disable_access_policy(app["id"], "USER", [user["id"]])
    assert login(auth_options, app["id"]).get_current_user()["id"] == user["id"]
    with pytest.raises(ApprowWrongArgumentException):
        management.applications.update_default_access_policy(app["id"], "ALLOW_SOME")


def test_policies_reach_users_through_groups_roles_and_nodes(management, app, person, auth_options, unique):
    user, login = person
    management.applications.update_default_access_policy(app["id"], "DENY_ALL")
    group = unique("grp")
    management.groups.create(group, "Readers")
    management.groups.add_users(group, [user["id"]])
    management.applications.allow_access(app["id"], "GROUP", [group])
    assert login(auth_options, app["id"])
    management.applications.delete_access_policy(app["id"], "GROUP", [group])
    management.applications.create_role(app["id"], "member")
    management.applications.add_users_to_role(app["id"], "member", [user["id"]])
    management.applications.allow_access(app["id"], "ROLE", ["member"])
    assert login(auth_options, app["id"])
    management.applications.delete_access_policy(app["id"], "ROLE", ["member"])
    org = management.org.create_org(unique("org"))
    team = management.org.create_node("Team", org["id"], org["rootNode"]["id"])
    management.org.add_members(team["id"], [user["id"]])
    management.applications.allow_access(app["id"], "ORG", [org["rootNode"]["id"]])      # the parent node only
    with pytest.raises(ApprowException):
        login(auth_options, app["id"])
    management.applications.allow_access(app["id"], "ORG", [org["rootNode"]["id"]], inherit_by_children=True)
    assert login(auth_options, app["id"])


def test_agreements(management, app):
    first = management.applications.create_agreement(app["id"], "Terms of service")
    assert (first["required"], first["lang"], first["order"], first["appId"]) == (True, "zh-CN", 1, app["id"])
    second = management.applications.create_agreement(app["id"], "Privacy policy", False, "en-US")
    assert isinstance(second["id"], int) and second["order"] == 2
    listed = management.applications.list_agreement(app["id"])
    assert [a["id"] for a in listed["list"]] == [first["id"], second["id"]] and listed["totalCount"] == 2
    changed = management.applications.modify_agreement(app["id"], first["id"], {"title": "Terms", "required": False})
    assert (changed["title"], changed["required"], changed["lang"]) == ("Terms", False, "zh-CN")
    assert management.applications.sort_agreement(app["id"], [second["id"], first["id"]]) is True
    assert [a["id"] for a in management.applications.list_agreement(app["id"])["list"]] == [second["id"], first["id"]]
    with pytest.raises(ApprowException) as ei:
        management.applications.sort_agreement(app["id"], [second["id"]])
    assert ei.value.code == 2231                      # every agreement, each once
    assert management.applications.delete_agreement(app["id"], second["id"]) is True
    assert management.applications.list_agreement(app["id"])["totalCount"] == 1
    with pytest.raises(ApprowException) as ei:
        management.applications.delete_agreement(app["id"], second["id"])
    assert ei.value.code == 404
    with pytest.raises(ApprowException) as ei:
        management.applications.create_agreement(app["id"], "Bad", lang="not a language")
    assert ei.value.code == 2231
    with pytest.raises(ApprowWrongArgumentException):
        management.applications.modify_agreement(app["id"], first["id"], {"text": "x"})


def test_async_applications_flow(approw_emulator, auth_options, unique):
    amanagement = AsyncManagementClient(ManagementClientOptions(
        user_pool_id=approw_emulator.user_pool_id, secret=approw_emulator.secret,
        host=approw_emulator.url, enc_public_key=approw_emulator.public_key))
    name = unique("async-app-user")
    user = approw_emulator.create_user(username=name, password="passw0rd")

    async def scenario():
        app = await amanagement.applications.create(unique("Async"), unique("async"), [])
        await asyncio.gather(amanagement.applications.create_agreement(app["id"], "Terms"),
                             amanagement.applications.create_resource(app["id"], "docs", "DATA", ACTIONS),
                             amanagement.applications.update_default_access_policy(app["id"], "DENY_ALL"))
        await amanagement.applications.allow_access(app["id"], "USER", [user["id"]])
        client = AsyncAuthenticationClient(auth_options(app_id=app["id"]))
        await client.login_by_username(name, "passw0rd")
        active = await amanagement.applications.active_users(app["id"])
        refreshed = await amanagement.applications.refresh_application_secret(app["id"])
        policies = await amanagement.applications.get_access_policies(app["id"])
        await amanagement.applications.delete(app["id"])
        return app, active, refreshed, policies

    app, active, refreshed, policies = asyncio.run(scenario())
    assert [u["id"] for u in active["list"]] == [user["id"]]
    assert refreshed["secret"] != app["secret"]
    assert policies["list"][0]["targetIdentifier"] == user["id"]
