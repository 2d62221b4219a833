#!/usr/bin/env python3
"""Instructions per call, layer by layer, counted by valgrind (``--tool=callgrind``).

On a shared machine wall and CPU time move with the neighbours' load; the number of
instructions a call executes does not.  Each figure is ``(count(N calls) - count(0 calls)) /
N``: two runs of the same process under callgrind, identical but for the N timed calls (both
do the same set-up and warm-up calls first), so start-up, imports and set-up cancel out.
The server (the bench's ``cannedsrv``, run natively) is another process and is not counted.

Layers (``--layers``, default all), for ``users.list``, ``users.detail`` and
``login_by_username``:

* ``ours``       -- the public method (``mgmt.users.detail(id)``): everything;
* ``python``     -- the public method on a session that returns the recorded answer at once:
  the Python layer alone (argument check, variables, token, headers, executor);
* ``graphql``    -- ``Session.graphql`` with the call's recorded arguments: libcurl, the C
  transport, the body built in C and the answer decoded;
* ``loads``      -- ``approw._core.loads`` of the answer's bytes;
* ``orjson``     -- ``orjson.loads`` of the same bytes, taking the root field (the floor's
  decoder);
* ``libcurl-c``  -- the floor's C loop (``curlloop``) sending the bench's request;
* ``libcurl-c+`` -- the same C loop with the two headers the SDK also sends (``User-Agent``,
  ``Accept-Encoding``), for comparison;

and ``floor`` = ``libcurl-c`` + ``orjson`` with the ratio ``ours / floor``.  Needs the
bench's build (``python bench/run.py --only transport`` once) and valgrind.

``--imports``: the instructions of bench/run.py's ``import`` and ``import.clients`` statements,
ours and the reference's (in ``.work/refvenv``), each as ``count(python -I -c STATEMENT) -
count(python -I -c pass)``: the CPU work of the import, without the file system's or the
scheduler's waits (which wall time adds, and which vary with the load).

    python bench/instructions.py [--calls 300] [--only users.detail,...] [--layers ours,python]
    python bench/instructions.py --imports
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import canned  # noqa: E402

WORK = HERE / ".work"
CALLS = ("users.list", "users.detail", "login_by_username")
PY_LAYERS = ("ours", "python", "graphql", "loads", "orjson")
C_LAYERS = ("libcurl-c", "libcurl-c+")
ROOT = {"users.list": "users", "users.detail": "user", "login_by_username": "loginByUsername"}
WARM_UP = 30


# ---------------------------------------------------------------------- the measured child
class _Recorder:
    """A session wrapper that records the last ``graphql()`` call and its answer."""

    def __init__(self, session: Any) -> None:
        self.session = session
        self.last: Optional[Tuple[Tuple[Any, ...], Dict[str, Any], Any]] = None

    def graphql(self, *args: Any, **kwargs: Any) -> Any:
        answer = self.session.graphql(*args, **kwargs)
        self.last = (args, kwargs, answer)
        return answer


class _Instant:
    """A session whose ``graphql()`` returns a fixed answer at once."""

    def __init__(self, answer: Any) -> None:
        self.answer = answer

    def graphql(self, *args: Any, **kwargs: Any) -> Any:
        return self.answer


def _child(call: str, layer: str, n: int, url: str) -> None:
    from approw import _core
    from approw.v2.authentication import AuthenticationClient, AuthenticationClientOptions
    from approw.v2.management import ManagementClient, ManagementClientOptions

    meta = json.loads((WORK / "data" / "fixture.json").read_text())
    if call == "login_by_username":
        client: Any = AuthenticationClient(AuthenticationClientOptions(
            app_id=canned.APP_ID, user_pool_id=canned.USER_POOL_ID, host=url))
        method: Callable[[], Any] = lambda: client.login_by_username(  # noqa: E731
            canned.LOGIN_USERNAME, canned.LOGIN_PASSWORD)
    else:
        client = ManagementClient(ManagementClientOptions(
            user_pool_id=canned.USER_POOL_ID, secret=canned.USER_POOL_SECRET, host=url))
        user_id = meta["detail_user_id"]
        method = ((lambda: client.users.list(page=1, limit=10)) if call == "users.list"
                  else (lambda: client.users.detail(user_id)))
    method()                                  # the management token, the sub-client
    executor = client._executor
    recorder = _Recorder(executor.session)
    executor.session = recorder
    method()
    assert recorder.last is not None
    args, kwargs, answer = recorder.last
    executor.session = recorder.session
    body = (WORK / "data" / {"users.list": "users.json", "users.detail": "user.json",
                             "login_by_username": "loginByUsername.json"}[call]).read_bytes()
    root = ROOT[call]
    fn: Callable[[], Any]
    if layer == "ours":
        fn = method
    elif layer == "python":
        executor.session = _Instant(answer)
        fn = method
    elif layer == "graphql":
        session = recorder.session
        fn = lambda: session.graphql(*args, **kwargs)  # noqa: E731
    elif layer == "loads":
        loads = _core.loads
        fn = lambda: loads(body)["data"][root]  # noqa: E731
    elif layer == "orjson":
        import orjson

        fn = lambda: orjson.loads(body)["data"][root]  # noqa: E731
    else:
        raise SystemExit("unknown layer %r" % layer)
    for _ in range(WARM_UP):
        fn()
    for _ in range(n):
        fn()


# ---------------------------------------------------------------------- the parent
def _collected(stderr: str) -> int:
    m = re.search(r"Collected : (\d+)", stderr)
    if m is None:
        raise RuntimeError("no instruction count in valgrind's output:\n" + stderr[-2000:])
    return int(m.group(1))


def _valgrind(cmd: List[str], stdin: Optional[bytes] = None) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        r = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=%s/out" % tmp]
                           + cmd, input=stdin, capture_output=True,
                           env=dict(os.environ, PYTHONHASHSEED="0"), timeout=1800)
    if r.returncode != 0:
        raise RuntimeError("%s failed:\n%s" % (cmd[0], r.stderr.decode(errors="replace")[-2000:]))
    return _collected(r.stderr.decode(errors="replace"))


def _curl_files(call: str, sdk_headers: bool, token: str, tmp: Path) -> List[str]:
    """curlloop's arguments for the bench's request of ``call`` (as bench/run.py sends it)."""
    if call == "login_by_username":
        headers = canned.base_headers(app_id=canned.APP_ID)
        body = json.dumps({"query": canned.DOC_LOGIN,
                           "variables": {"input": canned.login_input("@@PASSWORD@@")}})
    else:
        headers = canned.base_headers(token)
        variables = {"page": 1, "limit": 10} if call == "users.list" else {"id": _meta()["detail_user_id"]}
        body = json.dumps({"query": canned.DOC_USERS if call == "users.list" else canned.DOC_USER,
                           "variables": variables})
    if sdk_headers:
        headers["User-Agent"] = "approw-py-sdk"        # the Session's default
        headers["Accept-Encoding"] = "deflate, gzip, br, zstd"
    (tmp / "headers.txt").write_text("".join("%s: %s\n" % kv for kv in headers.items()))
    (tmp / "body.json").write_text(body)
    args = ["--header-file", str(tmp / "headers.txt"), "--body-file", str(tmp / "body.json")]
    if call == "login_by_username":
        (tmp / "key.pem").write_text(canned.DEFAULT_ENCRYPT_PUBLICKEY)
        (tmp / "password.txt").write_text(canned.LOGIN_PASSWORD)
        args += ["--encrypt-pem", str(tmp / "key.pem"), "--password-file", str(tmp / "password.txt")]
    return args


def _meta() -> Dict[str, Any]:
    return json.loads((WORK / "data" / "fixture.json").read_text())


def count(call: str, layer: str, n: int, url: str) -> float:
    """Instructions per call of ``layer`` for ``call``."""
    if layer in C_LAYERS:
        with tempfile.TemporaryDirectory() as tmp:
            args = [str(WORK / "bin" / "curlloop"), url + "/graphql/v2"]
            args += _curl_files(call, layer == "libcurl-c+", _meta()["mgmt_token"], Path(tmp))
            runs = [_valgrind(args, ("run %d\nrun %d\nquit\n" % (WARM_UP, k)).encode())
                    for k in (0, n)]
    else:
        cmd = [sys.executable, str(Path(__file__).resolve()), "--child", call, layer, url]
        runs = [_valgrind(cmd + [str(k)]) for k in (0, n)]
    return (runs[1] - runs[0]) / n


def count_import(python: str, statement: str) -> float:
    """Instructions of ``statement`` in a fresh ``python -I`` (start-up subtracted)."""
    runs = [_valgrind([python, "-I", "-c", code]) for code in ("pass", statement)]
    return float(runs[1] - runs[0])


def imports() -> Dict[str, Dict[str, float]]:
    from run import IMPORT_STATEMENTS

    ref = str(WORK / "refvenv" / "bin" / "python")
    results: Dict[str, Dict[str, float]] = {}
    for name, (ours, theirs) in IMPORT_STATEMENTS.items():
        row = results[name] = {}
        for who, python, statement in (("ours", sys.executable, ours), ("reference", ref, theirs)):
            subprocess.run([python, "-I", "-c", statement], check=True)  # byte-code caches written
            row[who] = count_import(python, statement)
            print("%-18s %-11s %9.2f M" % (name, who, row[who] / 1e6), flush=True)
        print("%-18s %-11s %9.3f" % (name, "ours/ref", row["ours"] / row["reference"]))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--only", default=",".join(CALLS))
    parser.add_argument("--layers", default=",".join(PY_LAYERS + C_LAYERS))
    parser.add_argument("--json", metavar="PATH")
    parser.add_argument("--imports", action="store_true", help="count the import statements instead")
    parser.add_argument("--child", nargs=4, metavar=("CALL", "LAYER", "URL", "N"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        call, layer, url, n = args.child
        _child(call, layer, int(n), url)
        return 0
    if args.imports:
        found = imports()
        if args.json:
            Path(args.json).write_text(json.dumps(found, indent=1))
        return 0
    calls = [c for c in args.only.split(",") if c]
    layers = [x for x in args.layers.split(",") if x]
    server = subprocess.Popen([str(WORK / "bin" / "cannedsrv"), "--port", "0", "--watch-stdin",
                               str(WORK / "data")], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    results: Dict[str, Dict[str, float]] = {}
    try:
        assert server.stdout is not None
        url = "http://127.0.0.1:%d" % int(server.stdout.readline().split()[1])
        for call in calls:
            row = results.setdefault(call, {})
            for layer in layers:
                row[layer] = count(call, layer, args.calls, url)
                print("%-18s %-11s %9.1f k" % (call, layer, row[layer] / 1000), flush=True)
            if "libcurl-c" in row and "orjson" in row:
                row["floor"] = row["libcurl-c"] + row["orjson"]
                print("%-18s %-11s %9.1f k" % (call, "floor", row["floor"] / 1000))
                if "ours" in row:
                    print("%-18s %-11s %9.3f" % (call, "ours/floor", row["ours"] / row["floor"]))
    finally:
        server.stdin.close()  # type: ignore[union-attr]
        server.wait(timeout=30)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
