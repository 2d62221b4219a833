"""ManagementClient end to end: users.list/create/detail/update/delete, check_login_status."""

import os
import pickle
import threading

import pytest

from approw.v2.exceptions import (
    ApprowConnectionError,
    ApprowException,
    ApprowWrongArgumentException,
    approwException,
)
from approw.v2.management import ManagementClient, ManagementClientOptions


def test_create_detail_list_update_delete(management, authentication, unique):
    name = unique("alice")
    user = management.users.create({"username": name, "password": "s3cret!",
                                    "email": f"{name}@Example.COM", "nickname": "Al"})
    assert user["username"] == name and user["nickname"] == "Al"
    assert user["email"] == f"{name}@example.com"           # stored lower-case
    assert user["password"] is None                          # never returned
    assert user["id"] and user["arn"].endswith(":user:" + user["id"])
    assert user["status"] == "Activated" and user["gender"] == "U"

    detail = management.users.detail(user["id"])
    assert detail["id"] == user["id"] and detail["identities"] == []
    assert management.users.detail(userId=user["id"])["id"] == user["id"]   # old keyword

    page = management.users.list()
    assert page["totalCount"] >= 1
    assert page["list"][0]["id"] == user["id"]               # newest first
    assert len(page["list"]) <= 10

    updated = management.users.update(user["id"], {"nickname": "Alice", "password": "n3w!"})
    assert updated["nickname"] == "Alice"
    # the new password was encrypted with the emulator's key and works
    assert authentication.login_by_username(name, "n3w!")["id"] == user["id"]
    with pytest.raises(ApprowException) as ei:
        authentication.login_by_username(name, "s3cret!")
    assert ei.value.code == 2006

    assert management.users.delete(user["id"])["code"] == 200
    assert management.users.detail(user["id"]) is None


def test_create_does_not_mutate_the_callers_dict(management, unique):
    info = {"username": unique(), "password": "pw123456"}
    management.users.create(info)
    assert info["password"] == "pw123456"


def test_duplicate_user(management, unique):
    name = unique()
    management.users.create({"username": name, "password": "x1234567"})
    with pytest.raises(ApprowException) as ei:
        management.users.create({"username": name, "password": "x1234567"})
    assert ei.value.code == 2026
    assert "already exists" in ei.value.message
    assert str(ei.value) == f"Approw Request Error: 2026 {ei.value.message}"


def test_pagination(management, unique):
    prefix = unique("page")
    ids = [management.users.create({"username": f"{prefix}-{i}"})["id"] for i in range(5)]
    first = management.users.list(page=1, limit=2)
    second = management.users.list(page=2, limit=2)
    assert [u["id"] for u in first["list"]] == ids[::-1][:2]
    assert [u["id"] for u in second["list"]] == ids[::-1][2:4]
    assert first["totalCount"] == second["totalCount"] >= 5


def test_custom_data(management, approw_emulator, unique):
    client = approw_emulator.client(approw_emulator.management_token())
    client.graphql("mutation { setUdf(targetType: USER, key: \"school\", dataType: STRING, "
                   "label: \"School\") { key } }")
    client.graphql("mutation { setUdf(targetType: USER, key: \"age\", dataType: NUMBER, "
                   "label: \"Age\") { key } }")
    user = management.users.create({"username": unique()},
                                   custom_data={"school": "MIT", "age": 22})
    assert user["customData"] == {"school": "MIT", "age": 22}
    assert management.users.detail(user["id"], with_custom_data=True)["customData"] == {
        "school": "MIT", "age": 22}
    page = management.users.list(limit=1, with_custom_data=True)
    assert page["list"][0]["customData"] == {"school": "MIT", "age": 22}


def test_unknown_user_detail_is_none(management):
    assert management.users.detail("000000000000000000000000") is None
    assert management.users.detail("not-an-id") is None


def test_bad_arguments(management):
    with pytest.raises(ApprowWrongArgumentException, match="userInfo must be a dict"):
        management.users.create("bob")
    with pytest.raises(ApprowWrongArgumentException, match="page must be an int"):
        management.users.list(page="one")                # refused before any request
    with pytest.raises(ApprowException) as ei:          # the server's variable coercion error
        management.graphqlClient.request("query q($page: Int) { users(page: $page) { totalCount } }",
                                         {"page": "one"}, management.tokenProvider.getAccessToken())
    assert ei.value.code == 2231
    with pytest.raises(ApprowException) as ei:          # no identifier at all
        management.users.create({"password": "x1234567"})
    assert ei.value.code == 2231


def test_check_login_status(management, authentication, approw_emulator, unique):
    name = unique()
    management.users.create({"username": name, "password": "pw123456"})
    token = authentication.login_by_username(name, "pw123456")["token"]
    status = management.check_login_status(token)
    assert status["status"] is True and status["code"] == 200
    assert status["data"]["userPoolId"] == approw_emulator.user_pool_id
    bad = management.check_login_status("not.a.token")
    assert bad["status"] is False and bad["code"] in (2206, 2207)


def test_wrong_secret(approw_emulator):
    client = ManagementClient(ManagementClientOptions(
        user_pool_id=approw_emulator.user_pool_id, secret="wrong", host=approw_emulator.url))
    with pytest.raises(approwException) as ei:            # the seed README's spelling
        client.users.list()
    assert ei.value.code == 1001


def test_on_error_is_called_for_each_error(approw_emulator):
    seen = []
    client = ManagementClient(ManagementClientOptions(
        user_pool_id=approw_emulator.user_pool_id, secret=approw_emulator.secret,
        host=approw_emulator.url, on_error=lambda code, message: seen.append((code, message))))
    with pytest.raises(ApprowException) as ei:            # GraphQL errors always raise
        client.users.create({"password": "x"})
    assert seen and seen[-1] == (ei.value.code, ei.value.message)


def test_one_global_client_shared_by_threads(management, unique):
    name = unique("t")
    user = management.users.create({"username": name})
    errors = []

    def worker():
        try:
            for _ in range(25):
                assert management.users.detail(user["id"])["username"] == name
                assert management.users.list(limit=3)["totalCount"] >= 1
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_client_used_before_fork_works_in_child(management, unique):
    user = management.users.create({"username": unique("fork")})
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            code = 0 if management.users.detail(user["id"])["id"] == user["id"] else 3
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert management.users.detail(user["id"])["id"] == user["id"]


def test_transport_failure_is_an_approw_exception(free_port_url):
    client = ManagementClient(ManagementClientOptions(
        user_pool_id="p", secret="s", host=free_port_url, timeout=2000))
    with pytest.raises(ApprowConnectionError) as ei:
        client.users.list()
    assert isinstance(ei.value, ConnectionError) and isinstance(ei.value, ApprowException)
    assert pickle.loads(pickle.dumps(ei.value)).code == ei.value.code


def test_timeout_is_milliseconds_and_honoured(approw_emulator, unique):
    # 1 ms cannot fit a page of 100 users rendered by the (Python) emulator.
    from approw.v2.exceptions import ApprowTimeoutError

    # (1 second, had the value been read as seconds, would never time out here)
    with pytest.warns(UserWarning, match="milliseconds"):
        tiny = ManagementClient(ManagementClientOptions(
            user_pool_id=approw_emulator.user_pool_id, secret=approw_emulator.secret,
            host=approw_emulator.url, timeout=1))
    with pytest.raises(ApprowTimeoutError):
        for _ in range(50):
            tiny.users.list(limit=100)


@pytest.fixture()
def free_port_url():
    """Where nothing listens; the port stays bound (not listening) for the whole test, so no
    other process can take it meanwhile."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{s.getsockname()[1]}"
