"""AuthenticationClient end to end: sign-up and sign-in by phone code (codes read from the
emulator's outbox), phone + password, sub-accounts; the service's refusals of bad codes."""

import pytest

from approw.v2.authentication import AuthenticationClient
from approw.v2.exceptions import ApprowException


def _code(emulator, authentication, phone):
    assert authentication.send_sms_code(phone) == {"code": 200, "message": "The SMS was sent"}
    return emulator.last_code(phone)


def test_register_by_phone_code_from_the_outbox(authentication, auth_options, approw_emulator, new_phone):
    phone = new_phone()
    code = _code(approw_emulator, authentication, phone)
    assert len(code) == 4 and code.isdigit()
    message = approw_emulator.outbox(phone)[-1]
    assert (message["channel"], message["to"], message["scene"]) == ("sms", phone, "SMS")

    user = authentication.register_by_phone_code(phone, code, "passw0rd", profile={"nickname": "Pho"},
                                                 generate_token=True)
    assert user["phone"] == phone and user["phoneVerified"] is True and user["nickname"] == "Pho"
    assert user["token"] and authentication._token == user["token"]
    # the password given at sign-up works
    logged = AuthenticationClient(auth_options()).login_by_phone_password(phone, "passw0rd")
    assert logged["id"] == user["id"] and logged["token"]


def test_register_by_phone_code_without_password_then_login_by_code(
        authentication, auth_options, approw_emulator, new_phone):
    phone = new_phone()
    user = authentication.register_by_phone_code(phone, _code(approw_emulator, authentication, phone))
    assert user["token"] is None and user["phone"] == phone
    approw_emulator.expire_codes(phone)              # allows the next message at once
    client = AuthenticationClient(auth_options())
    logged = client.login_by_phone_code(phone, _code(approw_emulator, client, phone))
    assert logged["id"] == user["id"] and logged["token"] and logged["loginsCount"] == 1
    # no password: password login is refused
    with pytest.raises(ApprowException) as ei:
        AuthenticationClient(auth_options()).login_by_phone_password(phone, "anything")
    assert ei.value.code == 2006


def test_login_by_phone_code_registers_an_unknown_phone(authentication, approw_emulator, new_phone):
    phone = new_phone()
    user = authentication.login_by_phone_code(phone, _code(approw_emulator, authentication, phone),
                                              client_ip="10.1.2.3")
    assert user["phone"] == phone and user["phoneVerified"] and user["token"]
    assert user["lastIP"] == "10.1.2.3"
    assert authentication.get_current_user()["id"] == user["id"]


def test_codes_are_single_use_and_expire(authentication, approw_emulator, new_phone):
    phone = new_phone()
    code = _code(approw_emulator, authentication, phone)
    authentication.login_by_phone_code(phone, code)
    with pytest.raises(ApprowException) as ei:                       # reused
        authentication.login_by_phone_code(phone, code)
    assert ei.value.code == 2001

    approw_emulator.expire_codes(phone)
    code = _code(approw_emulator, authentication, phone)
    approw_emulator.expire_codes(phone)                              # 60 s later
    with pytest.raises(ApprowException) as ei:
        authentication.login_by_phone_code(phone, code)
    assert (ei.value.code, ei.value.message) == (2300, "Verification code expired")


def test_wrong_codes_count_and_void_the_code(authentication, approw_emulator, new_phone):
    phone = new_phone()
    code = _code(approw_emulator, authentication, phone)
    wrong = "0000" if code != "0000" else "1111"
    for _ in range(5):
        with pytest.raises(ApprowException) as ei:
            authentication.login_by_phone_code(phone, wrong)
        assert ei.value.code == 2001
    with pytest.raises(ApprowException) as ei:           # the right code no longer works
        authentication.login_by_phone_code(phone, code)
    assert ei.value.code == 2001


def test_resend_is_rate_limited(authentication, approw_emulator, new_phone):
    phone = new_phone()
    _code(approw_emulator, authentication, phone)
    answer = authentication.send_sms_code(phone)             # returned, not raised
    assert answer["code"] == 2100 and "try again" in answer["message"]
    assert len(approw_emulator.outbox(phone)) == 1
    bad = authentication.send_sms_code("not a phone")
    assert bad["code"] == 2231


def test_register_by_phone_code_taken_phone(authentication, approw_emulator, new_phone):
    phone = new_phone()
    approw_emulator.create_user(phone=phone)
    code = _code(approw_emulator, authentication, phone)
    with pytest.raises(ApprowException) as ei:
        authentication.register_by_phone_code(phone, code)
    assert ei.value.code == 2026
    # the code was not spent: it still logs the owner in
    assert authentication.login_by_phone_code(phone, code)["phone"] == phone


def test_login_by_phone_password(authentication, approw_emulator, new_phone):
    phone = new_phone()
    created = approw_emulator.create_user(phone=phone, password="passw0rd")
    user = authentication.login_by_phone_password(phone, "passw0rd")
    assert user["id"] == created["id"] and user["token"]
    with pytest.raises(ApprowException) as ei:
        authentication.login_by_phone_password(phone, "wrong-one")
    assert ei.value.code == 2006
    auto = new_phone()
    made = authentication.login_by_phone_password(auto, "passw0rd", auto_register=True)
    assert made["phone"] == auto and made["token"]


def test_login_by_sub_account(authentication, approw_emulator, unique):
    name = unique("sub")
    created = approw_emulator.create_user(username=name, password="passw0rd")
    user = authentication.login_by_sub_account(name, "passw0rd", client_ip="10.9.8.7")
    assert user["id"] == created["id"] and user["token"] and user["lastIP"] == "10.9.8.7"
    with pytest.raises(ApprowException) as ei:
        authentication.login_by_sub_account(name, "wrong-one")
    assert ei.value.code == 2006
    with pytest.raises(ApprowException) as ei:
        authentication.login_by_sub_account(unique("nobody"), "passw0rd")
    assert ei.value.code == 2004
