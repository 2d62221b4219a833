"""100,000 calls of each transport entry point with memory stable (RSS)."""

import pytest
from leakcheck import N, assert_stable

from approw import _core

pytestmark = pytest.mark.slow


def test_request_does_not_leak(http_server):
    s = _core.Session()
    url = http_server.url + "/echo"

    def call():
        r = s.request("POST", url, {"X-A": "b", "Authorization": "Bearer t"}, b"body")
        assert r.status == 200

    assert_stable(call)


def test_graphql_does_not_leak(http_server):
    s = _core.Session()
    url = http_server.url + "/graphql"
    doc = "query users($page: Int, $limit: Int) { users(page: $page, limit: $limit) { totalCount } }"

    def call():
        s.graphql(url, [("Authorization", "Bearer t")], doc, {"mode": "ok", "page": 1})

    assert_stable(call)


def test_graphql_meta_does_not_leak(http_server):
    s = _core.Session()
    url = http_server.url + "/graphql"

    def call():
        data, status, rid = s.graphql(url, None, "query { x }", {"mode": "ok", "rid": "r-1"},
                                      meta=True)
        assert rid == "r-1"
        try:
            s.graphql(url, None, "query { x }", {"mode": "err_obj", "rid": "r-2"})
        except _core.GraphQLError as e:
            assert e.request_id == "r-2"

    assert_stable(call, N // 2)


def test_error_paths_do_not_leak(http_server, free_port):
    s = _core.Session()
    url = http_server.url + "/graphql"
    refused = f"http://127.0.0.1:{free_port}/x"

    def call():
        try:
            s.graphql(url, None, "query { x }", {"mode": "err_many"})
        except _core.GraphQLError:
            pass
        try:
            s.graphql(url, None, "query { x }", {"mode": "not_json"})
        except _core.HTTPError:
            pass
        try:
            s.request("GET", refused)
        except _core.ConnectionError:
            pass
        try:
            s.request("GET", url, {"X": "a\nb"})
        except ValueError:
            pass

    # four failures per call: 25,000 calls make 100,000 error paths
    assert_stable(call, N // 4)


def test_sessions_do_not_leak(http_server):
    url = http_server.url + "/echo"

    def call():
        with _core.Session() as s:
            s.request("GET", url)

    # each one opens a connection (and a TIME_WAIT socket): 10,000 of them
    assert_stable(call, N // 10)
