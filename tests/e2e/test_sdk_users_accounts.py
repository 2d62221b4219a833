"""``management.users`` end to end: lookups (find, search, batch, exists, archived), deleting
several users, tokens and sessions of a user, and the extras (sort order, identity)."""

import asyncio

import pytest

from approw.v2.exceptions import ApprowException, ApprowWrongArgumentException
from clock import next_millisecond
from sdk_helpers import async_management


def test_find(management, unique):
    name = unique("find")
    user = management.users.create({"username": name, "email": f"{name}@Example.com", "phone": f"+86{id(name)}"})
    management.users.update(user["id"], {"externalId": f"ext-{name}"})
    assert management.users.find(email=f"{name}@EXAMPLE.COM")["id"] == user["id"]     # any case
    assert management.users.find(username=name)["id"] == user["id"]
    assert management.users.find(phone=user["phone"])["id"] == user["id"]
    assert management.users.find(external_id=f"ext-{name}")["id"] == user["id"]
    assert management.users.find(username=name.upper()) is None                      # usernames: exact case
    assert management.users.find(username=name, email="other@example.com") is None   # every criterion
    assert management.users.find(username=name, with_custom_data=True)["customData"] == {}
    assert management.users.find(username="nobody-" + name, with_custom_data=True) is None


def test_create_with_identity_then_find_by_identity(management, unique):
    name = unique("idp")
    identity = {"provider": "github", "userIdInIdp": name, "isSocial": True}
    user = management.users.create({"username": name}, identity=identity, reset_password_on_first_login=True)
    assert management.users.find(identity={"provider": "github", "userIdInIdp": name})["id"] == user["id"]
    assert management.users.detail(user["id"])["identities"][0]["provider"] == "github"


def test_search(management, unique):
    prefix = unique("srch")
    users = [management.users.create({"username": f"{prefix}-{i}", "nickname": f"Nick {prefix} {i}"})
             for i in range(3)]
    page = management.users.search(prefix, page=1, limit=2)
    assert page["totalCount"] == 3 and [u["id"] for u in page["list"]] == [users[2]["id"], users[1]["id"]]
    assert management.users.search(f"Nick {prefix} 1", fields=["nickname"])["list"][0]["id"] == users[1]["id"]
    assert management.users.search(prefix, fields=["email"])["totalCount"] == 0
    group, role = unique("g"), unique("r")
    management.groups.create(group, "G")
    management.groups.add_users(group, [users[0]["id"]])
    management.roles.create(role)
    management.roles.add_users(role, [users[1]["id"]])
    in_group = management.users.search(prefix, group_opts=[{"code": group}], with_custom_data=True)
    assert [u["id"] for u in in_group["list"]] == [users[0]["id"]] and in_group["list"][0]["customData"] == {}
    assert [u["id"] for u in management.users.search(prefix, role_opts=[{"code": role, "namespace": "default"}])[
        "list"]] == [users[1]["id"]]
    org = management.org.create_org(unique("o"))
    dept = management.org.create_node("D", org["id"], org["rootNode"]["id"])
    management.org.add_members(dept["id"], [users[2]["id"]])
    in_dept = management.users.search(prefix, department_opts=[{"departmentId": dept["id"]}])
    assert [u["id"] for u in in_dept["list"]] == [users[2]["id"]]
    under_root = [{"departmentId": org["rootNode"]["id"], "includeChildrenDepartments": True}]
    assert management.users.search(prefix, department_opts=under_root)["totalCount"] == 1
    assert management.users.search(prefix, department_opts=[{"departmentId": org["rootNode"]["id"]}])[
        "totalCount"] == 0
    for opts in ({"role_opts": [{"code": "no-such-role"}]}, {"department_opts": [{"departmentId": "d1"}]}):
        with pytest.raises(ApprowException) as ei:
            management.users.search(prefix, **opts)
        assert ei.value.code == 404


def test_batch_get_batch_and_delete_many(management, unique):
    names = [unique("batch") for _ in range(3)]
    users = [management.users.create({"username": n, "email": f"{n}@example.com"}) for n in names]
    ids = [u["id"] for u in users]
    assert [u["id"] for u in management.users.batch_get([ids[2], ids[0], "nobody"])] == [ids[2], ids[0]]
    assert [u["username"] for u in management.users.batch_get(names[:2], "username")] == names[:2]
    by_email = management.users.batch_get([f"{names[1]}@example.com"], query_field="email", with_custom_data=True)
    assert by_email[0]["id"] == ids[1] and by_email[0]["customData"] == {}
    assert [u["id"] for u in management.users.batch(ids[:2])] == ids[:2]
    with pytest.raises(ApprowException) as ei:
        management.users.batch_get(["x"] * 81)
    assert ei.value.code == 2030
    assert management.users.delete_many(ids)["code"] == 200
    assert management.users.batch_get(ids) == []


def test_exists_and_archived_users(management, approw_emulator, unique):
    name = unique("exists")
    management.users.create({"username": name, "email": f"{name}@example.com"})
    assert management.users.exists(username=name) is True
    assert management.users.exists(email=f"{name}@EXAMPLE.com") is True
    assert management.users.exists(username=name.upper()) is False
    assert management.users.exists(phone="+0000" + name) is False
    archived = approw_emulator.create_user(username=unique("arch"), status="Archived")
    page = management.users.list_archived_users(page=1, limit=100)
    assert archived["id"] in [u["id"] for u in page["list"]]
    assert all(u["status"] == "Archived" for u in page["list"])


def test_list_sort_by(management, unique):
    first = management.users.create({"username": unique("sort")})
    second = management.users.create({"username": unique("sort")})
    newest = [u["id"] for u in management.users.list(limit=2)["list"]]
    assert newest == [second["id"], first["id"]]
    next_millisecond()      # else the update can tie with second's creation (ms stamps)
    management.users.update(first["id"], {"nickname": "touched"})
    assert management.users.list(limit=1, sort_by="UPDATEDAT_DESC")["list"][0]["id"] == first["id"]
    oldest = management.users.list(limit=1, sort_by="CREATEDAT_ASC")["list"][0]
    assert oldest["createdAt"] <= first["createdAt"]


def test_refresh_token_kick_logout_and_login_status(management, authentication, unique):
    name = unique("sess")
    user = management.users.create({"username": name, "password": "pw123456"})
    refreshed = management.users.refresh_token(user["id"])
    assert refreshed["token"] and refreshed["exp"] > refreshed["iat"]
    assert management.check_login_status(refreshed["token"])["data"]["id"] == user["id"]
    token = authentication.login_by_username(name, "pw123456")["token"]
    status = management.users.check_login_status(user["id"])
    assert status["isLogin"] is True and status["user"]["id"] == user["id"]
    assert management.users.kick([user["id"], "not-a-user"]) is True
    assert management.check_login_status(token)["status"] is False
    assert management.users.check_login_status(user["id"])["isLogin"] is False
    token = authentication.login_by_username(name, "pw123456")["token"]
    assert management.users.logout(user["id"]) is True
    assert management.check_login_status(token)["status"] is False
    token = authentication.login_by_username(name, "pw123456")["token"]
    assert management.users.logout(user["id"], app_id="another-app") is True     # other apps only
    assert management.check_login_status(token)["status"] is True


def test_a_user_in_no_organisation(management, unique):
    user = management.users.create({"username": unique("noorg")})
    assert management.users.list_org(user["id"]) == []
    assert management.users.list_department(user["id"]) == {"departments": {"totalCount": 0, "list": []}}
    assert management.users.list_department("000000000000000000000000") is None
    with pytest.raises(ApprowException) as ei:
        management.users.list_org("000000000000000000000000")
    assert ei.value.code == 2004


def test_bad_arguments_never_reach_the_server(management):
    for call in (lambda: management.users.find(email=5), lambda: management.users.kick("u1"),
                 lambda: management.users.batch_get("u1"), lambda: management.users.list(sort_by="newest"),
                 lambda: management.users.search("x", group_opts={"code": "g"})):
        with pytest.raises(ApprowWrongArgumentException):
            call()


def test_async_lookups(approw_emulator, unique):
    amanagement = async_management(approw_emulator)
    names = [unique("async") for _ in range(3)]

    async def scenario():
        users = await asyncio.gather(*(amanagement.users.create({"username": n}) for n in names))
        found, batch, exists, token = await asyncio.gather(
            amanagement.users.find(username=names[0]), amanagement.users.batch_get([u["id"] for u in users]),
            amanagement.users.exists(username=names[1]), amanagement.users.refresh_token(users[2]["id"]))
        await amanagement.users.delete_many([u["id"] for u in users])
        return users, found, batch, exists, token, await amanagement.users.exists(username=names[1])

    users, found, batch, exists, token, after = asyncio.run(scenario())
    assert found["id"] == users[0]["id"] and [u["id"] for u in batch] == [u["id"] for u in users]
    assert exists is True and after is False and token["token"]


def test_search_with_a_huge_query_is_a_2231_not_a_500(management):
    with pytest.raises(ApprowException) as ei:
        management.users.search("a" * 60000)
    assert ei.value.code == 2231 and "too long" in str(ei.value)
    assert management.users.search("a" * 1000)["totalCount"] == 0
