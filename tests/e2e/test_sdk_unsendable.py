"""Arguments JSON cannot hold (NaN, infinities, huge ints, non-str keys, sets, bytes, unpaired
surrogates, self-containing values) raise ApprowWrongArgumentException (ApprowArgumentTypeError
for a wrong type) naming where the value is, and nothing is sent: never a bare ValueError,
TypeError or UnicodeEncodeError."""
import asyncio

import pytest

from approw.v2.exceptions import ApprowArgumentTypeError, ApprowWrongArgumentException
from sdk_helpers import async_management


def _cycle_dict():
    d = {"a": 1}
    d["self"] = d
    return d


def _cycle_list():
    items = [1]
    items.append(items)
    return items


BAD = [  # (value, type problem?, words the message has)
    (float("nan"), False, "nan"),
    (float("inf"), False, "inf"),
    (float("-inf"), False, "-inf"),
    (10 ** 5000, False, "integer"),
    ({1: "x"}, True, "key must be a str"),
    ({(1, 2): "x"}, True, "key must be a str"),
    ({b"k": "x"}, True, "key must be a str"),
    ({1, 2}, True, "set"),
    (b"bytes", True, "bytes"),
    ("\ud800", False, "surrogate"),
    ({"\udfff": 1}, False, "surrogate"),
    (_cycle_dict(), False, "circular"),
    (_cycle_list(), False, "circular"),
]
IDS = ["nan", "inf", "-inf", "10**5000", "int-key", "tuple-key", "bytes-key", "set", "bytes", "surrogate",
       "surrogate-key", "cyclic-dict", "cyclic-list"]


def _check(ei, is_type, words, where):
    assert isinstance(ei.value, ApprowWrongArgumentException)
    assert isinstance(ei.value, ApprowArgumentTypeError) == is_type
    assert words in str(ei.value) and where in str(ei.value), str(ei.value)


@pytest.mark.parametrize("value,is_type,words", BAD, ids=IDS)
def test_users_create(management, value, is_type, words):
    # (a value deep inside a free-form JSON argument: typed input fields are refused earlier,
    # by the input check, with ApprowArgumentTypeError naming the field)
    with pytest.raises(ApprowWrongArgumentException) as ei:
        management.users.create({"username": "never-created"}, custom_data={"k": ["ok", value]})
    _check(ei, is_type, words, "custom_data['k'][1]")
    assert management.users.find(username="never-created") is None


@pytest.mark.parametrize("value,is_type,words", BAD, ids=IDS)
def test_userpool_add_env(management, value, is_type, words):
    with pytest.raises(ApprowWrongArgumentException) as ei:
        management.userpool.add_env("never-set", {"x": value})
    _check(ei, is_type, words, "body['value']['x']")
    assert all(env["key"] != "never-set" for env in management.userpool.list_env())


@pytest.mark.parametrize("value,is_type,words", BAD, ids=IDS)
def test_custom_data_of_users_create(management, value, is_type, words):
    with pytest.raises(ApprowWrongArgumentException) as ei:
        management.users.create({"username": "never-created"}, custom_data={"k": value})
    _check(ei, is_type, words, "custom_data['k']")


@pytest.mark.parametrize("value,is_type,words", BAD[:4] + BAD[9:10], ids=IDS[:4] + IDS[9:10])
def test_async_userpool_add_env(approw_emulator, value, is_type, words):
    async def run():
        client = async_management(approw_emulator)
        await client.userpool.add_env("never-set", {"x": value})
    with pytest.raises(ApprowWrongArgumentException) as ei:
        asyncio.run(run())
    _check(ei, is_type, words, "body['value']['x']")


def test_a_surrogate_in_a_query_parameter(management):
    with pytest.raises(ApprowWrongArgumentException) as ei:
        management.users.check_login_status("\ud800")
    assert "surrogate" in str(ei.value) and "params" in str(ei.value)
