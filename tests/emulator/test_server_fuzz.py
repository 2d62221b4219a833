"""Generated bad input: every answer is a well-formed envelope with a known code, never a 500."""

from __future__ import annotations

import json
from typing import Any, Dict

import pytest

pytest.importorskip("graphql")
hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
BUSINESS_CODES = {1001, 2003, 2004, 2006, 2015, 2016, 2020, 2026, 2030, 2031, 2032, 2224, 2231}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**40, 2**40) | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@pytest.fixture(scope="module")
def admin(approw_emulator):
    with approw_emulator.client(approw_emulator.management_token()) as c:
        yield c


def assert_envelope(body: Dict[str, Any]) -> None:
    assert set(body) <= {"data", "errors"}
    for error in body.get("errors", []):
        assert isinstance(error["message"]["message"], str) and error["message"]["message"]
        assert error["message"]["code"] in BUSINESS_CODES, error


@FUZZ
@given(st.binary(max_size=300))
def test_random_bytes_as_a_graphql_body(admin, raw):
    status, body = admin.request("POST", "/graphql/v2", raw, headers={"Content-Type": "application/json"})
    assert status == 200
    assert_envelope(body)


@FUZZ
@given(json_values)
def test_random_json_as_a_graphql_body(admin, value):
    status, body = admin.request("POST", "/graphql/v2", json.dumps(value).encode())
    assert status == 200
    assert_envelope(body)


@FUZZ
@given(st.dictionaries(st.sampled_from(["username", "email", "phone", "nickname", "signedUp", "lastLogin",
                                        "externalId", "loginsCount", "blocked", "gender", "registerSource",
                                        "password", "unionid"]), json_values, max_size=6),
       st.one_of(st.none(), st.text(max_size=40), json_values.map(json.dumps)))
def test_random_create_user_input(admin, user_info, params):
    body = admin.graphql("mutation($i: CreateUserInput!, $p: String) { createUser(userInfo: $i, params: $p) "
                         "{ id username email createdAt } }", {"i": user_info, "p": params})
    assert_envelope(body)


@FUZZ
@given(st.fixed_dictionaries({}, optional={"page": json_values, "limit": json_values, "sortBy": json_values,
                                           "query": json_values, "fields": json_values, "ids": json_values,
                                           "type": json_values}))
def test_random_listing_arguments(admin, variables):
    doc = ("query($page: Int, $limit: Int, $sortBy: SortByEnum, $query: String!, $fields: [String], "
           "$ids: [String!]!, $type: String) { users(page: $page, limit: $limit, sortBy: $sortBy) { totalCount } "
           "searchUser(query: $query, fields: $fields, page: $page, limit: $limit) { totalCount } "
           "userBatch(ids: $ids, type: $type) { id } }")
    assert_envelope(admin.graphql(doc, variables))


@FUZZ
@given(st.text(st.characters(min_codepoint=32, max_codepoint=255, blacklist_characters="\x7f"), max_size=200)
       | st.builds(lambda a, b, c: ".".join((a, b, c)), *[st.text("abcXYZ_-019", max_size=40)] * 3))
def test_random_bearer_tokens(approw_emulator, token):
    with approw_emulator.client() as c:
        status, body = c.request("GET", "/api/v2/users/me", headers={"Authorization": "Bearer " + token})
    assert status == 200 and body["code"] == 2020
