"""Pool settings, environment variables, registration whitelists and MFA administration
through HTTP: what the SDK cannot send (nulls, wrong types, missing fields), who may call
them, and that they survive a restart with ``--db``."""

import pytest

from approw.emulator.app import Emulator
from approw.emulator.config import EmulatorConfig

UPDATE = "mutation($i: UpdateUserpoolInput!) { updateUserpool(input: $i) { name tokenExpiresAfter " \
         "registerDisabled loginFailCheck { enabled limit timeInterval } whitelist { emailEnabled } } }"
POOL = "{ userpool { name secret tokenExpiresAfter registerDisabled whitelist { emailEnabled } } }"


@pytest.fixture()
def emu(approw_emulator_fresh):
    return approw_emulator_fresh


def _code(body):
    return body["errors"][0]["message"]["code"]


def test_update_userpool_nulls_keep_values(emu):
    with emu.client(emu.management_token()) as c:
        c.graphql(UPDATE, {"i": {"name": "A", "loginFailCheck": {"enabled": True, "limit": 2}}})
        body = c.graphql(UPDATE, {"i": {"name": None, "tokenExpiresAfter": None, "loginFailCheck": {"limit": None}}})
        assert body["data"]["updateUserpool"]["name"] == "A"
        assert body["data"]["updateUserpool"]["loginFailCheck"] == {"enabled": True, "limit": 2, "timeInterval": 300}
        assert _code(c.graphql(UPDATE, {"i": {"tokenExpiresAfter": "long"}})) == 2231     # variable coercion
        assert _code(c.graphql(UPDATE, {"i": {"tokenExpiresAfter": 10**9}})) == 2231


@pytest.mark.parametrize("doc", [POOL, 'mutation { updateUserpool(input: {name: "x"}) { id } }',
                                 "mutation { refreshUserpoolSecret }", "{ whitelist(type: EMAIL) { value } }",
                                 'mutation { addWhitelist(type: EMAIL, list: ["a@b.c"]) { value } }',
                                 '{ queryMfa(userId: "u") { id } }', 'mutation { changeMfa(userId: "u") { id } }'])
def test_management_only(emu, doc):
    user = emu.create_user(username="bob", password="pw123456")
    with emu.client(emu.user_token(user["id"])) as c:
        assert _code(c.graphql(doc)) == 1001
    with emu.client() as c:
        assert _code(c.graphql(doc)) == 2020


def test_env_rest(emu):
    user = emu.create_user(username="bob", password="pw123456")
    with emu.client(emu.management_token()) as c:
        for body in ({"value": 1}, {"key": "", "value": 1}, {"key": 5, "value": 1}, {"key": "k"}, None):
            assert c.post("/api/v2/env", body)[1]["code"] == 2231, body
        assert c.post("/api/v2/env", {"key": "a/b c", "value": None})[1]["data"]["value"] is None
        assert c.request("DELETE", "/api/v2/env/a%2Fb%20c")[1] == {"code": 200, "message": "Removed environment "
                                                                   "variable 'a/b c'"}
    with emu.client(emu.user_token(user["id"])) as c:
        assert c.get("/api/v2/env")[1]["code"] == 1001 and c.post("/api/v2/env", {"key": "k", "value": 1})[1][
            "code"] == 1001


def test_whitelist_graphql(emu):
    with emu.client(emu.management_token()) as c:
        assert _code(c.graphql('mutation { addWhitelist(type: EMAIL, list: []) { value } }')) == 2231
        assert _code(c.graphql('mutation { addWhitelist(type: EMAIL, list: [" "]) { value } }')) == 2231
        assert _code(c.graphql('{ whitelist(type: NICKNAME) { value } }')) == 2231
        added = c.graphql('mutation { addWhitelist(type: PHONE, list: [" +8613800000000 ", "+8613800000000"]) '
                          '{ value } }')["data"]["addWhitelist"]
        assert added == [{"value": "+8613800000000"}]


def test_mfa_admin_http(emu):
    user = emu.create_user(username="bob", password="pw123456")
    path = "/api/v2/users/%s/mfa-bound" % user["id"]
    with emu.client(emu.management_token()) as c:
        assert c.request("DELETE", path)[1]["code"] == 2231                                    # no type
        assert c.request("DELETE", path + "?type=SMS")[1]["code"] == 2231
        for body, code in (({"userId": user["id"]}, 2231), ({"userId": user["id"], "secret": "1!"}, 2231),
                           ({"secret": "JBSWY3DPEHPK3PXP"}, 2004),
                           ({"userId": user["id"], "secret": "JBSWY3DPEHPK3PXP", "recoveryCode": ""}, 2231)):
            assert c.post("/api/v2/mfa/totp/import", body)[1]["code"] == code, body
        assert _code(c.graphql("{ queryMfa { id } }")) == 2231
        assert _code(c.graphql('mutation { changeMfa(userId: "000000000000000000000000") { id } }')) == 2004
    with emu.client(emu.user_token(user["id"])) as c:
        assert c.get(path)[1]["code"] == 1001
        assert c.post("/api/v2/mfa/totp/import", {"userId": user["id"], "secret": "JBSWY3DPEHPK3PXP"})[1][
            "code"] == 1001


def test_settings_survive_a_restart(tmp_path):
    config = EmulatorConfig(db=str(tmp_path / "pool.db"), hash_iterations=1000)
    with Emulator(config) as first:
        with first.client(first.management_token()) as c:
            c.graphql(UPDATE, {"i": {"tokenExpiresAfter": 90, "whitelist": {"emailEnabled": True}}})
            c.post("/api/v2/env", {"key": "k", "value": [1]})
            c.graphql('mutation { addWhitelist(type: EMAIL, list: ["a@b.c"]) { value } }')
            secret = c.graphql("mutation { refreshUserpoolSecret }")["data"]["refreshUserpoolSecret"]
    with Emulator(EmulatorConfig(db=config.db, hash_iterations=1000)) as second:
        assert second.secret == secret
        with second.client(second.management_token()) as c:
            pool = c.graphql(POOL)["data"]["userpool"]
            assert pool["tokenExpiresAfter"] == 90 and pool["whitelist"]["emailEnabled"] is True
            assert pool["secret"] == secret
            assert c.get("/api/v2/env")[1]["data"][0]["value"] == [1]
            assert c.graphql("{ whitelist(type: EMAIL) { value } }")["data"]["whitelist"] == [{"value": "a@b.c"}]
            assert c.get("/api/v2/analysis/audit")[1]["data"]["totalCount"] == 4
