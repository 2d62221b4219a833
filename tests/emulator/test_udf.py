"""User-defined fields and values (SERVER.md section 12), and ``params`` custom data."""

from __future__ import annotations

import json
from typing import Any, Dict, Optional

import pytest

pytest.importorskip("graphql")

SET_UDF = "mutation($t: UDFTargetType!, $k: String!, $d: UDFDataType!, $l: String!, $o: String) " \
          "{ setUdf(targetType: $t, key: $k, dataType: $d, label: $l, options: $o) { targetType dataType key label options } }"
UDF = "query($t: UDFTargetType!) { udf(targetType: $t) { key dataType label } }"
SET_UDV = "mutation($id: String!, $k: String!, $v: String!) " \
          "{ setUdv(targetType: USER, targetId: $id, key: $k, value: $v) { key dataType value label } }"
UDV = "query($id: String!) { udv(targetType: USER, targetId: $id) { key dataType value label } }"
REMOVE_UDV = "mutation($id: String!, $k: String!) { removeUdv(targetType: USER, targetId: $id, key: $k) { key value } }"
FIELDS = [("school", "STRING"), ("age", "NUMBER"), ("is_boss", "BOOLEAN"), ("meta", "OBJECT"), ("born", "DATETIME")]


class Admin:
    def __init__(self, emu: Any) -> None:
        self.emu = emu
        self.c = emu.client(emu.management_token())
        for key, data_type in FIELDS:
            self.ok(SET_UDF, {"t": "USER", "k": key, "d": data_type, "l": key.title()})

    def gql(self, doc: str, variables: Optional[Dict[str, Any]] = None, **kw: Any) -> Dict[str, Any]:
        return self.c.graphql(doc, variables, **kw)

    def ok(self, doc: str, variables: Optional[Dict[str, Any]] = None, **kw: Any) -> Any:
        body = self.gql(doc, variables, **kw)
        assert "errors" not in body, body
        return next(iter(body["data"].values()))

    def code(self, doc: str, variables: Optional[Dict[str, Any]] = None, **kw: Any) -> int:
        body = self.gql(doc, variables, **kw)
        assert body.get("errors"), body
        return body["errors"][0]["message"]["code"]

    def udv(self, user_id: str) -> Dict[str, str]:
        return {item["key"]: item["value"] for item in self.ok(UDV, {"id": user_id})}


@pytest.fixture
def admin(approw_emulator_fresh):
    a = Admin(approw_emulator_fresh)
    yield a
    a.c.close()


@pytest.fixture
def user_id(approw_emulator_fresh):
    return approw_emulator_fresh.create_user(username="holder", password="pw-holder-1")["id"]


def test_set_udf_is_an_upsert_and_udf_lists_definitions(admin):
    result = admin.ok(SET_UDF, {"t": "USER", "k": "school", "d": "STRING", "l": "University", "o": None})
    assert result == {"targetType": "USER", "dataType": "STRING", "key": "school", "label": "University",
                      "options": None}
    listed = admin.ok(UDF, {"t": "USER"})
    assert [f["key"] for f in listed] == [k for k, _ in FIELDS]
    assert listed[0] == {"key": "school", "dataType": "STRING", "label": "University"}
    assert admin.ok(UDF, {"t": "ROLE"}) == []
    assert admin.code(SET_UDF, {"t": "USER", "k": " ", "d": "STRING", "l": "x"}) == 2231


def test_remove_udf_removes_its_values(admin, user_id):
    admin.ok(SET_UDV, {"id": user_id, "k": "school", "v": '"MIT"'})
    doc = "mutation($k: String!) { removeUdf(targetType: USER, key: $k) { code } }"
    assert admin.ok(doc, {"k": "school"}) == {"code": 200}
    assert "school" not in admin.udv(user_id)
    assert admin.code(doc, {"k": "school"}) == 2231


@pytest.mark.parametrize(
    "key, wire, stored",
    [
        ("school", json.dumps("华中科技大学"), "华中科技大学"),  # \u-escaped JSON string comes back decoded
        ("school", json.dumps("华中科技大学", ensure_ascii=False), "华中科技大学"),
        ("age", "22", "22"),
        ("age", "1.5", "1.5"),
        ("is_boss", "false", "false"),
        ("meta", '{"key": "value"}', '{"key":"value"}'),
        ("born", '"2021-11-25T13:10:52.123456"', "2021-11-25T13:10:52.123456"),
        ("born", "1637817052123", "1637817052123"),
    ],
)
def test_values_are_typed_and_stored_as_the_service_returns_them(admin, user_id, key, wire, stored):
    result = admin.ok(SET_UDV, {"id": user_id, "k": key, "v": wire})
    item = next(i for i in result if i["key"] == key)
    assert item["value"] == stored and item["dataType"] == dict(FIELDS)[key] and item["label"] == key.title()


@pytest.mark.parametrize(
    "key, wire",
    [("school", "11"), ("age", '"18"'), ("is_boss", '"ok"'), ("meta", "[1]"), ("born", '"tomorrow"'),
     ("school", "not json"), ("undefined_key", '"x"')],
)
def test_wrong_values_are_2231(admin, user_id, key, wire):
    assert admin.code(SET_UDV, {"id": user_id, "k": key, "v": wire}) == 2231
    assert admin.udv(user_id) == {}


def test_udv_lists_only_set_keys_and_remove_keeps_the_others(admin, user_id):
    assert admin.udv(user_id) == {}
    admin.ok(SET_UDV, {"id": user_id, "k": "school", "v": '"MIT"'})
    admin.ok(SET_UDV, {"id": user_id, "k": "age", "v": "22"})
    admin.ok(SET_UDV, {"id": user_id, "k": "age", "v": "23"})  # overwrite
    assert admin.udv(user_id) == {"school": "MIT", "age": "23"}
    assert admin.ok(REMOVE_UDV, {"id": user_id, "k": "school"}) == [{"key": "age", "value": "23"}]
    assert admin.udv(user_id) == {"age": "23"}


def test_set_udv_batch_and_udf_value_batch(admin, user_id, approw_emulator_fresh):
    other = approw_emulator_fresh.create_user(username="other-holder")["id"]
    doc = "mutation($id: String!, $l: [UserDefinedDataInput!]) " \
          "{ setUdvBatch(targetType: USER, targetId: $id, udvList: $l) { key value } }"
    result = admin.ok(doc, {"id": user_id, "l": [{"key": "school", "value": '"MIT"'}, {"key": "age", "value": "30"}]})
    assert result == [{"key": "school", "value": "MIT"}, {"key": "age", "value": "30"}]
    batch = "mutation($i: [SetUdfValueBatchInput!]!) { setUdfValueBatch(targetType: USER, input: $i) { code } }"
    assert admin.ok(batch, {"i": [{"targetId": other, "key": "age", "value": "40"},
                                  {"targetId": user_id, "key": "is_boss", "value": "true"}]}) == {"code": 200}
    bad = [{"targetId": other, "key": "school", "value": '"X"'}, {"targetId": user_id, "key": "age", "value": '"x"'}]
    assert admin.code(batch, {"i": bad}) == 2231
    assert admin.udv(other) == {"age": "40"}  # nothing of the failed batch was written
    read = "query($ids: [String]!) { udfValueBatch(targetType: USER, targetIds: $ids) { targetId data { key value } } }"
    assert admin.ok(read, {"ids": [other, user_id]}) == [
        {"targetId": other, "data": [{"key": "age", "value": "40"}]},
        {"targetId": user_id, "data": [{"key": "school", "value": "MIT"}, {"key": "age", "value": "30"},
                                       {"key": "is_boss", "value": "true"}]},
    ]
    assert admin.code(read, {"ids": ["000000000000000000000000"]}) == 2004


def test_users_manage_their_own_values_only(admin, user_id, approw_emulator_fresh):
    other = approw_emulator_fresh.create_user(username="someone-else")["id"]
    token = approw_emulator_fresh.user_token(user_id)
    with approw_emulator_fresh.client(token) as c:
        assert c.graphql(SET_UDV, {"id": user_id, "k": "age", "v": "5"})["data"]["setUdv"][0]["value"] == "5"
        assert c.graphql(UDV, {"id": user_id})["data"]["udv"][0]["key"] == "age"
        assert c.graphql(SET_UDV, {"id": other, "k": "age", "v": "5"})["errors"][0]["message"]["code"] == 1001
        assert c.graphql(SET_UDF, {"t": "USER", "k": "x", "d": "STRING", "l": "x"})["errors"][0]["message"]["code"] == 1001
    with approw_emulator_fresh.client() as c:
        assert c.graphql(UDV, {"id": user_id})["errors"][0]["message"]["code"] == 2020


def test_values_of_unknown_users_and_other_target_types(admin):
    assert admin.code(SET_UDV, {"id": "000000000000000000000000", "k": "age", "v": "1"}) == 2004
    doc = 'mutation { setUdv(targetType: ROLE, targetId: "r", key: "k", value: "1") { key } }'
    assert admin.gql(doc)["errors"][0]["message"] == {"code": 404, "message": "Role 'r' does not exist"}
    doc = 'mutation { setUdv(targetType: NODE, targetId: "n", key: "k", value: "1") { key } }'
    assert admin.gql(doc)["errors"][0]["message"] == {
        "code": 500,
        "message": "custom data of NODE targets is not supported by the Approw emulator (USER, ROLE and "
                   "USERPOOL only)"}


CREATE = "mutation($i: CreateUserInput!, $p: String) { createUser(userInfo: $i, params: $p) " \
         "{ id customData { key value dataType label } } }"


def test_create_user_with_params_sets_custom_data(admin):
    params = json.dumps([{"key": "school", "value": "MIT"}, {"key": "age", "value": 22}])
    user = admin.ok(CREATE, {"i": {"username": "with-params"}, "p": params})
    assert user["customData"] == [{"key": "school", "value": "MIT", "dataType": "STRING", "label": "School"},
                                  {"key": "age", "value": "22", "dataType": "NUMBER", "label": "Age"}]


@pytest.mark.parametrize(
    "params",
    ["not json", '{"key": "age"}', '[{"value": 1}]', json.dumps([{"key": "nope", "value": 1}]),
     json.dumps([{"key": "age", "value": "22"}])],
)
def test_bad_params_are_2231_and_create_nothing(admin, params):
    assert admin.code(CREATE, {"i": {"username": "bad-params"}, "p": params}) == 2231
    assert admin.gql('{ findUser(username: "bad-params") { id } }')["data"]["findUser"] is None


def test_register_and_login_store_params_and_profile_udf(admin, approw_emulator_fresh):
    enc = approw_emulator_fresh.encrypt_password
    register = "mutation($i: RegisterByEmailInput!) { registerByEmail(input: $i) { id customData { key value } } }"
    user = admin.ok(register, {"i": {"email": "cd@example.com", "password": enc("pw-cd-1"),
                                     "params": json.dumps([{"key": "age", "value": 30}]),
                                     "profile": {"udf": [{"key": "school", "value": "Plain Text U"}]}}}, token="")
    assert {d["key"]: d["value"] for d in user["customData"]} == {"age": "30", "school": "Plain Text U"}
    login = "mutation($i: LoginByEmailInput!) { loginByEmail(input: $i) { customData { key value } } }"
    result = admin.ok(login, {"i": {"email": "cd@example.com", "password": enc("pw-cd-1"),
                                    "params": json.dumps([{"key": "age", "value": 31}])}}, token="")
    assert {d["key"]: d["value"] for d in result["customData"]} == {"age": "31", "school": "Plain Text U"}


def test_deleting_a_user_removes_their_values(admin, user_id):
    from approw.emulator.domains.udf.state import udvs

    admin.ok(SET_UDV, {"id": user_id, "k": "age", "v": "1"})
    admin.ok('mutation($id: String!) { deleteUser(id: $id) { code } }', {"id": user_id})
    assert udvs(admin.emu.store, "USER", user_id) == []

