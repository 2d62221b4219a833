"""Policy statement conditions: the operator table, refused conditions at create time, and
evaluation on the path of ``is_allowed`` and the listings (through the SDK)."""
from datetime import datetime, timedelta, timezone

import pytest

from approw.v2.exceptions import ApprowException

pytest.importorskip("graphql")

from approw.emulator.domains.policies import conditions  # noqa: E402
from approw.emulator.errors import ApprowError  # noqa: E402

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=timezone.utc)
USER = {"id": "u1", "email": "ann@corp.example", "status": "Activated", "emailVerified": True, "loginsCount": 7}
PARAMS = dict(conditions.context("10.1.2.3", "app1", USER, NOW), Namespace="default")


@pytest.mark.parametrize("param, operator, value, expected", [
    ("UserId", "StringEquals", "u1", True),
    ("UserId", "StringEquals", ["u9", "u1"], True),
    ("UserId", "StringNotEquals", ["u9", "u1"], False),
    ("UserId", "StringNotEquals", "u9", True),
    ("User.email", "StringEqualsIgnoreCase", "ANN@CORP.EXAMPLE", True),
    ("User.email", "StringNotEqualsIgnoreCase", "ANN@CORP.EXAMPLE", False),
    ("User.email", "StringLike", "*@corp.example", True),
    ("User.email", "StringLike", "a?n@*", True),
    ("User.email", "StringLike", "*@other.example", False),
    ("User.email", "StringNotLike", "*@other.example", True),
    ("User.loginsCount", "NumericEquals", 7, True),
    ("User.loginsCount", "NumericNotEquals", 7, False),
    ("User.loginsCount", "NumericLessThan", 7, False),
    ("User.loginsCount", "NumericLessThanEquals", "7", True),
    ("User.loginsCount", "NumericGreaterThan", 6.5, True),
    ("User.loginsCount", "NumericGreaterThanEquals", 8, False),
    ("CurrentTime", "DateGreaterThan", "2026-01-01T00:00:00Z", True),
    ("CurrentTime", "DateLessThan", "2026-01-01T00:00:00Z", False),
    ("CurrentTime", "DateLessThanEquals", "2026-05-01T12:00:00+00:00", True),
    ("CurrentTime", "DateGreaterThanEquals", NOW.timestamp() + 1, False),
    ("CurrentTime", "DateEquals", "2026-05-01T12:00:00", True),
    ("CurrentTime", "DateNotEquals", "2026-05-01T12:00:00", False),
    ("User.emailVerified", "Bool", True, True),
    ("User.emailVerified", "Bool", "false", False),
    ("SourceIp", "IpAddress", "10.0.0.0/8", True),
    ("SourceIp", "IpAddress", ["192.168.0.0/16", "10.1.2.3"], True),
    ("SourceIp", "IpAddress", "::1", False),
    ("SourceIp", "NotIpAddress", "192.168.0.0/16", True),
    ("AppId", "StringEquals", "app1", True),
    ("Namespace", "StringEquals", "default", True),
    ("User.nickname", "StringEquals", "x", False),          # absent: false
    ("User.nickname", "StringNotEquals", "x", True),        # absent: a negated operator holds
    ("User.email", "NumericEquals", 1, False),              # unreadable as a number: false
])
def test_operator_table(param, operator, value, expected):
    checked = conditions.check([{"param": param, "operator": operator, "value": value}], "statements[0]")
    assert conditions.holds(checked, PARAMS) is expected


def test_every_item_must_hold():
    items = [{"param": "SourceIp", "operator": "IpAddress", "value": "10.0.0.0/8"},
             {"param": "User.status", "operator": "StringEquals", "value": "Suspended"}]
    assert conditions.holds(items, PARAMS) is False
    assert conditions.holds(items[:1], PARAMS) is True
    assert conditions.holds(items, dict(PARAMS, User=dict(USER, status="Suspended"))) is True


@pytest.mark.parametrize("item, message", [
    ({"param": "UserId", "operator": "StringMatches", "value": "x"}, "operator 'StringMatches' is not supported"),
    ({"param": "Weather", "operator": "StringEquals", "value": "x"}, "param must be one of"),
    ({"param": "SourceIp", "operator": "IpAddress", "value": "not-an-ip"}, "value"),
    ({"param": "CurrentTime", "operator": "DateLessThan", "value": "soon"}, "value"),
    ({"param": "User.loginsCount", "operator": "NumericLessThan", "value": "many"}, "value"),
    ({"param": "User.emailVerified", "operator": "Bool", "value": "yes"}, "value"),
    ({"param": "UserId", "operator": "StringEquals", "value": []}, "value must be"),
    ({"param": "UserId", "operator": "StringEquals"}, "value must be"),
    ("UserId", "must be {param, operator, value}"),
])
def test_bad_conditions_are_refused(item, message):
    with pytest.raises(ApprowError) as ei:
        conditions.check([item], "statements[1]")
    assert ei.value.code == 2231 and message in ei.value.message and "statements[1].condition[0]" in ei.value.message


# --- through the SDK ----------------------------------------------------------------------


@pytest.fixture()
def setup(approw_emulator_fresh):
    from approw.v2.management import ManagementClient, ManagementClientOptions

    emu = approw_emulator_fresh
    mgmt = ManagementClient(ManagementClientOptions(user_pool_id=emu.user_pool_id, secret=emu.secret, host=emu.url,
                                                    enc_public_key=emu.public_key))
    ann = emu.create_user(username="ann", email="ann@corp.example")
    bob = emu.create_user(username="bob", email="bob@else.example")
    return emu, mgmt, ann, bob


def _policy(mgmt, code, statements, *user_ids):
    mgmt.policies.create(code, statements)
    mgmt.policies.add_assignments([code], "USER", list(user_ids))


def test_conditions_decide_is_allowed_and_listings(setup):
    emu, mgmt, ann, bob = setup
    _policy(mgmt, "corp-reads", [{"resource": "books:*", "actions": ["books:read"], "effect": "ALLOW",
                                  "condition": [{"param": "User.email", "operator": "StringLike",
                                                 "value": "*@corp.example"},
                                                {"param": "SourceIp", "operator": "IpAddress",
                                                 "value": ["127.0.0.0/8", "::1"]}]}], ann["id"], bob["id"])
    assert mgmt.acl.is_allowed(ann["id"], "books:read", "books:1") is True
    assert mgmt.acl.is_allowed(bob["id"], "books:read", "books:1") is False
    assert [r["code"] for r in mgmt.users.list_authorized_resources(ann["id"])["list"]] == ["books:*"]
    assert mgmt.users.list_authorized_resources(bob["id"])["list"] == []


def test_a_conditional_deny(setup):
    emu, mgmt, ann, bob = setup
    later = (datetime.now(timezone.utc) + timedelta(days=1)).isoformat()
    _policy(mgmt, "reads", [{"resource": "*", "actions": ["*"], "effect": "ALLOW"},
                            {"resource": "vault", "actions": ["*"], "effect": "DENY",
                             "condition": [{"param": "CurrentTime", "operator": "DateLessThan", "value": later}]}],
            ann["id"])
    assert mgmt.acl.is_allowed(ann["id"], "vault:open", "vault") is False       # the deny applies until tomorrow
    mgmt.policies.update("reads", statements=[
        {"resource": "*", "actions": ["*"], "effect": "ALLOW"},
        {"resource": "vault", "actions": ["*"], "effect": "DENY",
         "condition": [{"param": "CurrentTime", "operator": "DateGreaterThan", "value": later}]}])
    assert mgmt.acl.is_allowed(ann["id"], "vault:open", "vault") is True


def test_unknown_operators_are_refused_at_create_time(setup):
    emu, mgmt, ann, bob = setup
    with pytest.raises(ApprowException) as ei:
        mgmt.policies.create("bad", [{"resource": "x", "actions": ["x:y"], "effect": "ALLOW",
                                      "condition": [{"param": "UserId", "operator": "Regex", "value": ".*"}]}])
    assert ei.value.code == 2231 and "statements[0].condition[0].operator" in str(ei.value)
    stored = [{"param": "UserId", "operator": "StringEquals", "value": ann["id"]}]
    created = mgmt.policies.create("good", [{"resource": "x", "actions": ["x:y"], "effect": "ALLOW",
                                             "condition": stored}])
    assert created["statements"][0]["condition"] == stored            # returned as written


def test_conditions_on_the_app_and_access_keys(setup):
    emu, mgmt, ann, bob = setup
    from approw.v2.authentication import AuthenticationClient, AuthenticationClientOptions

    app = mgmt.applications.create("Reports", "reports", [])
    key = mgmt.applications.create_programmatic_access_account(app["id"])
    mgmt.policies.create("from-loopback", [
        {"resource": "reports:*", "actions": ["reports:read"], "effect": "ALLOW",
         "condition": [{"param": "SourceIp", "operator": "IpAddress", "value": "127.0.0.1"},
                       {"param": "AppId", "operator": "StringEquals", "value": app["id"]}]},
        {"resource": "reports:*", "actions": ["reports:write"], "effect": "ALLOW",
         "condition": [{"param": "SourceIp", "operator": "NotIpAddress", "value": ["127.0.0.0/8", "::1"]}]}],
        namespace=app["id"])
    mgmt.policies.add_assignments(["from-loopback"], "AK_SK", [key["id"]], namespace=app["id"])
    auth = AuthenticationClient(AuthenticationClientOptions(app_id=app["id"], app_host=emu.url))
    answer = auth.get_access_token_by_client_credentials("reports:1:read reports:1:write", key["id"], key["secret"])
    assert answer["scope"] == "reports:1:read" and answer["rejected_scope"] == "reports:1:write"
