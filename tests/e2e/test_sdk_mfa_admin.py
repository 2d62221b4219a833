"""ManagementClient.mfa end to end: the administrator's view of the same TOTP authenticators
users set up themselves -- status, import (logins then need a code), switch off and on, a new
secret, removal."""

import asyncio
import time

import pytest

from approw.v2.authentication import AuthenticationClient
from approw.v2.exceptions import ApprowWrongArgumentException
from approw.v2.management import AsyncManagementClient, ManagementClientOptions
from pool_helpers import refused

pyotp = pytest.importorskip("pyotp")
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # 160 bits


def _user(management, unique):
    name = unique("mfa")
    return name, management.users.create({"username": name, "password": "pw123456"})


def _needs_code(auth_options, name):
    """Whether a password login of ``name`` is refused for a second factor; finishes it then."""
    client = AuthenticationClient(auth_options())
    try:
        client.login_by_username(name, "pw123456")
    except Exception as e:  # noqa: BLE001 (checked below)
        assert getattr(e, "code", None) == 1635, e
        return e.data["mfaToken"]  # type: ignore[attr-defined]
    return None


def test_import_status_login_and_removal(management, authentication, auth_options, unique):
    name, user = _user(management, unique)
    assert management.mfa.get_status(user["id"]) == {"OTP": False, "FACE": False}
    assert management.mfa.query_mfa(user_id=user["id"]) is None
    imported = management.mfa.import_totp(user["id"], SECRET, "rescue-me")
    assert imported["userId"] == user["id"] and imported["enable"] is True and imported["secret"] == SECRET
    assert imported["authenticatorType"] == "totp" and imported["recoveryCode"] == "rescue-me"
    assert management.mfa.get_status(user["id"]) == {"OTP": True, "FACE": False}

    mfa_token = _needs_code(auth_options, name)                          # the user's logins now need it
    assert mfa_token
    refused(2001, authentication.mfa.verify_totp_mfa, "000000", mfa_token)
    failed = management.statistics.list_user_actions(user_ids=[user["id"]], operation_names=["loginFailed"])
    assert failed["list"][0]["operationDesc"].startswith("Second factor refused")   # logged
    finished = authentication.mfa.verify_totp_mfa(pyotp.TOTP(SECRET).now(), mfa_token)
    assert finished["id"] == user["id"] and finished["token"]
    assert authentication.mfa.verify_totp_recovery_code("rescue-me", _needs_code(auth_options, name))["token"]

    assert management.mfa.unassociate_mfa(user["id"], "OTP") is True
    assert management.mfa.get_status(user["id"])["OTP"] is False and _needs_code(auth_options, name) is None
    assert management.mfa.unassociate_mfa(user["id"], "FACE") is True     # nothing bound: fine


def test_query_and_change(management, auth_options, unique):
    name, user = _user(management, unique)
    created = management.mfa.change_mfa(user_id=user["id"])              # none yet: a new one, off
    assert created["enable"] is False and created["userId"] == user["id"] and created["secret"]
    assert created["userPoolId"] == management.options.user_pool_id
    assert management.mfa.query_mfa(created["id"]) == created == management.mfa.query_mfa(user_id=user["id"])
    assert _needs_code(auth_options, name) is None
    on = management.mfa.change_mfa(True, id=created["id"])
    assert on["enable"] is True and on["secret"] == created["secret"] and _needs_code(auth_options, name)
    refreshed = management.mfa.change_mfa(user_id=user["id"], refresh=True)
    assert refreshed["secret"] != created["secret"] and refreshed["enable"] is True
    assert refreshed["id"] == created["id"]
    off = management.mfa.change_mfa(False, user_id=user["id"])
    assert off["enable"] is False and management.mfa.get_status(user["id"])["OTP"] is False
    refused(2224, management.mfa.query_mfa, user_id=user["id"], user_pool_id="another-pool")
    refused(2231, management.mfa.change_mfa, True, id="000000000000000000000000")
    assert management.mfa.query_mfa("000000000000000000000000") is None


def test_authenticators_users_set_up_are_seen_and_removed(management, authentication, unique):
    name, user = _user(management, unique)
    authentication.login_by_username(name, "pw123456")
    association = authentication.mfa.associate_mfa_authenticator()
    assert management.mfa.get_status(user["id"])["OTP"] is False             # not confirmed yet
    assert management.mfa.query_mfa(user_id=user["id"])["enable"] is False
    authentication.mfa.confirm_associate_mfa_authenticator(pyotp.TOTP(association["secret"]).at(time.time()))
    assert management.mfa.get_status(user["id"])["OTP"] is True
    assert management.mfa.query_mfa(user_id=user["id"])["secret"] == association["secret"]
    management.mfa.unassociate_mfa(user["id"], "OTP")
    assert authentication.mfa.get_mfa_authenticators() == []


def test_bad_input(management, unique):
    _, user = _user(management, unique)
    refused(2004, management.mfa.get_status, "000000000000000000000000")
    refused(2004, management.mfa.import_totp, "000000000000000000000000", SECRET)
    refused(2004, management.mfa.unassociate_mfa, "000000000000000000000000", "OTP")
    for call in (lambda: management.mfa.import_totp(user["id"], "not-base32!"),
                 lambda: management.mfa.unassociate_mfa(user["id"], "SMS"), lambda: management.mfa.query_mfa()):
        with pytest.raises(ApprowWrongArgumentException):
            call()


def test_async_mfa_admin(approw_emulator, management, unique):
    client = AsyncManagementClient(ManagementClientOptions(
        user_pool_id=approw_emulator.user_pool_id, secret=approw_emulator.secret, host=approw_emulator.url,
        enc_public_key=approw_emulator.public_key))
    _, user = _user(management, unique)

    async def scenario():
        imported = await client.mfa.import_totp(user["id"], SECRET)
        status, record = await asyncio.gather(client.mfa.get_status(user["id"]),
                                              client.mfa.query_mfa(user_id=user["id"]))
        changed = await client.mfa.change_mfa(False, id=record["id"])
        removed = await client.mfa.unassociate_mfa(user["id"], "OTP")
        return imported, status, record, changed, removed

    imported, status, record, changed, removed = asyncio.run(scenario())
    assert imported["recoveryCode"] and status["OTP"] is True and record["id"] == imported["id"]
    assert changed["enable"] is False and removed is True
