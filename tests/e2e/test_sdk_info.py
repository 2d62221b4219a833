"""AuthenticationClient end to end: the security level, and what a user of a pool without
roles, organisations or other applications sees (no roles, no organisations, the pool's
application).  With those domains present, test_sdk_info_{roles,orgs,applications}.py
check the listings against real memberships."""

import pytest

from approw.v2.authentication import AuthenticationClient
from approw.v2.exceptions import ApprowException, ApprowWrongArgumentException


@pytest.fixture()
def client(auth_options, approw_emulator, unique):
    email = unique("info") + "@example.org"
    approw_emulator.create_user(email=email, password="Abcdefgh1234")
    c = AuthenticationClient(auth_options())
    c.login_by_email(email, "Abcdefgh1234")
    return c


def test_security_level(client, auth_options, approw_emulator, new_phone):
    level = client.get_security_level()
    assert level == {"email": True, "phone": False, "password": True, "mfa": False,
                     "passwordSecurityLevel": 3, "score": 50}
    phone = new_phone()
    client.send_sms_code(phone)
    client.bind_phone(phone, approw_emulator.last_code(phone))
    client.update_password("weakpass", "Abcdefgh1234")
    level = client.get_security_level()
    assert (level["phone"], level["passwordSecurityLevel"], level["score"]) == (True, 1, 58)
    with pytest.raises(ApprowException) as ei:
        AuthenticationClient(auth_options()).get_security_level()
    assert ei.value.code == 2020


def test_no_roles_and_no_authorized_resources(client):
    assert client.list_roles() == {"totalCount": 0, "list": []}
    assert client.list_roles("default") == {"totalCount": 0, "list": []}
    assert client.has_role("admin") is False
    assert client.list_authorized_resources("default") == {"totalCount": 0, "list": []}
    assert client.list_authorized_resources("default", "DATA") == {"totalCount": 0, "list": []}
    with pytest.raises(ApprowWrongArgumentException, match="resource_type"):
        client.list_authorized_resources("default", "BOOKS")


def test_no_organisations(client):
    assert client.list_orgs() == []


def test_the_pools_application(client, approw_emulator):
    apps = client.list_applications()
    assert apps["totalCount"] >= 1
    assert approw_emulator.app_id in [a["id"] for a in apps["list"]]
    assert client.list_applications(page=1, limit=1)["list"][0]["id"]
    with pytest.raises(ApprowWrongArgumentException):
        client.list_applications(page=-1)


def test_compute_password_security_level(authentication):
    assert authentication.compute_password_security_level("Abcdefgh1234") == 3
    assert authentication.compute_password_security_level("abcdefgh1234") == 2
    assert authentication.compute_password_security_level("abc12345") == 2
    assert authentication.compute_password_security_level("abcdefgh") == 1
    assert authentication.compute_password_security_level("") == 1
    with pytest.raises(ApprowWrongArgumentException):
        authentication.compute_password_security_level(12345678)
