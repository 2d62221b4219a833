"""The pytest plugin: fixtures, isolation, configuration, and a light import."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("graphql")

STARTUP_KEYS = ("url", "user_pool_id", "secret", "app_id", "app_secret", "public_key", "issuer", "jwks_uri")


def test_session_fixture_exposes_the_client_settings(approw_emulator):
    for name in STARTUP_KEYS:
        assert isinstance(getattr(approw_emulator, name), str) and getattr(approw_emulator, name)
    assert approw_emulator.info() == {name: getattr(approw_emulator, name) for name in STARTUP_KEYS}
    with approw_emulator.client() as c:
        assert c.get("/api/v2/.well-known")[1]["data"]["publicKey"] == approw_emulator.public_key


def test_fresh_fixture_is_a_separate_empty_pool(approw_emulator, approw_emulator_fresh):
    assert approw_emulator_fresh.url != approw_emulator.url
    assert approw_emulator_fresh.user_pool_id != approw_emulator.user_pool_id
    approw_emulator.create_user(username="only-in-session")
    with approw_emulator_fresh.client(approw_emulator_fresh.management_token()) as c:
        assert c.graphql("{ users { totalCount } }")["data"]["users"]["totalCount"] == 0


def test_fixture_helpers(approw_emulator_fresh):
    emu = approw_emulator_fresh
    user = emu.create_user(username="helper", password="pw-helper-1", email="Helper@Example.com")
    assert user["email"] == "helper@example.com" and user["password"] is None
    with emu.client() as c:
        login = c.graphql("mutation($i: LoginByUsernameInput!) { loginByUsername(input: $i) { token } }",
                          {"i": {"username": "helper", "password": emu.encrypt_password("pw-helper-1")}})
        assert login["data"]["loginByUsername"]["token"]
        assert c.get("/api/v2/users/me", token=emu.user_token(user["id"]))[1]["data"]["id"] == user["id"]
        assert c.get("/api/v2/users/me", token=emu.user_token(user["id"], expires_in=-1))[1]["code"] == 2020
    with pytest.raises(KeyError):
        emu.user_token("000000000000000000000000")


def test_passwords_are_hashed_cheaply_under_the_fixture(approw_emulator_fresh):
    from approw.emulator.domains.users.state import password_hash

    user = approw_emulator_fresh.create_user(username="cheap", password="pw-cheap-1")
    assert password_hash(approw_emulator_fresh.store, user["id"]).startswith("pbkdf2_sha256$1000$")


def test_importing_the_plugin_loads_nothing_heavy():
    code = ("import sys, approw.emulator.pytest_plugin; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('graphql', 'cryptography', 'sqlite3') "
            "or m.startswith('approw.emulator.') and m != 'approw.emulator.pytest_plugin'))")
    out = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_options_fixture_configures_a_users_suite(tmp_path):
    """A user's project: a conftest overrides the options; the fixtures come from the entry point."""
    (tmp_path / "conftest.py").write_text(textwrap.dedent('''
        import pytest

        @pytest.fixture(scope="session")
        def approw_emulator_options():
            return {"user_pool_id": "my-fixed-pool", "secret": "my-secret", "token_lifetime": 77}
    '''))
    (tmp_path / "test_app.py").write_text(textwrap.dedent('''
        import base64, json

        def test_configured(approw_emulator):
            assert approw_emulator.user_pool_id == "my-fixed-pool" and approw_emulator.secret == "my-secret"
            user = approw_emulator.create_user(username="u", password="pw-1")
            claims = json.loads(base64.urlsafe_b64decode(approw_emulator.user_token(user["id"]).split(".")[1] + "=="))
            assert claims["exp"] - claims["iat"] == 77

        def test_fresh_ignores_the_fixed_identity(approw_emulator_fresh):
            assert approw_emulator_fresh.user_pool_id != "my-fixed-pool"
    '''))
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
                         capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "2 passed" in out.stdout


def test_seeding_helper_validates_fields_and_sets_any_stored_field(approw_emulator_fresh):
    emu = approw_emulator_fresh
    with pytest.raises(TypeError, match="not settable user fields: id, nick"):
        emu.create_user(username="x", nick="typo", id="abc")
    with pytest.raises(ValueError, match="status must be one of"):
        emu.create_user(username="x", status="Gone")
    old = emu.create_user(username="old", createdAt="2001-01-01T00:00:00Z", blocked=True)
    new = emu.create_user(username="new")
    assert old["createdAt"] == "2001-01-01T00:00:00.000Z" and old["blocked"] is True
    with emu.client(emu.management_token()) as c:
        listed = c.graphql("{ users(sortBy: CREATEDAT_ASC) { list { id } } }")["data"]["users"]["list"]
    assert [u["id"] for u in listed] == [old["id"], new["id"]]
