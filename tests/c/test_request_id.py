"""The answer's request id (``x-request-id``) and status: on GraphQLError and HTTPError,
and from a successful ``Session.graphql(..., meta=True)``."""

import pytest

from approw import _core

DOC = "query { x }"


def test_meta_returns_data_status_and_request_id(http_server):
    s = _core.Session()
    url = http_server.url + "/graphql"
    data, status, rid = s.graphql(url, None, DOC, {"mode": "ok", "rid": "req-1"}, meta=True)
    assert data["echo"]["variables"]["rid"] == "req-1"
    assert (status, rid) == (200, "req-1")
    # no header: None; meta=False (the default) returns the data alone
    data, status, rid = s.graphql(url, None, DOC, {"mode": "ok"}, meta=True)
    assert (status, rid) == (200, None) and "echo" in data
    assert "echo" in s.graphql(url, None, DOC, {"mode": "ok", "rid": "x"}, meta=False)
    # the id of one answer is not carried over to the next on the same connection
    assert s.graphql(url, None, DOC, {"mode": "data_null", "rid": "r2"}, meta=True) == (None, 200, "r2")
    assert s.graphql(url, None, DOC, {"mode": "data_null"}, meta=True) == (None, 200, None)


def test_graphql_error_carries_request_id(http_server):
    s = _core.Session()
    url = http_server.url + "/graphql"
    with pytest.raises(_core.GraphQLError) as ei:
        s.graphql(url, None, DOC, {"mode": "err_obj", "rid": "req-err"}, meta=True)
    assert ei.value.request_id == "req-err" and ei.value.status == 200
    with pytest.raises(_core.GraphQLError) as ei:
        s.graphql(url, None, DOC, {"mode": "err_obj"})
    assert ei.value.request_id is None


def test_http_error_carries_request_id(http_server):
    with pytest.raises(_core.HTTPError) as ei:
        _core.Session().graphql(http_server.url + "/graphql", None, DOC,
                                {"mode": "not_json", "rid": "req-502"})
    assert ei.value.request_id == "req-502" and ei.value.status == 502


def test_request_id_too_long_is_dropped(http_server):
    # ids are short tokens; an odd one that does not fit the buffer is left out, not cut
    rid = "r" * 200
    _, _, got = _core.Session().graphql(http_server.url + "/graphql", None, DOC,
                                        {"mode": "ok", "rid": rid}, meta=True)
    assert got is None


def test_request_keeps_the_header(http_server):
    r = _core.Session().request("GET", http_server.url + "/headers")
    assert r.headers["x-request-id"] == "rid-42"


def test_meta_is_a_bool_argument(http_server):
    with pytest.raises(TypeError):
        _core.Session().graphql(http_server.url + "/graphql", None, DOC, None, True)
