"""Pointing an existing program at the emulator without changing it: ``APPROW_EMULATOR_HOST``,
fixed ids, seeds (``--import``, ``--export-on-exit``, round trips, the first bad record
reported), ``exec`` (an application's own test suite run with environment variables only) and
``--print-env``."""
import json
import logging
import subprocess
import sys
import textwrap

import pytest

from approw.v2.authentication import AuthenticationClient, AuthenticationClientOptions
from approw.v2.common import emulator_env
from approw.v2.exceptions import ApprowConnectionError, ApprowWrongArgumentException
from approw.v2.management import ManagementClient, ManagementClientOptions

pytest.importorskip("graphql")

POOL, SECRET, APP, APP_SECRET = "pool-of-my-app", "my-pool-secret", "my-app-id", "my-app-secret"


def seed_document(password_hash):
    return {
        "format": "approw-emulator-seed", "version": 1,
        "settings": {"tokenExpiresAfter": 3600, "registerDisabled": True},
        "namespaces": [{"code": "billing", "name": "Billing"}],
        "applications": [
            {"isDefault": True, "name": "My app", "redirectUris": ["http://127.0.0.1/cb"],
             "oidcConfig": {"token_endpoint_auth_method": "client_secret_basic"}},
            {"id": "admin-console", "secret": "admin-console-secret", "name": "Admin console",
             "identifier": "admin", "redirectUris": ["https://admin.example.test/cb"], "defaultStrategy": "DENY_ALL",
             "oidcConfig": {"access_token_expire": 600},
             "accessKeys": [{"id": "ci-job", "secret": "ci-job-secret", "tokenLifetime": 300, "remarks": "CI"}]},
        ],
        "users": [
            {"id": "u-alice", "username": "alice", "email": "alice@example.test", "password": "hunter2!",
             "nickname": "Alice"},
            {"id": "u-bob", "username": "bob", "passwordHash": password_hash, "createdAt": "2020-01-02T03:04:05.000Z"},
        ],
        "groups": [{"code": "staff", "name": "Staff", "members": ["u-alice", "u-bob"]}],
        "roles": [{"namespace": "billing", "code": "payer", "users": ["u-alice"], "groups": ["staff"]},
                  {"namespace": "billing", "code": "auditor", "parent": "payer"}],
        "policies": [{"namespace": "billing", "code": "pay-invoices",
                      "statements": [{"resource": "invoices:*", "actions": ["invoices:pay"], "effect": "ALLOW"}],
                      "assignments": [{"targetType": "USER", "targetIdentifier": "u-bob", "enabled": False},
                                      {"targetType": "ROLE", "targetIdentifier": "payer"}]}],
        "orgs": [{"name": "Acme", "code": "acme", "members": ["u-alice"],
                  "children": [{"name": "Sales", "code": "sales", "members": ["u-bob"]}]}],
        "grants": [{"namespace": "admin-console", "resource": "reports", "targetType": "AK_SK",
                    "targetIdentifier": "ci-job", "actions": ["reports:read"]},
                   {"namespace": "billing", "resource": "invoices:7", "resourceType": "DATA", "targetType": "USER",
                    "targetIdentifier": "u-bob", "actions": ["invoices:void"]}],
    }


@pytest.fixture(scope="module")
def password_hash(approw_emulator):
    from approw.emulator.domains.users import state as users

    user = approw_emulator.create_user(username="hash-source-x", password="correct horse")
    return users.password_hash(approw_emulator.store, user["id"])


def run_emulator(*args, timeout=60, **kwargs):
    return subprocess.run([sys.executable, "-m", "approw.emulator", "--hash-iterations", "1000", *args],
                          capture_output=True, text=True, timeout=timeout, **kwargs)


# --- APPROW_EMULATOR_HOST -----------------------------------------------------------------------


def test_clients_without_a_host_use_the_emulator_of_the_environment(approw_emulator, monkeypatch, caplog):
    emu = approw_emulator
    monkeypatch.setenv("APPROW_EMULATOR_HOST", emu.url.split("://")[1])
    monkeypatch.setattr(emulator_env, "_warned", False)
    with caplog.at_level(logging.WARNING, logger="approw"):
        management = ManagementClient(ManagementClientOptions(user_pool_id=emu.user_pool_id, secret=emu.secret))
        auth = AuthenticationClient(AuthenticationClientOptions(app_id=emu.app_id, user_pool_id=emu.user_pool_id))
    assert management.options.host == emu.url and auth.options.host == emu.url
    assert [r.getMessage() for r in caplog.records].count(
        "APPROW_EMULATOR_HOST is set: clients without a host use the emulator at %s" % emu.url) == 1
    created = management.users.create({"username": "env-user", "password": "Pa55word!"})   # the emulator's key
    assert auth.options.enc_public_key == emu.public_key
    user = auth.login_by_username("env-user", "Pa55word!")
    assert user["id"] == created["id"]
    assert auth.verify_token(user["token"])["sub"] == user["id"]                     # its JWKS

    explicit = ManagementClientOptions(user_pool_id="p", secret="s", host="https://api.example.test")
    assert explicit.host == "https://api.example.test"                               # a host given wins
    monkeypatch.setenv("APPROW_EMULATOR_HOST", "http://h:1/path")
    with pytest.raises(ApprowWrongArgumentException, match="APPROW_EMULATOR_HOST"):
        ManagementClientOptions(user_pool_id="p", secret="s")
    monkeypatch.setenv("APPROW_EMULATOR_HOST", "127.0.0.1:1")                       # nobody listens there
    options = AuthenticationClientOptions(app_id="a", timeout=2000)
    with pytest.raises(ApprowConnectionError, match="public key"):
        options.enc_public_key


# --- seeds --------------------------------------------------------------------------------------


def test_seed_import_through_the_cli_with_the_apps_own_ids(tmp_path, password_hash):
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps(seed_document(password_hash)))
    out = tmp_path / "out.json"
    test_file = tmp_path / "test_my_app.py"
    # an application's own test, configured by environment variables only
    test_file.write_text(textwrap.dedent('''
        import os
        from approw.v2.authentication import AuthenticationClient, AuthenticationClientOptions
        from approw.v2.management import ManagementClient, ManagementClientOptions

        def test_sign_in():
            auth = AuthenticationClient(AuthenticationClientOptions(app_id=os.environ["APPROW_APP_ID"]))
            user = auth.login_by_username("alice", "hunter2!")
            assert user["nickname"] == "Alice"
            assert auth.login_by_username("bob", "correct horse")["id"] == "u-bob"

        def test_management():
            mgmt = ManagementClient(ManagementClientOptions(user_pool_id=os.environ["APPROW_USER_POOL_ID"],
                                                            secret=os.environ["APPROW_SECRET"]))
            assert mgmt.users.detail("u-bob")["createdAt"] == "2020-01-02T03:04:05.000Z"
            assert [g["code"] for g in mgmt.users.list_groups("u-alice")["list"]] == ["staff"]
            assert mgmt.acl.is_allowed("u-alice", "invoices:pay", "invoices:1", "billing") is True   # role payer
            assert mgmt.acl.is_allowed("u-alice", "invoices:void", "invoices:7", "billing") is False
            assert mgmt.acl.is_allowed("u-bob", "invoices:void", "invoices:7", "billing") is True     # a grant
            assert mgmt.userpool.detail()["registerDisabled"] is True
            app = mgmt.applications.find_by_id("admin-console")
            assert app["secret"] == "admin-console-secret" and app["oidcConfig"]["access_token_expire"] == 600
            default = mgmt.applications.find_by_id(os.environ["APPROW_APP_ID"])
            assert default["oidcConfig"]["token_endpoint_auth_method"] == "client_secret_basic"

        def test_machine_client():
            auth = AuthenticationClient(AuthenticationClientOptions(app_id="admin-console"))
            answer = auth.get_access_token_by_client_credentials("reports:read x:read", "ci-job", "ci-job-secret")
            assert answer["scope"] == "reports:read" and answer["rejected_scope"] == "x:read"
    '''))
    result = run_emulator("--user-pool-id", POOL, "--secret", SECRET, "--app-id", APP, "--app-secret", APP_SECRET,
                          "--import", str(seed), "--export-on-exit", str(out), "exec", "--",
                          sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:approw_emulator",
                          str(test_file), cwd=str(tmp_path), timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout
    exported = json.loads(out.read_text())
    assert exported["format"] == "approw-emulator-seed" and exported["version"] == 1
    assert exported["userPool"] == {"id": POOL, "appId": APP}
    bob = next(u for u in exported["users"] if u["id"] == "u-bob")
    assert bob["passwordHash"] == password_hash
    assert [a["id"] for a in exported["applications"]] == [APP, "admin-console"]
    assert exported["applications"][1]["accessKeys"][0]["secret"] == "ci-job-secret"
    assert exported["policies"][0]["assignments"][0] == {"targetType": "USER", "targetIdentifier": "u-bob",
                                                         "enabled": False}


def test_exec_exits_with_the_commands_status_and_exports_the_variables(tmp_path):
    script = "import os, sys; print(os.environ['APPROW_EMULATOR_HOST'], os.environ['APPROW_JWKS_URL']); sys.exit(3)"
    result = run_emulator("exec", "--", sys.executable, "-c", script)
    assert result.returncode == 3
    host, jwks = result.stdout.split()
    assert jwks == "http://%s/oidc/.well-known/jwks.json" % host
    assert run_emulator("exec", "--").returncode == 2
    assert run_emulator("exec", "--", str(tmp_path / "no-such-program")).returncode == 127


def test_seed_round_trip(approw_emulator_fresh, password_hash):
    from approw.emulator.app import Emulator
    from approw.emulator.config import EmulatorConfig

    first = approw_emulator_fresh
    counts = first.import_seed(seed_document(password_hash))
    assert counts == {"namespaces": 1, "applications": 2, "users": 2, "groups": 1, "roles": 2, "policies": 1,
                      "orgs": 1, "grants": 2}
    exported = first.export_seed()
    with Emulator(EmulatorConfig(hash_iterations=1000)) as second:
        second.import_seed(exported)
        again = second.export_seed()
    assert len(exported["grants"]) == 2
    for section in ("namespaces", "users", "groups", "roles", "policies", "orgs", "settings", "grants"):
        left, right = exported[section], again[section]
        if section == "users":
            left = [{k: v for k, v in u.items() if k not in ("lastIP", "updatedAt")} for u in left]
            right = [{k: v for k, v in u.items() if k not in ("lastIP", "updatedAt")} for u in right]
        assert left == right, section
    assert exported["applications"][1] == again["applications"][1]


@pytest.mark.parametrize("change, message", [
    (lambda s: s["users"][1].update(email="not an email"), "users[1].email"),
    (lambda s: s["users"].append({"id": "u-x", "nickname": "nobody"}), "users[2]: a user needs"),
    (lambda s: s["users"][0].update(shoeSize=44), "users[0].shoeSize: not a user field"),
    (lambda s: s["roles"][1].update(parent="nope"), "roles[1]"),
    (lambda s: s["policies"][0]["assignments"][0].update(targetIdentifier="u-nobody"),
     "policies[0].assignments[0]"),
    (lambda s: s["groups"][0].update(members=["u-alice", "u-ghost"]), "groups[0].members"),
    (lambda s: s["applications"][1]["oidcConfig"].update(grant_types=["password"]), "applications[1]"),
    (lambda s: s["applications"][1]["accessKeys"][0].pop("secret"), "applications[1].accessKeys[0]"),
    (lambda s: s["grants"][1].update(targetIdentifier="u-ghost"), "grants[1]"),
    (lambda s: s.update(version=7), "version"),
    (lambda s: s.update(robots=[]), "robots: unknown section"),
])
def test_the_first_bad_record_is_reported_with_its_path(approw_emulator_fresh, password_hash, change, message):
    from approw.emulator.seed import SeedError

    seed = seed_document(password_hash)
    change(seed)
    with pytest.raises(SeedError) as ei:
        approw_emulator_fresh.import_seed(seed)
    assert str(ei.value).startswith(message), str(ei.value)


def test_a_bad_seed_stops_the_cli_with_the_path(tmp_path, password_hash):
    seed = seed_document(password_hash)
    seed["groups"][0]["members"] = ["u-ghost"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(seed))
    db = tmp_path / "state.db"
    result = run_emulator("--import", str(path), "--db", str(db))
    assert result.returncode == 2 and "groups[0].members" in result.stderr, result.stderr
    assert not db.exists()                                  # no half-imported state left behind
    path.write_text("{not json")
    assert run_emulator("--import", str(path)).returncode == 2


def test_print_env(tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "approw.emulator", "--print-env", "--user-pool-id", POOL],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = [proc.stdout.readline() for _ in range(8)]
    finally:
        proc.terminate()
        proc.communicate(timeout=20)
    names = [line.split("=", 1)[0] for line in lines]
    assert names == ["export APPROW_EMULATOR_HOST", "export APPROW_HOST", "export APPROW_USER_POOL_ID",
                     "export APPROW_SECRET", "export APPROW_APP_ID", "export APPROW_APP_SECRET",
                     "export APPROW_OIDC_ISSUER", "export APPROW_JWKS_URL"]
    assert lines[2].strip() == "export APPROW_USER_POOL_ID=%s" % POOL
    assert proc.returncode == 0


def test_a_seed_goes_into_a_new_state_only(tmp_path):
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps({"format": "approw-emulator-seed", "version": 1,
                                "users": [{"id": "u-1", "username": "one", "password": "pw-one-1"}]}))
    db = str(tmp_path / "state.db")
    out = tmp_path / "out.json"
    first = run_emulator("--db", db, "--import", str(seed), "--export-on-exit", str(out), "exec", "--",
                         sys.executable, "-c", "pass")
    assert first.returncode == 0, first.stderr
    assert [u["username"] for u in json.loads(out.read_text())["users"]] == ["one"]
    again = run_emulator("--db", db, "--import", str(seed), "exec", "--", sys.executable, "-c", "pass")
    assert again.returncode == 2 and "already holds a state" in again.stderr
    kept = run_emulator("--db", db, "--export-on-exit", str(out), "exec", "--", sys.executable, "-c", "pass")
    assert kept.returncode == 0 and len(json.loads(out.read_text())["users"]) == 1
