"""examples/flask_app.py through Flask's test client, against the emulator (the scenarios
are in web_scenarios.py, shared with the Django example); and the extension's setup."""
import dataclasses

import pytest

import web_scenarios as scenarios
from approw.integrations.flask import Approw, current_user
from approw.v2.exceptions import ApprowWrongArgumentException
from web_helpers import load_example

example = load_example("flask_app.py")


class FlaskClient:
    def __init__(self, settings):
        self.app = example.create_app(settings)
        self.client = self.app.test_client()
        self.guard = self.app.extensions["approw"].guard

    def _answer(self, response):
        return scenarios.Answer(response.status_code, {k.lower(): v for k, v in response.headers.items()},
                                response.get_json(silent=True))

    def get(self, path, headers=None):
        return self._answer(self.client.get(path, headers=headers or {}))

    def post(self, path, json=None, headers=None):
        return self._answer(self.client.post(path, json=json, headers=headers or {}))


def test_signup_signin_me_permission_admin_signout(settings, management, admin_role, unique):
    client = FlaskClient(settings)
    scenarios.signup_signin_me_permission_admin_signout(client, client.guard, settings, management, admin_role,
                                                        unique("la"), unique("lb"))


def test_refused_tokens(settings, emu, unique, signed):
    user = emu.create_user(username=unique("lr"), password="pw-123456")
    scenarios.refused_tokens(FlaskClient(settings), emu, user["id"], signed(user["id"]))


def test_claims(settings, emu, unique, signed):
    user = emu.create_user(username=unique("lc"), password="pw-123456")
    local = dataclasses.replace(settings, check_revoked=False, user_pool_id=None, secret=None)
    scenarios.claims_checks(FlaskClient(local),
                            signed(user["id"], permissions=[{"resource": "books:*", "actions": ["books:read"]}],
                                   roles=["admin"]),
                            signed(user["id"], permissions=[], roles=[]))


def test_service_down(settings, emu, unique, dead_url, busy_url):
    user = emu.create_user(username=unique("ld"), password="pw-123456")
    scenarios.service_down(FlaskClient(dataclasses.replace(settings, host=dead_url, timeout=2000)),
                           FlaskClient(dataclasses.replace(settings, host=busy_url, timeout=2000)),
                           emu.user_token(user["id"]))


def test_extension_setup(emu):
    from flask import Flask

    app = Flask("t")
    with pytest.raises(ApprowWrongArgumentException, match='APPROW'):
        Approw(app)
    app.config["APPROW"] = {"HOST": emu.url, "APP_ID": emu.app_id, "CACHE_TTL": "5", "CHECK_REVOKED": "yes"}
    approw = Approw()
    approw.init_app(app)
    assert approw.settings.cache_ttl == 5.0 and approw.settings.check_revoked is True
    app.config["APPROW"] = {"HOST": emu.url, "APP_ID": emu.app_id, "CAHCE_TTL": 5}
    with pytest.raises(ApprowWrongArgumentException, match="CAHCE_TTL"):
        Approw(app)
    bare = Flask("bare")
    with bare.test_request_context("/"), pytest.raises(ApprowWrongArgumentException, match="no Approw"):
        current_user()
