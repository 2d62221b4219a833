"""The verification domain: SMS and e-mail codes delivered to the outbox, read over the
emulator's own REST endpoint, the fixture helpers and the info log; the CLI options."""

import logging

import pytest

from approw.emulator.config import EmulatorConfig
from test_server_cli import Server

SEND_EMAIL = "mutation($e: String!, $s: EmailScene!) { sendEmail(email: $e, scene: $s) { code message } }"


def test_outbox_endpoint_and_helpers(approw_emulator_fresh):
    emu = approw_emulator_fresh
    with emu.client() as c:
        assert c.post("/api/v2/sms/send", {"phone": "+8613800000001"})[1] == {"code": 200, "message": "The SMS was sent"}
        body = c.graphql(SEND_EMAIL, {"e": "Dana@Example.org", "s": "VERIFY_EMAIL"})
        assert body["data"]["sendEmail"]["code"] == 200
        status, listed = c.get("/_emulator/outbox")
        assert status == 200 and listed["code"] == 200
        sms, mail = listed["data"]
        assert (sms["channel"], sms["to"], sms["scene"]) == ("sms", "+8613800000001", "SMS")
        assert (mail["channel"], mail["to"], mail["scene"]) == ("email", "dana@example.org", "VERIFY_EMAIL")
        assert mail["sentAt"] < mail["expiresAt"]
        only = c.get("/_emulator/outbox?to=dana@example.org")[1]["data"]
        assert only == [mail]
    assert emu.outbox() == [sms, mail]
    assert emu.last_code("DANA@example.org") == mail["code"]
    assert emu.last_code("+8613800000002") is None


def test_send_email_refusals(approw_emulator_fresh):
    emu = approw_emulator_fresh
    with emu.client() as c:
        assert c.graphql(SEND_EMAIL, {"e": "not-an-address", "s": "RESET_PASSWORD"})["errors"][0]["message"]["code"] == 2003
        assert c.graphql(SEND_EMAIL, {"e": "eve@example.org", "s": "RESET_PASSWORD"})["data"]["sendEmail"]["code"] == 200
        again = c.graphql(SEND_EMAIL, {"e": "eve@example.org", "s": "CHANGE_EMAIL"})   # any scene counts
        assert again["errors"][0]["message"]["code"] == 2100
        emu.expire_codes("eve@example.org")
        assert "errors" not in c.graphql(SEND_EMAIL, {"e": "eve@example.org", "s": "CHANGE_EMAIL"})
        assert c.post("/api/v2/sms/send", {})[1]["code"] == 2231


def test_info_log_prints_each_message(approw_emulator_fresh, caplog):
    emu = approw_emulator_fresh
    with caplog.at_level(logging.INFO, logger="approw.emulator"), emu.client() as c:
        c.post("/api/v2/sms/send", {"phone": "+8613800000003"})
    code = emu.last_code("+8613800000003")
    assert any("+8613800000003" in r.getMessage() and code in r.getMessage() for r in caplog.records)


def test_cli_options_and_the_log():
    server = Server("--log-level", "info", "--code-lifetime", "300", "--code-resend-interval", "0")
    try:
        with server.client() as c:
            for _ in range(2):                     # no resend interval
                assert c.post("/api/v2/sms/send", {"phone": "+8613800000004"})[1]["code"] == 200
            messages = c.get("/_emulator/outbox")[1]["data"]
    finally:
        done = server.stop()
    assert len(messages) == 2
    assert all("outbox: sms to +8613800000004" in done.stderr and m["code"] in done.stderr for m in messages)


@pytest.mark.parametrize("fields", [
    {"code_lifetime": 0}, {"code_resend_interval": -1}, {"ldap_url": "http://x"},
    {"ldap_base_dn": "dc=x"}, {"ldap_url": "ldap://x"}, {"ad_url": "ldap://x", "ad_bind_dn": "cn=admin"},
])
def test_bad_settings(fields):
    with pytest.raises(ValueError):
        EmulatorConfig(**fields).check()
