"""examples/django_project through Django's test client, against the emulator: the plain
views (middleware and decorators) run the scenarios shared with the Flask example
(web_scenarios.py); the Django REST framework views (authentication and permission classes)
their own checks."""
import dataclasses
import os
import sys

import pytest

import web_scenarios as scenarios
from web_helpers import REPO, bearer

PROJECT = REPO / "examples" / "django_project"


def approw_config(settings):
    return {f.name.upper(): getattr(settings, f.name) for f in dataclasses.fields(settings)
            if getattr(settings, f.name) is not None}


@pytest.fixture(scope="module")
def django_ready(settings):
    if str(PROJECT) not in sys.path:
        sys.path.insert(0, str(PROJECT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
    import django

    django.setup()
    return True


class DjangoClient:
    """Django's test client with ``settings.APPROW`` for ``settings``: overridden around each
    request, or (``persistent``) for as long as the client is used, so that the project's guard
    and its cached answers live across requests."""

    def __init__(self, settings, persistent=False):
        from contextlib import nullcontext

        from django.test import Client
        from django.test.utils import override_settings

        self.persistent = override_settings(APPROW=approw_config(settings)) if persistent else None
        self.override = nullcontext() if persistent else override_settings(APPROW=approw_config(settings))
        self.client = Client()

    @property
    def guard(self):
        from approw.integrations.django import get_guard

        return get_guard()

    def _answer(self, response):
        try:
            body = response.json()
        except ValueError:
            body = None
        return scenarios.Answer(response.status_code, {k.lower(): v for k, v in response.headers.items()}, body)

    def get(self, path, headers=None):
        with self.override:
            return self._answer(self.client.get(path, headers=headers or {}))

    def post(self, path, json=None, headers=None):
        with self.override:
            return self._answer(self.client.post(path, data=json or {}, content_type="application/json",
                                                 headers=headers or {}))


@pytest.fixture()
def client(django_ready, settings):
    client = DjangoClient(settings, persistent=True)
    client.persistent.enable()
    try:
        yield client
    finally:
        client.persistent.disable()


def test_signup_signin_me_permission_admin_signout(client, settings, management, admin_role, unique):
    scenarios.signup_signin_me_permission_admin_signout(client, client.guard, settings, management, admin_role,
                                                        unique("da"), unique("db"))


def test_refused_tokens(client, emu, unique, signed):
    user = emu.create_user(username=unique("dr"), password="pw-123456")
    scenarios.refused_tokens(client, emu, user["id"], signed(user["id"]))


def test_claims(django_ready, settings, emu, unique, signed):
    user = emu.create_user(username=unique("dc"), password="pw-123456")
    local = dataclasses.replace(settings, check_revoked=False, user_pool_id=None, secret=None)
    scenarios.claims_checks(DjangoClient(local),
                            signed(user["id"], permissions=[{"resource": "books:*", "actions": ["books:read"]}],
                                   roles=["admin"]),
                            signed(user["id"], permissions=[], roles=[]))


def test_service_down(django_ready, settings, emu, unique, dead_url, busy_url):
    user = emu.create_user(username=unique("dd"), password="pw-123456")
    scenarios.service_down(DjangoClient(dataclasses.replace(settings, host=dead_url, timeout=2000)),
                           DjangoClient(dataclasses.replace(settings, host=busy_url, timeout=2000)),
                           emu.user_token(user["id"]))


def test_rest_framework_views(client, settings, emu, management, admin_role, unique, dead_url):
    user = emu.create_user(username=unique("dx"), password="pw-123456")
    token = emu.user_token(user["id"])
    anonymous = client.get("/api/books")
    assert anonymous.status == 401 and anonymous.challenge == 'Bearer realm="approw"'
    refused = client.get("/api/books", headers=bearer(emu.user_token(user["id"], expires_in=-60)))
    assert refused.status == 401 and 'error="invalid_token"' in refused.challenge and refused.body["code"] == 2206
    denied = client.get("/api/books", headers=bearer(token))
    assert denied.status == 403 and denied.body["error"] == "insufficient_scope"
    assert client.get("/admin/users", headers=bearer(token)).status == 403
    management.acl.allow("books:*", "books:read", user_id=user["id"])
    management.roles.add_users(admin_role, [user["id"]])
    client.guard.invalidate(user["id"])
    books = client.get("/api/books", headers=bearer(token))
    assert books.status == 200 and books.body["user"] == user["id"]
    listed = client.get("/admin/users", headers=bearer(token))
    assert listed.status == 200 and user["username"] in {u["username"] for u in listed.body}
    emu.revoke_tokens(user["id"])
    assert client.get("/api/books", headers=bearer(token)).status == 401
    down = DjangoClient(dataclasses.replace(settings, host=dead_url, timeout=2000)).get(
        "/api/books", headers=bearer(emu.user_token(user["id"])))
    assert down.status == 503 and down.body["error"] == "service_unavailable"
