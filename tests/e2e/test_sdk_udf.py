"""ManagementClient.udf end to end: custom field definitions and the values a target holds."""

import asyncio
import datetime

import pytest

from approw.v2.exceptions import ApprowException, ApprowWrongArgumentException
from approw.v2.management import AsyncManagementClient, ManagementClientOptions


def test_define_list_and_remove_fields(management, unique):
    key = unique("f")
    defined = management.udf.set("USER", key, "STRING", "A field")
    assert defined == {"targetType": "USER", "dataType": "STRING", "key": key, "label": "A field", "options": None}
    assert defined in management.udf.list("USER")
    again = management.udf.set("USER", key, "NUMBER", "Now a number")                    # an upsert
    assert again["dataType"] == "NUMBER" and [d for d in management.udf.list("USER") if d["key"] == key] == [again]
    choice = management.udf.set("ROLE", key, "SELECT", "Tier", options='["gold", "silver"]')
    assert choice["options"] == '["gold", "silver"]' and choice in management.udf.list("ROLE")
    assert management.udf.remove("USER", key)["code"] == 200
    assert all(d["key"] != key for d in management.udf.list("USER"))
    assert any(d["key"] == key for d in management.udf.list("ROLE"))                    # per target type
    with pytest.raises(ApprowException) as ei:
        management.udf.remove("USER", key)                                              # not defined any more
    assert ei.value.code == 2231


def test_values_of_a_user(management, unique):
    school, age, born, boss = (unique(k) for k in ("school", "age", "born", "boss"))
    for key, kind in ((school, "STRING"), (age, "NUMBER"), (born, "DATETIME"), (boss, "BOOLEAN")):
        management.udf.set("USER", key, kind, key)
    user = management.users.create({"username": unique(), "password": "pw123456"})
    assert management.udf.list_udf_value("USER", user["id"]) == []
    values = management.udf.set_udf_value_batch("USER", user["id"], [
        {"key": school, "value": '"MIT"'},                                            # JSON text, as the reference
        {"key": age, "value": 18},                                                     # a Python value, encoded
        {"key": born, "value": datetime.datetime(2000, 1, 2, 3, 4, 5)},
        {"key": boss, "value": False}])
    assert values == management.udf.list_udf_value("USER", user["id"])
    assert {v["key"]: (v["dataType"], v["value"]) for v in values} == {
        school: ("STRING", "MIT"), age: ("NUMBER", "18"), born: ("DATETIME", "2000-01-02T03:04:05"),
        boss: ("BOOLEAN", "false")}                                                    # raw, as the server sends
    management.udf.remove("USER", age)                                                  # its values go with it
    assert [v["key"] for v in management.udf.list_udf_value("USER", user["id"])] == [school, born, boss]


def test_bad_values_and_arguments(management, unique):
    key = unique("n")
    management.udf.set("USER", key, "NUMBER", "n")
    user = management.users.create({"username": unique(), "password": "pw123456"})
    for items in ([{"key": key, "value": '"eighteen"'}], [{"key": unique("undefined"), "value": "1"}]):
        with pytest.raises(ApprowException) as ei:
            management.udf.set_udf_value_batch("USER", user["id"], items)
        assert ei.value.code == 2231
    with pytest.raises(ApprowException) as ei:
        management.udf.list_udf_value("USER", "000000000000000000000000")
    assert ei.value.code == 2004
    for call in (lambda: management.udf.list("TEAM"), lambda: management.udf.set("USER", key, "INTEGER", "n"),
                 lambda: management.udf.set_udf_value_batch("USER", user["id"], [("age", 1)])):
        with pytest.raises(ApprowWrongArgumentException):
            call()


def test_async_udf(approw_emulator, unique):
    client = AsyncManagementClient(ManagementClientOptions(
        user_pool_id=approw_emulator.user_pool_id, secret=approw_emulator.secret, host=approw_emulator.url,
        enc_public_key=approw_emulator.public_key))
    key = unique("a")

    async def scenario():
        await client.udf.set("USER", key, "OBJECT", "Object")
        user = await client.users.create({"username": unique(), "password": "pw123456"})
        await client.udf.set_udf_value_batch("USER", user["id"], [{"key": key, "value": {"a": [1, 2]}}])
        listed, values = await asyncio.gather(client.udf.list("USER"), client.udf.list_udf_value("USER", user["id"]))
        removed = await client.udf.remove("USER", key)
        return listed, values, removed

    listed, values, removed = asyncio.run(scenario())
    assert any(d["key"] == key and d["dataType"] == "OBJECT" for d in listed)
    assert values == [{"key": key, "dataType": "OBJECT", "value": '{"a":[1,2]}', "label": "Object"}]
    assert removed["code"] == 200


def test_values_of_the_pool_and_of_a_role(management, approw_emulator, unique):
    key = unique("region")
    management.udf.set("USERPOOL", key, "STRING", "Region")
    values = management.udf.set_udf_value_batch("USERPOOL", approw_emulator.user_pool_id,
                                                [{"key": key, "value": '"eu-west"'}])
    assert {v["key"]: v["value"] for v in values}[key] == "eu-west"
    assert key in [v["key"] for v in management.udf.list_udf_value("USERPOOL", approw_emulator.user_pool_id)]
    with pytest.raises(ApprowException) as ei:
        management.udf.list_udf_value("USERPOOL", "another-pool")
    assert ei.value.code == 2224
    role = management.roles.create(unique("role"))
    management.udf.set("ROLE", key, "NUMBER", "Level")
    assert management.udf.set_udf_value_batch("ROLE", role["id"], [{"key": key, "value": 3}])[0]["value"] == "3"
    assert management.udf.list_udf_value("ROLE", role["code"])[0]["value"] == "3"       # by code too
