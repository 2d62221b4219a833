"""ManagementClient.statistics end to end, on a fresh emulator: the actions just performed
(registrations, sign-ins, failed sign-ins, management changes) are listed, newest first,
filtered and paged."""

import asyncio

import pytest

from pool_helpers import Pool, refused


@pytest.fixture()
def pool(approw_emulator_fresh):
    return Pool(approw_emulator_fresh)


def _names(page):
    return [e["operationName"] for e in page["list"]]


def test_user_actions(pool):
    auth = pool.authentication()
    bob = auth.register_by_username("bob", "pw123456")
    auth.login_by_username("bob", "pw123456", client_ip="198.51.100.7")
    refused(2006, auth.login_by_username, "bob", "wrong")
    refused(2004, auth.login_by_username, "nobody", "pw123456")
    amy = auth.register_by_email("amy@example.com", "pw123456")
    statistics = pool.management.statistics

    everything = statistics.list_user_actions(limit=50)
    assert everything["totalCount"] == len(everything["list"]) == 5
    assert _names(everything) == ["register", "loginFailed", "loginFailed", "login", "register"]   # newest first
    newest = everything["list"][0]
    assert newest["userId"] == amy["id"] and newest["username"] == "amy@example.com"
    assert newest["userpoolId"] == pool.emu.user_pool_id and newest["appId"] == pool.emu.app_id
    assert newest["clientIp"] == "127.0.0.1" and newest["appName"] and newest["timestamp"]
    unknown = everything["list"][1]
    assert unknown["userId"] is None and unknown["operationDesc"] == "No account 'nobody'"

    mine = statistics.list_user_actions(user_ids=[bob["id"]])
    assert _names(mine) == ["loginFailed", "login", "register"]
    assert _names(statistics.list_user_actions(operation_names=["login", "register"])) == \
        ["register", "login", "register"]
    assert _names(statistics.list_user_actions(user_ids=[bob["id"]], operation_names=["loginFailed"])) == \
        ["loginFailed"]
    assert _names(statistics.list_user_actions(client_ip="198.51.100.7")) == ["login"]
    assert statistics.list_user_actions(client_ip="203.0.113.254") == {"totalCount": 0, "list": []}
    second = statistics.list_user_actions(page=2, limit=2)
    assert second["totalCount"] == 5 and second["list"] == everything["list"][2:4]


def test_own_changes_and_logout_are_user_actions(pool):
    auth = pool.authentication()
    auth.register_by_username("bob", "pw123456")
    auth.login_by_username("bob", "pw123456")
    auth.update_profile({"nickname": "Bobby"})
    auth.logout()
    assert _names(pool.management.statistics.list_user_actions()) == ["logout", "updateUser", "login", "register"]
    assert pool.management.statistics.list_audit_logs()["totalCount"] == 0    # no management change


def test_audit_logs(pool):
    management = pool.management
    user = management.users.create({"username": "carl", "password": "pw123456"})
    management.users.update(user["id"], {"nickname": "C"})
    management.userpool.update({"registerDisabled": True})
    stage = management.userpool.add_env("stage", "prod")
    management.users.list()                                                  # reads are not logged
    refused(2026, management.users.create, {"username": "carl"})            # nor refused changes
    logs = management.statistics.list_audit_logs()
    assert _names(logs) == ["addEnv", "updateUserpool", "updateUser", "createUser"]
    created = logs["list"][-1]
    assert created["resourceType"] == "user" and created["resource_arn"] == user["arn"]
    assert created["resourceDesc"] == "carl" and created["operatorType"] == "admin"
    assert created["operatorName"] == "Administrator" and created["clientIp"] == "127.0.0.1"
    env = logs["list"][0]
    assert env["resourceType"] == "env" and env["resource_arn"].endswith(":env:" + stage["id"])
    assert env["resourceDesc"] == "stage"
    assert _names(management.statistics.list_audit_logs(operation_names=["createUser", "addEnv"])) == \
        ["addEnv", "createUser"]
    admin = "arn:cn:approw:%s:userpool:%s" % (pool.emu.user_pool_id, pool.emu.user_pool_id)
    assert management.statistics.list_audit_logs(operator_arns=[admin])["totalCount"] == 4
    assert management.statistics.list_audit_logs(operator_arns=["arn:cn:approw:x:user:y"])["totalCount"] == 0
    assert management.statistics.list_audit_logs(limit=1, page=4)["list"] == [created]
    assert management.statistics.list_user_actions()["totalCount"] == 0     # admin changes are no user actions


def test_async_statistics(pool):
    auth = pool.authentication()
    auth.register_by_username("bob", "pw123456")
    pool.management.users.create({"username": "carl"})
    statistics = pool.amanagement.statistics

    async def scenario():
        return await asyncio.gather(statistics.list_user_actions(operation_names=["register"]),
                                    statistics.list_audit_logs(operation_names=["createUser"]))

    actions, audit = asyncio.run(scenario())
    assert _names(actions) == ["register"] and actions["list"][0]["username"] == "bob"
    assert _names(audit) == ["createUser"] and audit["list"][0]["resourceDesc"] == "carl"
