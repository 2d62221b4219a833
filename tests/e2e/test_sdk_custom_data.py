"""AuthenticationClient end to end: the current user's custom data."""

import datetime

import pytest

from approw.v2.authentication import AuthenticationClient
from approw.v2.exceptions import ApprowException, ApprowWrongArgumentException

UDF = 'mutation($k: String!, $t: UDFDataType!) { setUdf(targetType: USER, key: $k, dataType: $t, label: $k) { key } }'


@pytest.fixture(scope="module")
def fields(approw_emulator):
    admin = approw_emulator.client(approw_emulator.management_token())
    for key, kind in (("cd_age", "NUMBER"), ("cd_team", "STRING"), ("cd_vip", "BOOLEAN"), ("cd_since", "DATETIME")):
        assert "errors" not in admin.graphql(UDF, {"k": key, "t": kind})
    return admin


@pytest.fixture()
def client(auth_options, approw_emulator, unique, fields):
    name = unique("cd")
    approw_emulator.create_user(username=name, password="passw0rd")
    c = AuthenticationClient(auth_options())
    c.login_by_username(name, "passw0rd")
    return c


def test_set_get_remove_udf_value(client):
    assert client.get_udf_value() == {}
    assert client.set_udf_value({"cd_age": 30, "cd_team": "blue", "cd_vip": True}) is True
    assert client.get_udf_value() == {"cd_age": 30, "cd_team": "blue", "cd_vip": True}
    assert client.remove_udf_value("cd_vip") is True
    assert client.get_udf_value() == {"cd_age": 30, "cd_team": "blue"}
    with pytest.raises(ApprowWrongArgumentException):
        client.set_udf_value({})
    with pytest.raises(ApprowException):                 # not a defined field
        client.set_udf_value({"cd_undefined": 1})


def test_list_set_remove_udv(client):
    items = client.set_udv("cd_age", 41)
    assert {"key": "cd_age", "value": 41} .items() <= next(i for i in items if i["key"] == "cd_age").items()
    since = datetime.datetime(2021, 6, 7, 14, 34, 8)
    client.set_udv("cd_since", since)
    listed = {i["key"]: i["value"] for i in client.list_udv()}
    assert listed["cd_age"] == 41 and isinstance(listed["cd_since"], datetime.datetime)
    remaining = client.remove_udv("cd_age")
    assert [i["key"] for i in remaining] == ["cd_since"]


def test_custom_data_needs_a_login(authentication):
    with pytest.raises(ApprowException) as ei:
        authentication.get_udf_value()
    assert ei.value.code == 2020
