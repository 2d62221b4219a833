"""ManagementClient.whitelist end to end, on a fresh emulator: the lists, and sign-up under
an enabled list (listed values pass, others are refused; administrators are not bound)."""

import asyncio

import pytest

from approw.v2.exceptions import ApprowWrongArgumentException
from pool_helpers import Pool, refused


@pytest.fixture()
def pool(approw_emulator_fresh):
    return Pool(approw_emulator_fresh)


def test_lists(pool):
    whitelist = pool.management.whitelist
    assert whitelist.list("EMAIL") == []
    added = whitelist.add("EMAIL", ["Alice@Example.com", "bob@example.com"])
    assert [e["value"] for e in added] == ["alice@example.com", "bob@example.com"]     # any case, stored lower
    assert added[0]["createdAt"] and added[0]["updatedAt"]
    assert [e["value"] for e in whitelist.add("EMAIL", ["bob@example.com"])] == ["bob@example.com"]
    assert [e["value"] for e in whitelist.list("EMAIL")] == ["alice@example.com", "bob@example.com"]
    assert whitelist.list("USERNAME") == [] and whitelist.list("phone") == []         # one list per type
    assert [e["value"] for e in whitelist.remove("EMAIL", ["BOB@example.com", "nobody@example.com"])] == \
        ["bob@example.com"]
    assert [e["value"] for e in whitelist.list("Email")] == ["alice@example.com"]
    settings = whitelist.enable("EMAIL")["whitelist"]
    assert settings == {"emailEnabled": True, "phoneEnabled": False, "usernameEnabled": False}
    assert whitelist.disable("EMAIL")["whitelist"]["emailEnabled"] is False
    with pytest.raises(ApprowWrongArgumentException):
        whitelist.enable("NICKNAME")


def test_only_listed_values_sign_up_while_a_list_is_enabled(pool):
    auth = pool.authentication()
    pool.management.whitelist.add("EMAIL", ["invited@example.com"])
    pool.management.whitelist.add("USERNAME", ["ann"])
    auth.register_by_email("early@example.com", "pw123456")                  # not enforced yet
    pool.management.whitelist.enable("EMAIL")
    assert auth.register_by_email("Invited@Example.com", "pw123456")["email"] == "invited@example.com"
    error = refused(2031, auth.register_by_email, "stranger@example.com", "pw123456")
    assert error.message == "The email 'stranger@example.com' is not on the registration whitelist"
    refused(2031, auth.login_by_email, "stranger@example.com", "pw123456", True)       # auto_register
    assert auth.login_by_email("early@example.com", "pw123456")["token"]              # sign-in is not affected
    assert auth.register_by_username("bob", "pw123456")["username"] == "bob"          # USERNAME list is off
    pool.management.whitelist.enable("USERNAME")
    refused(2031, auth.register_by_username, "carl", "pw123456")
    assert auth.register_by_username("ann", "pw123456")["username"] == "ann"
    assert pool.management.users.create({"username": "dan", "email": "dan@example.com"})["id"]  # admins may
    pool.management.whitelist.disable("EMAIL")
    assert auth.register_by_email("stranger@example.com", "pw123456")["email"] == "stranger@example.com"


def test_phone_list(pool, new_phone):
    auth = pool.authentication()
    listed, other = new_phone(), new_phone()
    pool.management.whitelist.add("PHONE", [listed])
    pool.management.whitelist.enable("PHONE")
    for phone in (listed, other):
        auth.send_sms_code(phone)
    refused(2031, auth.login_by_phone_code, other, pool.emu.last_code(other))         # registers an unknown phone
    assert auth.register_by_phone_code(listed, pool.emu.last_code(listed))["phone"] == listed


def test_async_whitelist(pool):
    whitelist = pool.amanagement.whitelist

    async def scenario():
        await whitelist.add("USERNAME", ["zed"])
        settings = await whitelist.enable("USERNAME")
        listed = await whitelist.list("USERNAME")
        removed = await whitelist.remove("USERNAME", ["zed"])
        return settings, listed, removed

    settings, listed, removed = asyncio.run(scenario())
    assert settings["whitelist"]["usernameEnabled"] is True
    assert [e["value"] for e in listed] == ["zed"] and [e["value"] for e in removed] == ["zed"]
    refused(2031, pool.authentication().register_by_username, "zed", "pw123456")
