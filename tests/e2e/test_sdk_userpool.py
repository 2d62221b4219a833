"""ManagementClient.userpool end to end, on a fresh emulator per test (the settings change
what every sign-in does): settings, environment variables, the secret; and the settings
that change behaviour -- registerDisabled, tokenExpiresAfter, loginFailCheck,
frequentRegisterCheck, emailVerifiedDefault."""

import asyncio

import pytest

from approw.v2.exceptions import ApprowException, ApprowWrongArgumentException
from approw.v2.management import ManagementClient
from pool_helpers import Pool, refused


@pytest.fixture()
def pool(approw_emulator_fresh):
    return Pool(approw_emulator_fresh)


def test_detail_and_update(pool):
    detail = pool.management.userpool.detail()
    assert detail["id"] == pool.emu.user_pool_id and detail["secret"] == pool.emu.secret
    assert detail["tokenExpiresAfter"] == 15 * 24 * 3600 and detail["registerDisabled"] is False
    assert detail["loginFailCheck"] == {"timeInterval": 300, "limit": 5, "enabled": False}
    updated = pool.management.userpool.update({"name": "Shop", "description": "d", "loginFailCheck": {"limit": 3}})
    assert updated["name"] == "Shop" and updated["description"] == "d"
    assert updated["loginFailCheck"] == {"timeInterval": 300, "limit": 3, "enabled": False}   # parts kept
    detail_now = pool.management.userpool.detail()
    assert detail_now.pop("ownerId") and detail_now == updated               # updateUserpool selects no ownerId
    assert updated["updatedAt"] >= detail["updatedAt"]


@pytest.mark.parametrize("updates", [{"tokenExpiresAfter": 0}, {"loginFailCheck": {"limit": 0}},
                                     {"name": " "}, {"loginFailStrategy": "lock"}])
def test_bad_settings_are_refused(pool, updates):
    refused(2231, pool.management.userpool.update, updates)


def test_unknown_settings_are_refused_before_sending(pool):
    with pytest.raises(ApprowWrongArgumentException, match="noSuchSetting"):   # the schema's fields, checked locally
        pool.management.userpool.update({"noSuchSetting": 1})


def test_environment_variables(pool):
    userpool = pool.management.userpool
    assert userpool.list_env() == []
    first = userpool.add_env("stage", "production")
    assert first["key"] == "stage" and first["value"] == "production" and first["userPoolId"] == pool.emu.user_pool_id
    userpool.add_env("limits", {"rps": 10, "tags": ["a"]})
    replaced = userpool.add_env("stage", 2)                                   # same key: new value, same id
    assert replaced["id"] == first["id"] and replaced["value"] == 2
    assert [(e["key"], e["value"]) for e in userpool.list_env()] == [("stage", 2), ("limits", {"rps": 10, "tags": ["a"]})]
    assert userpool.remove_env("stage")["code"] == 200
    assert [e["key"] for e in userpool.list_env()] == ["limits"]
    assert refused(2231, userpool.remove_env, "stage").message == "no environment variable 'stage'"
    with pytest.raises(ApprowWrongArgumentException):
        userpool.add_env("", 1)


def test_refresh_secret(pool):
    old = pool.emu.secret
    new = pool.management.userpool.refresh_secret()
    assert new != old and pool.emu.secret == new and pool.management.userpool.detail()["secret"] == new
    assert pool.management.options.secret == new                              # this client switched
    refused(1001, ManagementClient(pool.management_options(old)).users.list)   # the old one gets no token
    assert ManagementClient(pool.management_options(new)).users.list()["totalCount"] == 0
    pool.management.tokenProvider._cached = None                               # a new token, with the new secret
    assert pool.management.users.list()["totalCount"] == 0


def test_register_disabled_refuses_sign_up(pool):
    auth = pool.authentication()
    auth.register_by_username("early", "pw123456")
    assert pool.management.userpool.update({"registerDisabled": True})["registerDisabled"] is True
    for call, args in ((auth.register_by_username, ("late", "pw123456")),
                       (auth.register_by_email, ("late@example.com", "pw123456")),
                       (auth.login_by_username, ("late", "pw123456", True))):        # auto_register
        assert refused(2031, call, *args).message == "App has banned user registration"
    assert auth.login_by_username("early", "pw123456")["token"]                # sign-in still works
    assert pool.management.users.create({"username": "byadmin", "password": "pw123456"})["id"]
    pool.management.userpool.update({"registerDisabled": False})
    assert auth.register_by_username("late", "pw123456")["username"] == "late"


def test_token_expires_after(pool):
    auth = pool.authentication()
    auth.register_by_username("bob", "pw123456")
    default = pool.management.check_login_status(auth.login_by_username("bob", "pw123456")["token"])
    assert default["exp"] - default["iat"] == 15 * 24 * 3600
    pool.management.userpool.update({"tokenExpiresAfter": 600})
    user = auth.login_by_username("bob", "pw123456")
    status = pool.management.check_login_status(user["token"])
    assert status["status"] is True and status["exp"] - status["iat"] == 600
    assert pool.management.users.detail(user["id"])["tokenExpiredAt"] == user["tokenExpiredAt"]
    registered = auth.register_by_username("eve", "pw123456", generate_token=True)
    token = pool.management.check_login_status(registered["token"])
    assert token["exp"] - token["iat"] == 600


def test_failed_logins_lock_the_account(pool):
    auth = pool.authentication()
    auth.register_by_username("bob", "pw123456")
    auth.register_by_username("amy", "pw123456")
    pool.management.userpool.update({"loginFailCheck": {"enabled": True, "limit": 3, "timeInterval": 3600}})
    auth.login_by_username("bob", "pw123456")                                  # a success counts nothing
    for _ in range(3):
        refused(2006, auth.login_by_username, "bob", "wrong")
    error = refused(2000, auth.login_by_username, "bob", "pw123456")           # the right password too
    assert "Too many failed sign-ins" in error.message
    refused(2000, auth.login_by_username, "bob", "wrong")
    assert auth.login_by_username("amy", "pw123456")["token"]                   # per account
    pool.management.userpool.update({"loginFailCheck": {"enabled": False}})
    assert auth.login_by_username("bob", "pw123456")["token"]


def test_block_account_strategy(pool):
    auth = pool.authentication()
    auth.register_by_email("bob@example.com", "pw123456")
    pool.management.userpool.update({"loginFailStrategy": "block-account",
                                     "loginPasswordFailCheck": {"enabled": True, "limit": 2}})
    refused(2006, auth.login_by_email, "bob@example.com", "wrong")
    refused(2006, auth.login_by_email, "bob@example.com", "wrong")
    assert "the account is locked" in refused(2005, auth.login_by_email, "bob@example.com", "pw123456").message


def test_frequent_registration_and_email_verified_default(pool):
    auth = pool.authentication()
    pool.management.userpool.update({"frequentRegisterCheck": {"enabled": True, "limit": 2, "timeInterval": 3600},
                                     "emailVerifiedDefault": True})
    assert auth.register_by_email("a@example.com", "pw123456")["emailVerified"] is True
    auth.register_by_username("b", "pw123456")
    refused(2100, auth.register_by_username, "c", "pw123456")
    assert auth.register_by_username("c", "pw123456", client_ip="198.51.100.7")["username"] == "c"   # per IP
    assert pool.management.users.create({"username": "d"})["emailVerified"] is True


def test_async_userpool(pool):
    userpool = pool.amanagement.userpool

    async def scenario():
        await userpool.update({"registerDisabled": True})
        detail, added = await asyncio.gather(userpool.detail(), userpool.add_env("k", [1, 2]))
        listed = await userpool.list_env()
        removed = await userpool.remove_env("k")
        secret = await userpool.refresh_secret()
        return detail, added, listed, removed, secret

    detail, added, listed, removed, secret = asyncio.run(scenario())
    assert detail["registerDisabled"] is True and added["value"] == [1, 2] and listed == [added]
    assert removed["code"] == 200 and secret == pool.emu.secret
    with pytest.raises(ApprowException) as ei:
        pool.authentication().register_by_username("x", "pw123456")
    assert ei.value.code == 2031
