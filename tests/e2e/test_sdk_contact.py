"""AuthenticationClient end to end: binding, changing and unbinding the phone and e-mail,
with codes from the emulator's outbox; uniqueness and the last-login-method rule."""

import pytest

from approw.v2.authentication import AuthenticationClient
from approw.v2.exceptions import ApprowException, ApprowWrongArgumentException


@pytest.fixture()
def logged(auth_options, approw_emulator, unique):
    """A client logged in as a new username + password user."""
    name = unique("contact")
    approw_emulator.create_user(username=name, password="passw0rd")
    client = AuthenticationClient(auth_options())
    client.login_by_username(name, "passw0rd")
    return client


def _sms(emulator, client, phone):
    emulator.expire_codes(phone)
    client.send_sms_code(phone)
    return emulator.last_code(phone)


def _mail(emulator, client, email, scene="CHANGE_EMAIL"):
    emulator.expire_codes(email)
    client.send_email(email, scene)
    return emulator.last_code(email)


def test_bind_update_unbind_phone(logged, approw_emulator, new_phone):
    phone, other = new_phone(), new_phone()
    user = logged.bind_phone(phone, _sms(approw_emulator, logged, phone))
    assert user["phone"] == phone and user["phoneVerified"] is True
    assert logged._user["phone"] == phone and logged._token    # stored; token kept
    with pytest.raises(ApprowException) as ei:                  # one phone per account
        logged.bind_phone(other, _sms(approw_emulator, logged, other))
    assert ei.value.code == 2035

    with pytest.raises(ApprowException) as ei:                  # the old phone must be proven
        logged.update_phone(other, _sms(approw_emulator, logged, other))
    assert ei.value.code == 2228
    user = logged.update_phone(other, _sms(approw_emulator, logged, other), phone,
                               _sms(approw_emulator, logged, phone))
    assert user["phone"] == other

    user = logged.unbind_phone()                                # username + password remain
    assert user["phone"] is None and user["phoneVerified"] is False
    assert logged.unbind_phone()["phone"] is None               # nothing bound: unchanged


def test_update_phone_refusals(logged, approw_emulator, new_phone):
    phone, other = new_phone(), new_phone()
    logged.bind_phone(phone, _sms(approw_emulator, logged, phone))
    with pytest.raises(ApprowException) as ei:
        logged.update_phone(phone, "1234", phone, "1234")
    assert ei.value.code == 2230                                # same as the current one
    with pytest.raises(ApprowException) as ei:
        logged.update_phone(other, "1234", new_phone(), "1234")
    assert ei.value.code == 2038                                # not the current phone
    taken = new_phone()
    approw_emulator.create_user(phone=taken)
    with pytest.raises(ApprowException) as ei:
        logged.update_phone(taken, "1234", phone, "1234")
    assert ei.value.code == 2035
    # camelCase spellings of the reference are accepted
    user = logged.update_phone(other, phoneCode=_sms(approw_emulator, logged, other), oldPhone=phone,
                               oldPhoneCode=_sms(approw_emulator, logged, phone))
    assert user["phone"] == other


def test_bind_phone_taken_by_another_user(logged, approw_emulator, new_phone):
    taken = new_phone()
    approw_emulator.create_user(phone=taken)
    with pytest.raises(ApprowException) as ei:
        logged.bind_phone(taken, _sms(approw_emulator, logged, taken))
    assert ei.value.code == 2035
    with pytest.raises(ApprowWrongArgumentException):
        logged.bind_phone(taken)                                # no code at all


def test_bind_update_unbind_email(logged, approw_emulator, unique):
    email, other = unique("mail") + "@Example.org", unique("mail") + "@example.org"
    user = logged.bind_email(email, _mail(approw_emulator, logged, email))
    assert user["email"] == email.lower() and user["emailVerified"] is True
    with pytest.raises(ApprowException) as ei:
        logged.bind_email(other, _mail(approw_emulator, logged, other))
    assert ei.value.code == 2200

    with pytest.raises(ApprowException) as ei:
        logged.update_email(other, "1234")
    assert ei.value.code == 2227
    with pytest.raises(ApprowException) as ei:
        logged.update_email(other, "1234", unique("x") + "@example.org", "1234")
    assert ei.value.code == 2037
    user = logged.update_email(other, emailCode=_mail(approw_emulator, logged, other), oldEmail=email,
                               oldEmailCode=_mail(approw_emulator, logged, email))
    assert user["email"] == other

    assert logged.unbind_email()["email"] is None
    with pytest.raises(ApprowException) as ei:
        logged.unbind_email()
    assert ei.value.code == 2219


def test_bind_email_with_a_verify_email_code(logged, approw_emulator, unique):
    email = unique("verify") + "@example.org"
    code = _mail(approw_emulator, logged, email, "VERIFY_EMAIL")
    assert logged.bind_email(email, code)["email"] == email
    with pytest.raises(ApprowException) as ei:                  # a reset code does not bind
        logged.update_email(unique("n") + "@example.org", _mail(approw_emulator, logged, email, "RESET_PASSWORD"),
                            email, "0000")
    assert ei.value.code == 2001


def test_unbind_the_last_login_method(auth_options, approw_emulator, new_phone):
    phone = new_phone()
    client = AuthenticationClient(auth_options())
    client.send_sms_code(phone)
    client.login_by_phone_code(phone, approw_emulator.last_code(phone))   # a phone-only account
    with pytest.raises(ApprowException) as ei:
        client.unbind_phone()
    assert ei.value.code == 2217


def test_contact_changes_need_a_login(authentication):
    with pytest.raises(ApprowException) as ei:
        authentication.unbind_email()
    assert ei.value.code == 2020
