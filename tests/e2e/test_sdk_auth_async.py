"""The end-user methods on AsyncAuthenticationClient, awaited, against the emulator: every
area's methods once (the sync tests cover their rules in detail; MFA and directory logins
have their async tests in test_sdk_mfa.py and test_ldap.py)."""

import asyncio

import pytest

from approw.v2.authentication import AsyncAuthenticationClient
from approw.v2.exceptions import ApprowException

UDF = 'mutation { setUdf(targetType: USER, key: "as_level", dataType: NUMBER, label: "Level") { key } }'
CREATE_SOCIAL = """mutation($i: CreateUserIdentityInput) {
  createUser(userInfo: {nickname: "social"}, identity: $i) { id } }"""


def run(coro):
    return asyncio.run(coro)


def test_async_phone_codes_and_logins(auth_options, approw_emulator, new_phone, unique):
    emu = approw_emulator
    phone, other = new_phone(), new_phone()
    name = unique("asub")
    emu.create_user(username=name, password="passw0rd")

    async def scenario():
        client = AsyncAuthenticationClient(auth_options())
        assert (await client.send_sms_code(phone))["code"] == 200
        user = await client.register_by_phone_code(phone, emu.last_code(phone), "passw0rd")
        emu.expire_codes(phone)
        await client.send_sms_code(phone)
        by_code = await client.login_by_phone_code(phone, emu.last_code(phone))
        by_password = await client.login_by_phone_password(phone, "passw0rd")
        auto = await client.login_by_phone_password(other, "passw0rd", auto_register=True)
        sub = await client.login_by_sub_account(name, "passw0rd")
        return user, by_code, by_password, auto, sub

    user, by_code, by_password, auto, sub = run(scenario())
    assert user["phone"] == phone and by_code["id"] == by_password["id"] == user["id"]
    assert by_code["token"] and auto["phone"] == other and sub["username"] == name


def test_async_passwords_and_tokens(auth_options, approw_emulator, unique):
    emu = approw_emulator
    email = unique("apw") + "@example.org"
    first = unique("afirst")
    forced = emu.create_user(username=unique("aforce"), password="aged-passw0rd")
    emu.require_password_change(forced["id"])
    emu.create_user(email=email, password="old-passw0rd")
    admin = emu.client(emu.management_token())
    admin.graphql("mutation($u: CreateUserInput!) { createUser(userInfo: $u, resetPasswordOnFirstLogin: true) { id } }",
                  {"u": {"username": first, "password": emu.encrypt_password("temp-passw0rd")}})

    async def scenario():
        client = AsyncAuthenticationClient(auth_options())
        strength = await client.check_password_strength("Passw0rd!")
        await client.send_email(email, "RESET_PASSWORD")
        reset = await client.reset_password_by_email_code(email, emu.last_code(email), "mid-passw0rd")
        await client.login_by_email(email, "mid-passw0rd")
        await client.update_password("new-passw0rd", "mid-passw0rd")
        refreshed = await client.refresh_token()
        with pytest.raises(ApprowException) as ei:
            await client.login_by_username(first, "temp-passw0rd")
        by_first = await client.reset_password_by_first_login_token(ei.value.data["token"], "mine-passw0rd")
        with pytest.raises(ApprowException) as ei:
            await client.login_by_username(forced["username"], "aged-passw0rd")
        by_force = await client.reset_password_by_force_reset_token(ei.value.data["token"], "aged-passw0rd",
                                                                    "fresh-passw0rd")
        again = await AsyncAuthenticationClient(auth_options()).login_by_email(email, "new-passw0rd")
        return strength, reset, refreshed, by_first, by_force, again

    strength, reset, refreshed, by_first, by_force, again = run(scenario())
    assert strength["valid"] and reset["code"] == by_first["code"] == by_force["code"] == 200
    assert refreshed["token"] and again["email"] == email


def test_async_phone_phone_number_reset(auth_options, approw_emulator, new_phone):
    emu = approw_emulator
    phone = new_phone()
    emu.create_user(phone=phone, password="old-passw0rd")

    async def scenario():
        client = AsyncAuthenticationClient(auth_options())
        await client.send_sms_code(phone)
        await client.reset_password_by_phone_code(phone, emu.last_code(phone), "new-passw0rd")
        return await client.login_by_phone_password(phone, "new-passw0rd")

    assert run(scenario())["phone"] == phone


def test_async_contact(auth_options, approw_emulator, new_phone, unique):
    emu = approw_emulator
    name = unique("acontact")
    emu.create_user(username=name, password="passw0rd")
    phone, phone2 = new_phone(), new_phone()
    email, email2 = unique("am") + "@example.org", unique("am") + "@example.org"

    async def code(client, to, scene=None):
        emu.expire_codes(to)
        if scene:
            await client.send_email(to, scene)
        else:
            await client.send_sms_code(to)
        return emu.last_code(to)

    async def scenario():
        client = AsyncAuthenticationClient(auth_options())
        await client.login_by_username(name, "passw0rd")
        await client.bind_phone(phone, await code(client, phone))
        await client.update_phone(phone2, await code(client, phone2), phone, await code(client, phone))
        await client.bind_email(email, await code(client, email, "CHANGE_EMAIL"))
        await client.update_email(email2, await code(client, email2, "CHANGE_EMAIL"), email,
                                  await code(client, email, "CHANGE_EMAIL"))
        with_both = await client.get_current_user()
        no_phone = await client.unbind_phone()
        no_email = await client.unbind_email()
        return with_both, no_phone, no_email

    with_both, no_phone, no_email = run(scenario())
    assert (with_both["phone"], with_both["email"]) == (phone2, email2)
    assert no_phone["phone"] is None and no_email["email"] is None


def test_async_custom_data_and_info(auth_options, approw_emulator, unique):
    emu = approw_emulator
    emu.client(emu.management_token()).graphql(UDF)
    name = unique("ainfo")
    emu.create_user(username=name, password="passw0rd")

    async def scenario():
        client = AsyncAuthenticationClient(auth_options())
        await client.login_by_username(name, "passw0rd")
        assert await client.set_udf_value({"as_level": 3}) is True
        values = await client.get_udf_value()
        items = await client.set_udv("as_level", 4)
        listed = await client.list_udv()
        await client.remove_udv("as_level")
        await client.set_udv("as_level", 5)
        assert await client.remove_udf_value("as_level") is True
        info = await asyncio.gather(client.list_orgs(), client.get_security_level(), client.list_roles(),
                                    client.has_role("admin"), client.list_applications(),
                                    client.list_authorized_resources("default"))
        strength = client.compute_password_security_level("Abcdefgh1234")  # local: no await
        return values, items, listed, info + [strength]

    values, items, listed, info = run(scenario())
    assert values == {"as_level": 3} and items[0]["value"] == 4 and listed[0]["value"] == 4
    orgs, level, roles, has_role, apps, resources, strength = info
    assert orgs == [] and level["password"] is True and roles["totalCount"] == 0 and has_role is False
    assert apps["totalCount"] >= 1 and resources["totalCount"] == 0 and strength == 3


def test_async_link_accounts(auth_options, approw_emulator, unique):
    emu = approw_emulator
    name = unique("alink")
    emu.create_user(username=name, password="passw0rd")
    body = emu.client(emu.management_token()).graphql(CREATE_SOCIAL, {"i": {
        "provider": "github", "userIdInIdp": unique("gh"), "isSocial": True}})
    social_token = emu.user_token(body["data"]["createUser"]["id"])

    async def scenario():
        client = AsyncAuthenticationClient(auth_options())
        token = (await client.login_by_username(name, "passw0rd"))["token"]
        linked = await client.link_account(token, social_token)
        unlinked = await client.unlink_account(token, "github")
        return linked, unlinked

    assert run(scenario()) == (True, True)
