#!/usr/bin/env python3
"""Where the wall time of one call goes: this process, the C loop and the server, in CPU time.

Against the bench's canned server (``bench/.work``: run ``python bench/run.py --only transport``
once to build it), with the server, this process and the floor's C loop (``curlloop``) on one
CPU, as ``bench/run.py`` runs them.  For each contestant, blocks of ``--calls`` calls,
interleaved, ``--reps`` rounds; per call, the median over the rounds of:

* ``wall``: the block's wall time;
* ``client usr`` / ``client sys``: the user and kernel CPU time of the process that makes the
  calls (this one, or the C loop);
* ``server usr`` / ``server sys``: the same for the server while it answered them.

On one CPU the four add up to the wall time (the kernel's ticks are 10 ms, so each figure is
within ~0.5 us over 20,000 calls).  Contestants, for ``--call`` (``users.detail`` by default):
``sdk`` (the public method), ``graphql`` (``Session.graphql``: the C transport and the
decoder), ``request`` (``Session.request`` with the same request, the answer left undecoded),
and ``libcurl-c`` (the floor's C loop).

``--walk KB,KB,...`` adds the C loop reading KB kilobytes of memory after each call (a byte
per cache line: what an interpreter's work between two calls does to the caches), its wall
time per call against the loop alone plus that reading's own cost (``walk``, measured alone).
What both show (bench/README.md): what runs between two answers makes the kernel's, libcurl's
and the server's share of the next one slower, by more than its own time once it moves a few
hundred kilobytes -- the Python process pays that on every call, the floor's C loop does not.

    python bench/accounting.py [--call users.detail] [--calls 20000] [--reps 7] [--walk 0,128,512]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Tuple

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import canned  # noqa: E402
import instructions  # noqa: E402  (the C loop's arguments for a call)

WORK = HERE / ".work"
TICK = os.sysconf("SC_CLK_TCK")


def cpu_times(pid: int) -> Tuple[float, float]:
    """(user, system) CPU seconds of process ``pid`` so far."""
    fields = Path("/proc/%d/stat" % pid).read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) / TICK, int(fields[12]) / TICK


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--call", default="users.detail", choices=instructions.CALLS)
    parser.add_argument("--calls", type=int, default=20000)
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--cpu", type=int, default=0)
    parser.add_argument("--walk", default="", help="comma-separated KB read between the C "
                        "loop's calls, e.g. 0,128,512")
    args = parser.parse_args()
    walks = [int(k) for k in args.walk.split(",") if k.strip()]
    from run import build_c   # the C loop, rebuilt when its source changed

    curlloop = build_c("curlloop", ["-lcurl", "-lcrypto"])
    from approw.v2.authentication import AuthenticationClient, AuthenticationClientOptions
    from approw.v2.management import ManagementClient, ManagementClientOptions

    server = subprocess.Popen([str(WORK / "bin" / "cannedsrv"), "--port", "0", "--watch-stdin",
                               str(WORK / "data")], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True)
    loop = None
    try:
        assert server.stdout is not None
        url = "http://127.0.0.1:%d" % int(server.stdout.readline().split()[1])
        meta = json.loads((WORK / "data" / "fixture.json").read_text())
        mgmt = ManagementClient(ManagementClientOptions(
            user_pool_id=canned.USER_POOL_ID, secret=canned.USER_POOL_SECRET, host=url))
        auth = AuthenticationClient(AuthenticationClientOptions(
            app_id=canned.APP_ID, user_pool_id=canned.USER_POOL_ID, host=url))
        sdk: Dict[str, Callable[[], Any]] = {
            "users.list": lambda: mgmt.users.list(page=1, limit=10),
            "users.detail": lambda: mgmt.users.detail(meta["detail_user_id"]),
            "login_by_username": lambda: auth.login_by_username(canned.LOGIN_USERNAME,
                                                                canned.LOGIN_PASSWORD),
        }
        calls: Dict[str, Callable[[], Any]] = {"sdk": sdk[args.call]}
        if args.call != "login_by_username":
            executor = mgmt.users._executor
            session, endpoint = executor.session, executor.graphql_endpoint
            headers = executor._graphql_headers(mgmt.tokenProvider.getAccessToken())
            doc, variables = ((canned.DOC_USERS, {"page": 1, "limit": 10})
                              if args.call == "users.list" else
                              (canned.DOC_USER, {"id": meta["detail_user_id"]}))
            body = json.dumps({"query": doc, "variables": variables}).encode()
            raw = list(headers) + [("content-type", "application/json")]
            calls["graphql"] = lambda: session.graphql(endpoint, headers, doc, variables,
                                                       timeout_ms=10000, idempotent=True)
            calls["request"] = lambda: session.request("POST", endpoint, raw, body,
                                                       timeout_ms=10000, idempotent=True)
        tmp = tempfile.mkdtemp()
        loop = subprocess.Popen(
            [str(curlloop), url + "/graphql/v2"]
            + instructions._curl_files(args.call, False, meta["mgmt_token"], Path(tmp)),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert loop.stdin is not None and loop.stdout is not None
        for pid in (0, server.pid, loop.pid):
            os.sched_setaffinity(pid, {args.cpu})

        def run_loop(n: int, command: str = "run", kb: int = 0) -> float:
            """The loop's own wall time per call (us)."""
            assert loop is not None and loop.stdin is not None and loop.stdout is not None
            loop.stdin.write("%s %d %d\n" % (command, n, kb))
            loop.stdin.flush()
            answer = loop.stdout.readline()
            if not answer.startswith("ok"):
                raise RuntimeError("curlloop: " + answer.strip())
            return float(answer.split()[2]) / 1000

        for fn in calls.values():
            for _ in range(2000):
                fn()
        run_loop(2000)
        names = list(calls) + ["libcurl-c"]
        rows: Dict[str, List[Tuple[float, ...]]] = {n: [] for n in names}
        for _ in range(args.reps):
            for name in names:
                pid = loop.pid if name == "libcurl-c" else os.getpid()
                s0, c0, t0 = cpu_times(server.pid), cpu_times(pid), time.perf_counter()
                if name == "libcurl-c":
                    run_loop(args.calls)
                else:
                    fn = calls[name]
                    for _ in range(args.calls):
                        fn()
                wall = time.perf_counter() - t0
                s1, c1 = cpu_times(server.pid), cpu_times(pid)
                k = 1e6 / args.calls
                rows[name].append((wall * k, (c1[0] - c0[0]) * k, (c1[1] - c0[1]) * k,
                                   (s1[0] - s0[0]) * k, (s1[1] - s0[1]) * k))
        print("%s: us per call, medians of %d rounds of %d calls (one CPU)"
              % (args.call, args.reps, args.calls))
        print("  %-10s %6s %11s %11s %11s %11s" % ("", "wall", "client usr", "client sys",
                                                  "server usr", "server sys"))
        for name in names:
            cols = [statistics.median(r[i] for r in rows[name]) for i in range(5)]
            print("  %-10s %6.1f %11.1f %11.1f %11.1f %11.1f" % (name, *cols))
        if walks:
            walked: Dict[int, List[Tuple[float, float]]] = {kb: [] for kb in walks}
            for _ in range(args.reps):
                for kb in walks:
                    walked[kb].append((run_loop(args.calls, "run", kb),
                                       run_loop(args.calls, "walk", kb)))
            base = statistics.median(w[0] for w in walked[walks[0]]) if walks[0] == 0 else None
            print("libcurl-c reading KB of memory after each call: us per call, medians")
            print("  %6s %11s %8s %12s" % ("KB", "loop+walk", "walk", "extra"))
            for kb in walks:
                both = statistics.median(w[0] for w in walked[kb])
                alone = statistics.median(w[1] for w in walked[kb])
                extra = "" if base is None else "%+12.1f" % (both - base - alone)
                print("  %6d %11.1f %8.2f %12s" % (kb, both, alone, extra))
    finally:
        for proc in (loop, server):
            if proc is not None and proc.stdin is not None:
                proc.stdin.close()
                proc.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
