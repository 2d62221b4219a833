"""100,000 calls of each transport entry point with memory stable (RSS)."""

import gc
import os

import pytest

from approw import _core

pytestmark = pytest.mark.slow

N = 100_000
WARMUP = 3_000
LIMIT_MB = 2.0


def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def growth(fn, n=N):
    for _ in range(WARMUP):
        fn()
    gc.collect()
    before = rss_mb()
    for _ in range(n):
        fn()
    gc.collect()
    return rss_mb() - before


def test_request_does_not_leak(http_server):
    s = _core.Session()
    url = http_server.url + "/echo"

    def call():
        r = s.request("POST", url, {"X-A": "b", "Authorization": "Bearer t"}, b"body")
        assert r.status == 200

    assert growth(call) < LIMIT_MB


def test_graphql_does_not_leak(http_server):
    s = _core.Session()
    url = http_server.url + "/graphql"
    doc = "query users($page: Int, $limit: Int) { users(page: $page, limit: $limit) { totalCount } }"

    def call():
        s.graphql(url, [("Authorization", "Bearer t")], doc, {"mode": "ok", "page": 1})

    assert growth(call) < LIMIT_MB


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
    assert growth(call, N // 4) < LIMIT_MB


def test_sessions_do_not_leak(http_server):
    url = http_server.url + "/echo"

    def call():
        with _core.Session() as s:
            s.request("GET", url)

    # each one opens a connection (and a TIME_WAIT socket): 10,000 of them
    assert growth(call, N // 10) < LIMIT_MB
