#!/usr/bin/env python3
"""Where the time of one SDK call goes, layer by layer: the CPU time of this process per call.

Against the bench's canned server (``bench/.work``: run ``python bench/run.py --only transport``
once to build it), for ``users.list``, ``users.detail`` and ``login_by_username``:

* ``request``  -- ``Session.request`` with the call's exact request, the answer left undecoded:
  libcurl and the C transport (pool, headers, perform loop, callbacks);
* ``graphql``  -- ``Session.graphql``: the same plus the request body built in C and the answer
  decoded into Python objects (the one trip through C the SDK makes);
* ``decode`` / ``orjson`` -- the answer's bytes decoded by ``approw._core.loads`` / orjson;
* ``sdk``      -- the public method (``mgmt.users.list(...)``): everything;
* ``python``   -- the public method with a session that answers at once (no I/O, no decode):
  the Python layer alone (argument check, token, headers, retry/deadline/log checks).

CPU time (``time.process_time``), not wall time: on a busy machine the process is often
descheduled, and the wall clock then measures the neighbours; CPU time still counts only
what this process does (the server is another process).  Medians of ``--reps`` rounds,
interleaved.

    python bench/layers.py [--calls 2000] [--reps 9]
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, Dict, List

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import canned  # noqa: E402

WORK = HERE / ".work"


class _Instant:
    """A session whose graphql() returns a fixed answer at once."""

    def __init__(self, answer: Any) -> None:
        self.answer = answer

    def graphql(self, *args: Any, **kwargs: Any) -> Any:
        return self.answer


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--reps", type=int, default=9)
    args = parser.parse_args()
    import orjson

    from approw import _core
    from approw.v2.authentication import AuthenticationClient, AuthenticationClientOptions
    from approw.v2.management import ManagementClient, ManagementClientOptions

    server = subprocess.Popen([str(WORK / "bin" / "cannedsrv"), "--port", "0", "--watch-stdin",
                               str(WORK / "data")], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert server.stdout is not None
        url = "http://127.0.0.1:%d" % int(server.stdout.readline().split()[1])
        meta = json.loads((WORK / "data" / "fixture.json").read_text())

        def management() -> Any:
            return ManagementClient(ManagementClientOptions(
                user_pool_id=canned.USER_POOL_ID, secret=canned.USER_POOL_SECRET, host=url))

        mgmt = management()
        auth = AuthenticationClient(AuthenticationClientOptions(
            app_id=canned.APP_ID, user_pool_id=canned.USER_POOL_ID, host=url))
        user_id = meta["detail_user_id"]
        calls: Dict[str, Callable[[], Any]] = {
            "users.list": lambda: mgmt.users.list(page=1, limit=10),
            "users.detail": lambda: mgmt.users.detail(user_id),
            "login_by_username": lambda: auth.login_by_username(canned.LOGIN_USERNAME,
                                                                canned.LOGIN_PASSWORD),
        }
        executor = mgmt.users._executor
        session, endpoint = executor.session, executor.graphql_endpoint
        headers = executor._graphql_headers(mgmt.tokenProvider.getAccessToken())
        rows: Dict[str, Dict[str, Callable[[], Any]]] = {}
        for name, doc, variables in (("users.list", canned.DOC_USERS, {"page": 1, "limit": 10}),
                                     ("users.detail", canned.DOC_USER, {"id": user_id})):
            body = json.dumps({"query": doc, "variables": variables}).encode()
            raw = list(headers) + [("content-type", "application/json")]
            answer = session.request("POST", endpoint, raw, body).body
            data = session.graphql(endpoint, headers, doc, variables)
            offline = management()
            offline.users.list(page=1, limit=10)      # token fetched while the session is real
            offline.users._executor.session = _Instant(data)
            rows[name] = {
                "request": lambda raw=raw, body=body: session.request(
                    "POST", endpoint, raw, body, timeout_ms=10000, idempotent=True),
                "graphql": lambda doc=doc, variables=variables: session.graphql(
                    endpoint, headers, doc, variables, timeout_ms=10000, idempotent=True),
                "decode": lambda answer=answer: _core.loads(answer),
                "orjson": lambda answer=answer: orjson.loads(answer),
                "sdk": calls[name],
            }
            rows[name]["python"] = ((lambda o=offline: o.users.list(page=1, limit=10))
                                    if name == "users.list" else
                                    (lambda o=offline: o.users.detail(user_id)))
        rows["login_by_username"] = {"sdk": calls["login_by_username"]}
        for row in rows.values():
            for fn in row.values():
                fn()
        print("CPU time of this process per call, us: median of %d rounds [min]" % args.reps)
        for name, row in rows.items():
            samples: Dict[str, List[float]] = {k: [] for k in row}
            for _ in range(args.reps):
                for key, fn in row.items():
                    started = time.process_time_ns()
                    for _ in range(args.calls):
                        fn()
                    samples[key].append((time.process_time_ns() - started) / args.calls / 1000)
            print(name)
            for key, values in samples.items():
                print("  %-9s %8.2f  [%.2f]" % (key, statistics.median(values), min(values)))
    finally:
        if server.stdin is not None:
            server.stdin.close()
        server.wait(5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
