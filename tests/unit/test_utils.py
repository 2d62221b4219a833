"""approw.v2.common.utils (API.md section 2.8)."""
import datetime
import json
from typing import Any

import pytest

from approw.v2.common import utils
from approw.v2.exceptions import ApprowWrongArgumentException
from fakes import decrypt


def test_encrypt_round_trip(rsa_key: Any) -> None:
    key, pem = rsa_key
    a = utils.encrypt("passw0rd", pem)
    b = utils.encrypt("passw0rd", pem)
    assert a != b  # random padding
    assert decrypt(key, a) == decrypt(key, b) == "passw0rd"


def test_is_number() -> None:
    assert utils.is_number("1.5") and utils.is_number(3) and utils.is_number("1e3")
    assert not utils.is_number("abc") and not utils.is_number(None)


def test_convert_udv() -> None:
    items = [
        {"key": "age", "dataType": "NUMBER", "value": "18", "label": "Age"},
        {"key": "vip", "dataType": "BOOLEAN", "value": "true", "label": ""},
        {"key": "obj", "dataType": "OBJECT", "value": '{"a": [1]}', "label": ""},
        {"key": "name", "dataType": "STRING", "value": "bob", "label": ""},
        {"key": "ms", "dataType": "DATETIME", "value": 1609459200000, "label": ""},
        {"key": "mss", "dataType": "DATETIME", "value": "1609459200000", "label": ""},
        {"key": "iso", "dataType": "DATETIME", "value": "2021-01-01T00:00:00Z", "label": ""},
        {"key": "bad", "dataType": "NUMBER", "value": "not json", "label": ""},
        {"key": "none", "dataType": "NUMBER", "value": None, "label": ""},
    ]
    out = utils.convert_udv_list_to_dict(items)
    local = datetime.datetime.fromtimestamp(1609459200)
    assert out == {
        "age": 18, "vip": True, "obj": {"a": [1]}, "name": "bob", "ms": local, "mss": local,
        "iso": datetime.datetime(2021, 1, 1, tzinfo=datetime.timezone.utc),
        "bad": "not json", "none": None,
    }
    assert utils.convert_udv_list_to_dict(None) == {}


def test_convert_nested_pagination() -> None:
    page = {"totalCount": 2, "list": [
        {"id": "a", "customData": [{"key": "n", "dataType": "NUMBER", "value": "1"}]},
        {"id": "b", "customData": None},
    ]}
    assert utils.convert_nested_pagination_custom_data_list_to_dict(page) is None
    assert page["list"] == [{"id": "a", "customData": {"n": 1}}, {"id": "b", "customData": {}}]
    utils.convert_nested_pagination_custom_data_list_to_dict(None)


def test_hostname_and_url_join() -> None:
    assert utils.get_hostname_from_url("https://core.approw.com:443/x") == "core.approw.com"
    assert utils.get_hostname_from_url("core.approw.com/graphql") == "core.approw.com"
    assert utils.url_join_args("https://h/a", {"page": 1, "q": "a b"}, x=None) == \
        "https://h/a?page=1&q=a+b&x=None"
    assert utils.url_join_args("https://h/a?", {"page": 1}) == "https://h/a?page=1"
    assert utils.url_join_args("https://h/a") == "https://h/a"


def test_camel_to_snake_and_format() -> None:
    assert utils.camel_to_snake("userPoolId") == "user_pool_id"
    assert utils.camel_to_snake("UserPoolId") == "user_pool_id"
    assert utils.camel_to_snake("nodeV2") == "node_v_2"
    arr = [{"code": "c", "type": None, "actions": []}, {"code": "d", "type": "API",
                                                        "actions": ["x"]}]
    assert utils.format_authorized_resources(arr) == [{"code": "c"}, {"code": "d", "type": "API",
                                                                      "actions": ["x"]}]


def test_random_string() -> None:
    s = utils.get_random_string()
    assert len(s) == 10 and s.isascii() and s.isalpha() and s.islower()
    assert len(utils.get_random_string(43)) == 43
    assert utils.get_random_string(0) == ""
    with pytest.raises(ApprowWrongArgumentException):
        utils.get_random_string(-1)


def test_randomness_helpers() -> None:
    """approw.v2.common.randomness: the stdlib (secrets, hashlib) on the cold paths."""
    import math
    from collections import Counter

    from approw.v2.common.randomness import pkce_s256, random_string

    # RFC 7636 appendix B
    assert pkce_s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == \
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    with pytest.raises(UnicodeEncodeError):
        pkce_s256("vérifier")
    assert random_string(5, "x") == "xxxxx"
    assert random_string(20) != random_string(20)
    # uniform over the alphabet (chi-squared, z = 6: never flaky, a 2:1 bias fails)
    alphabet = "abcdefghijklmnopqrstuvwxyz"
    total = 400 * len(alphabet)
    counts = Counter(random_string(total, alphabet))
    assert set(counts) <= set(alphabet)
    expected = total / len(alphabet)
    chi2 = sum((counts.get(ch, 0) - expected) ** 2 / expected for ch in alphabet)
    df = len(alphabet) - 1
    assert chi2 < df * (1 - 2 / (9 * df) + 6 * math.sqrt(2 / (9 * df))) ** 3


def test_serialize_udv_value() -> None:
    assert utils.serialize_udv_value(18) == "18"
    assert utils.serialize_udv_value("a") == '"a"'
    assert utils.serialize_udv_value(True) == "true"
    assert utils.serialize_udv_value(datetime.datetime(2021, 1, 1)) == '"2021-01-01T00:00:00"'
    assert utils.serialize_udv_value("é") == '"\\u00e9"'  # ASCII-only JSON, as the reference


def test_custom_data_params_and_context() -> None:
    assert utils.custom_data_params(None) is None
    assert utils.custom_data_params({}) is None
    text = utils.custom_data_params({"age": 18, "name": "bøb"})
    assert text == '[{"key": "age", "value": 18}, {"key": "name", "value": "b\\u00f8b"}]'
    assert json.loads(text) == [{"key": "age", "value": 18}, {"key": "name", "value": "bøb"}]
    with pytest.raises(ApprowWrongArgumentException, match="^custom_data must be a dict$"):
        utils.custom_data_params([("a", 1)])  # type: ignore[arg-type]
    assert utils.context_json({"a": 1}) == '{"a": 1}'
    assert utils.context_json(None) is None and utils.context_json({}) == {}


def test_pick_alias() -> None:
    assert utils.pick_alias("a", None, "x", "y") == "a"
    assert utils.pick_alias(None, "b", "x", "y") == "b"
    assert utils.pick_alias("a", "a", "x", "y") == "a"
    with pytest.raises(ApprowWrongArgumentException, match="x or y"):
        utils.pick_alias("a", "b", "x", "y")
