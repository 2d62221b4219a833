"""AuthenticationClient.mfa end to end: TOTP enrolment, a login refused with the mfaToken and
finished with a TOTP code or the recovery code (once), and the application's SMS and e-mail
second factors; sync and asyncio clients."""

import asyncio
import time

import pytest

from approw.v2.authentication import AsyncAuthenticationClient, AuthenticationClient, AuthenticationClientOptions
from approw.v2.exceptions import ApprowException, ApprowWrongArgumentException

pyotp = pytest.importorskip("pyotp")


def _code(secret, offset=0):
    return pyotp.TOTP(secret).at(time.time() + offset)


def _mfa_token(call):
    with pytest.raises(ApprowException) as ei:
        call()
    assert ei.value.code == 1635, ei.value
    return ei.value.data["mfaToken"]


def _enrol(client):
    assert client.mfa.get_mfa_authenticators() == []
    association = client.mfa.associate_mfa_authenticator()
    assert association["authenticator_type"] == "totp" and association["recovery_code"]
    assert client.mfa.confirm_associate_mfa_authenticator(_code(association["secret"])) is True
    return association


def test_totp_enrolment_login_and_recovery_code(auth_options, approw_emulator, unique):
    name = unique("mfa")
    approw_emulator.create_user(username=name, password="passw0rd")
    client = AuthenticationClient(auth_options())
    client.login_by_username(name, "passw0rd")
    association = _enrol(client)
    (authenticator,) = client.mfa.get_mfa_authenticators()
    assert authenticator["enable"] is True and authenticator["authenticatorType"] == "totp"
    assert client.get_security_level()["mfa"] is True

    fresh = AuthenticationClient(auth_options())
    mfa_token = _mfa_token(lambda: fresh.login_by_username(name, "passw0rd"))
    assert fresh._token is None                                 # not logged in yet
    with pytest.raises(ApprowException) as ei:
        fresh.mfa.verify_totp_mfa("000000", mfa_token)
    assert ei.value.code == 2001
    user = fresh.mfa.verify_totp_mfa(_code(association["secret"], 30), mfa_token)
    assert user["username"] == name and user["token"]
    assert fresh._token == user["token"] and fresh.get_current_user()["username"] == name

    # the recovery code works once
    again = AuthenticationClient(auth_options())
    mfa_token = _mfa_token(lambda: again.login_by_username(name, "passw0rd"))
    user = again.mfa.verify_totp_recovery_code(association["recovery_code"], mfa_token)
    assert user["token"]
    mfa_token = _mfa_token(lambda: again.login_by_username(name, "passw0rd"))
    with pytest.raises(ApprowException) as ei:
        again.mfa.verify_totp_recovery_code(association["recovery_code"], mfa_token)
    assert ei.value.code == 2001
    # the authenticators can be listed with the mfaToken too
    assert again.mfa.get_mfa_authenticators(mfa_token=mfa_token)[0]["enable"] is True


def test_mfa_arguments(authentication):
    with pytest.raises(ApprowWrongArgumentException):
        authentication.mfa.get_mfa_authenticators(source="ELSEWHERE")
    with pytest.raises(ApprowWrongArgumentException):
        authentication.mfa.associate_mfa_authenticator("face")
    with pytest.raises(ApprowWrongArgumentException):
        authentication.mfa.phone_or_email_bindable("token")
    with pytest.raises(ApprowException) as ei:
        authentication.mfa.verify_totp_mfa("123456", "not-a-token")
    assert ei.value.code == 2207


@pytest.fixture()
def fresh_options(approw_emulator_fresh):
    """Options for a fresh emulator (the application's factors would reach other tests)."""
    emu = approw_emulator_fresh
    return emu, lambda: AuthenticationClientOptions(app_id=emu.app_id, app_host=emu.url,
                                                    enc_public_key=emu.public_key)


def test_application_sms_factor_binds_a_phone(fresh_options):
    emu, options = fresh_options
    emu.create_user(username="dave", password="passw0rd")
    taken = "+8613900000001"
    emu.create_user(phone=taken)
    emu.set_mfa(["SMS"])
    client = AuthenticationClient(options())
    mfa_token = _mfa_token(lambda: client.login_by_username("dave", "passw0rd"))
    with pytest.raises(ApprowException) as ei:
        client.mfa.phone_or_email_bindable(mfa_token, phone=taken)
    assert ei.value.code == 2035
    phone = "+8613900000002"
    assert client.mfa.phone_or_email_bindable(mfa_token, phone=phone) is True
    client.send_sms_code(phone)
    user = client.mfa.verify_app_sms_mfa(phone, emu.last_code(phone), mfa_token)
    assert user["phone"] == phone and user["phoneVerified"] and user["token"]
    # the next login: the bound phone is the factor
    mfa_token = _mfa_token(lambda: client.login_by_username("dave", "passw0rd"))
    emu.expire_codes(phone)
    client.send_sms_code(phone)
    assert client.mfa.verify_app_sms_mfa(phone, emu.last_code(phone), mfa_token)["id"] == user["id"]


def test_application_email_factor(fresh_options):
    emu, options = fresh_options
    emu.create_user(username="erin", email="erin@example.org", password="passw0rd")
    emu.set_mfa(["EMAIL", "OTP"])
    client = AuthenticationClient(options())
    mfa_token = _mfa_token(lambda: client.login_by_username("erin", "passw0rd"))
    assert client.mfa.phone_or_email_bindable(mfa_token, email="erin@example.org") is True
    client.send_email("erin@example.org", "MFA_VERIFY")
    with pytest.raises(ApprowException) as ei:                  # another address than hers
        client.mfa.verify_app_email_mfa("other@example.org", emu.last_code("erin@example.org"), mfa_token)
    assert ei.value.code == 2231
    user = client.mfa.verify_app_email_mfa("erin@example.org", emu.last_code("erin@example.org"), mfa_token)
    assert user["email"] == "erin@example.org" and user["token"]


def test_application_otp_factor_enrols_with_the_mfa_token(fresh_options):
    emu, options = fresh_options
    emu.create_user(username="fay", password="passw0rd")
    emu.set_mfa(["OTP"])
    client = AuthenticationClient(options())
    mfa_token = _mfa_token(lambda: client.login_by_username("fay", "passw0rd"))
    association = client.mfa.associate_mfa_authenticator(mfa_token=mfa_token)
    assert client.mfa.confirm_associate_mfa_authenticator(_code(association["secret"]), mfa_token=mfa_token)
    user = client.mfa.verify_totp_mfa(_code(association["secret"], 30), mfa_token)
    assert user["username"] == "fay" and user["token"]


def test_async_mfa(auth_options, approw_emulator, unique):
    name = unique("amfa")
    approw_emulator.create_user(username=name, password="passw0rd")

    async def scenario():
        client = AsyncAuthenticationClient(auth_options())
        await client.login_by_username(name, "passw0rd")
        assert await client.mfa.get_mfa_authenticators() == []
        association = await client.mfa.associate_mfa_authenticator()
        assert await client.mfa.confirm_associate_mfa_authenticator(_code(association["secret"]))
        other = AsyncAuthenticationClient(auth_options())
        with pytest.raises(ApprowException) as ei:
            await other.login_by_username(name, "passw0rd")
        mfa_token = ei.value.data["mfaToken"]
        user = await other.mfa.verify_totp_mfa(_code(association["secret"], 30), mfa_token)
        with pytest.raises(ApprowException) as ei:
            await other.login_by_username(name, "passw0rd")
        recovered = await other.mfa.verify_totp_recovery_code(association["recovery_code"],
                                                              ei.value.data["mfaToken"])
        return user, recovered

    user, recovered = asyncio.run(scenario())
    assert user["username"] == name and user["token"] and recovered["token"]


def test_async_application_factors(fresh_options):
    emu, options = fresh_options
    emu.create_user(username="gus", email="gus@example.org", password="passw0rd")
    emu.set_mfa(["SMS", "EMAIL"])

    async def scenario():
        client = AsyncAuthenticationClient(options())
        with pytest.raises(ApprowException) as ei:
            await client.login_by_username("gus", "passw0rd")
        mfa_token = ei.value.data["mfaToken"]
        assert await client.mfa.phone_or_email_bindable(mfa_token, phone="+8613900000009") is True
        await client.send_email("gus@example.org", "MFA_VERIFY")
        by_mail = await client.mfa.verify_app_email_mfa("gus@example.org", emu.last_code("gus@example.org"),
                                                        mfa_token)
        with pytest.raises(ApprowException) as ei:
            await client.login_by_username("gus", "passw0rd")
        await client.send_sms_code("+8613900000009")
        by_sms = await client.mfa.verify_app_sms_mfa("+8613900000009", emu.last_code("+8613900000009"),
                                                     ei.value.data["mfaToken"])
        return by_mail, by_sms

    by_mail, by_sms = asyncio.run(scenario())
    assert by_mail["token"] and by_sms["phone"] == "+8613900000009"
