#!/usr/bin/env python3
"""Benchmarks: approw-py-sdk ("ours") against the pure-Python clients it replaces.

    python bench/run.py [--quick] [--json PATH] [--only PATTERNS] [--skip PATTERNS]

Sets up what it needs under bench/.work/ (C programs, fixture data, a virtual
environment with the reference SDK), starts one canned-response server on a
free loopback port, measures every contestant side by side (repetitions
interleaved), prints a table and optionally writes JSON.  A benchmark or a
contestant that fails becomes an error row; the run goes on.  See README.md.
"""

from __future__ import annotations

import abc
import argparse
import atexit
import base64
import contextlib
import datetime as _dt
import fnmatch
import hashlib
import http.client
import json
import os
import platform
import select
import shutil
import signal
import ssl
import statistics
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / ".work"
SCHEMA = ROOT / "spec" / "schema.graphql"
REFERENCE_REQ = "authing==4.5.15"

sys.path.insert(0, str(HERE))
import async_bench  # noqa: E402
import canned  # noqa: E402

PER_CALL = ("users.list", "users.detail", "login_by_username")
THREADS = (1, 2, 4, 8)
ALL_BENCHMARKS = PER_CALL + ("transport", "json.decode", "rsa.encrypt", "jwt.verify", "import",
                             "import.clients", "rss.growth") + tuple("threads.%d" % n for n in THREADS) + async_bench.NAMES
UNITS = {
    "transport": "us",
    "users.list": "us",
    "users.detail": "us",
    "login_by_username": "us",
    "json.decode": "us",
    "rsa.encrypt": "us",
    "jwt.verify": "us",
    "import": "ms",
    "import.clients": "ms",
    "rss.growth": "MB",
}
for _n in THREADS:
    UNITS["threads.%d" % _n] = "calls/s"
UNITS.update(async_bench.UNITS)
HIGHER_IS_BETTER = {"threads.%d" % n for n in THREADS} | async_bench.HIGHER_IS_BETTER
# "orjson-answer": orjson.loads of the same answer bytes, timed in the same run;
# "floor": libcurl-c + orjson-answer, repetition by repetition (the least a call
# that moves the bytes and builds the Python objects can cost).
BASELINES = {
    **{name: ["reference", "requests", "http.client", "libcurl-c", "orjson-answer", "floor"]
       for name in PER_CALL},
    "transport": ["libcurl-c"],
    "json.decode": ["json", "orjson"],
    "rsa.encrypt": ["rsa", "cryptography"],
    "jwt.verify": ["pyjwt"],
    "import": ["reference"],
    "import.clients": ["reference"],
    "rss.growth": [],
    **{"threads.%d" % n: ["requests"] for n in THREADS},
    **async_bench.BASELINES,
}


# ====================================================================== children


class Children:
    """Every process the bench starts, so that none is left behind."""

    procs: list[subprocess.Popen] = []

    @classmethod
    def add(cls, p: subprocess.Popen) -> subprocess.Popen:
        cls.procs.append(p)
        return p

    @classmethod
    def stop(cls, p: subprocess.Popen, grace: float = 3.0) -> None:
        if p.poll() is None:
            try:
                if p.stdin is not None and not p.stdin.closed:
                    p.stdin.close()  # our children exit at end of input
            except OSError:
                pass
            try:
                p.wait(grace)
            except subprocess.TimeoutExpired:
                p.terminate()
                try:
                    p.wait(grace)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        for f in (p.stdout, p.stderr, p.stdin):
            try:
                if f is not None and not f.closed:
                    f.close()
            except OSError:
                pass
        if p in cls.procs:
            cls.procs.remove(p)

    @classmethod
    def stop_all(cls) -> None:
        for p in list(cls.procs):
            cls.stop(p, grace=1.0)


atexit.register(Children.stop_all)


def _on_signal(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)


def _read_line(p: subprocess.Popen, timeout: float, what: str) -> str:
    """One line from a child's stdout, or an error naming what we waited for."""
    assert p.stdout is not None
    ready, _, _ = select.select([p.stdout], [], [], timeout)
    if not ready:
        raise RuntimeError("%s: no answer within %.0f s" % (what, timeout))
    line = p.stdout.readline()
    if not line:
        raise RuntimeError("%s: process exited (code %s)" % (what, p.poll()))
    return line.decode("utf-8", "replace") if isinstance(line, bytes) else line


# ====================================================================== setup


class SetupError(Exception):
    pass


def _tail(text: str, lines: int = 25) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def build_c(name: str, libs: list[str]) -> Path:
    """Compile bench/<name>.c into bench/.work/bin/<name> unless it is current."""
    src = HERE / (name + ".c")
    out = WORK / "bin" / name
    stamp = WORK / "bin" / (name + ".stamp")
    cc = os.environ.get("CC", "gcc")
    cmd = [cc, "-O2", "-Wall", "-Wextra", "-o", str(out), str(src)] + libs
    digest = hashlib.sha256(src.read_bytes() + " ".join(cmd).encode()).hexdigest()
    if out.exists() and stamp.exists() and stamp.read_text() == digest:
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        r = subprocess.run(cmd, capture_output=True, text=True)
    except OSError as e:
        raise SetupError("cannot run %s: %s" % (cc, e)) from None
    if r.returncode != 0:
        raise SetupError("%s failed (exit %d):\n%s" % (" ".join(cmd), r.returncode, _tail(r.stderr)))
    stamp.write_text(digest)
    return out


def ensure_reference(log: Callable[[str], None]) -> Path:
    """A virtual environment with the reference SDK and its pinned dependencies."""
    venv = WORK / "refvenv"
    py = venv / "bin" / "python"
    stamp = venv / ".bench-ready"
    if stamp.exists() and py.exists():
        return py
    if venv.exists():
        shutil.rmtree(venv)
    log("setup: creating %s and installing %s (once)" % (venv, REFERENCE_REQ))
    r = subprocess.run([sys.executable, "-m", "venv", str(venv)], capture_output=True, text=True)
    if r.returncode != 0:
        raise SetupError("python -m venv failed (exit %d):\n%s" % (r.returncode, _tail(r.stderr)))
    r = subprocess.run(
        [str(py), "-m", "pip", "install", "--disable-pip-version-check", "--no-input", REFERENCE_REQ],
        capture_output=True,
        text=True,
    )
    if r.returncode != 0:
        # pip.conf's unreachable find-links locations warn on every package: leave them out.
        out = "\n".join(ln for ln in (r.stderr or r.stdout).splitlines() if not ln.startswith("WARNING: Location "))
        msg = "pip install %s failed (exit %d):\n%s" % (REFERENCE_REQ, r.returncode, _tail(out))
        shutil.rmtree(venv, ignore_errors=True)
        raise SetupError(msg)
    freeze = subprocess.run([str(py), "-m", "pip", "freeze", "--disable-pip-version-check"], capture_output=True, text=True)
    stamp.write_text(freeze.stdout)
    return py


# ====================================================================== server


class CannedServer:
    def __init__(self, binary: Path, data_dir: Path) -> None:
        self.binary = binary
        self.data_dir = data_dir
        self.proc: Optional[subprocess.Popen] = None
        self.port = 0

    def start(self) -> "CannedServer":
        log = open(WORK / "cannedsrv.log", "ab")
        try:
            self.proc = Children.add(
                subprocess.Popen(
                    [str(self.binary), "--port", "0", "--watch-stdin", str(self.data_dir)],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=log,
                )
            )
        finally:
            log.close()
        line = _read_line(self.proc, 10.0, "cannedsrv start")
        if not line.startswith("PORT "):
            raise SetupError("cannedsrv: unexpected first line %r (see bench/.work/cannedsrv.log)" % line)
        self.port = int(line.split()[1])
        return self

    @property
    def url(self) -> str:
        return "http://127.0.0.1:%d" % self.port

    def stats(self) -> dict[str, int]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request("GET", "/__stats")
            return json.loads(conn.getresponse().read())
        finally:
            conn.close()

    def stop(self) -> None:
        if self.proc is not None:
            Children.stop(self.proc)
            self.proc = None


# ====================================================================== statistics


class Stat:
    def __init__(self, samples: list[float], calls: Optional[int] = None) -> None:
        self.samples = samples
        self.calls = calls

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "median": self.median,
            "min": min(self.samples),
            "max": max(self.samples),
            "samples": self.samples,
        }
        if self.calls is not None:
            d["calls_per_rep"] = self.calls
        return d


def _err(e: BaseException) -> str:
    if isinstance(e, (SetupError, ContestantError)):
        return str(e)
    return "%s: %s" % (type(e).__name__, e)


class ContestantError(Exception):
    pass


# ====================================================================== contestants


class Contestant(abc.ABC):
    """run(n) performs n calls and returns elapsed ns; result() one call's value."""

    name = "?"

    @abc.abstractmethod
    def result(self) -> Any:
        """The value one call returns (used to validate the contestant)."""

    @abc.abstractmethod
    def run(self, n: int) -> int:
        """Perform n calls; elapsed nanoseconds."""

    def close(self) -> None:
        """Release what the contestant holds (default: nothing)."""


class InProc(Contestant):
    def __init__(self, name: str, fn: Callable[[], Any], closers: tuple = ()) -> None:
        self.name = name
        self.fn = fn
        self.closers = closers

    def result(self) -> Any:
        return self.fn()

    def run(self, n: int) -> int:
        fn = self.fn
        t0 = time.perf_counter_ns()
        for _ in range(n):
            fn()
        return time.perf_counter_ns() - t0

    def close(self) -> None:
        for c in self.closers:
            try:
                c.close()
            except Exception:
                pass


class RefWorker:
    """The reference SDK in its own venv, in one long-lived subprocess."""

    def __init__(self, python: Path, server_url: str, meta: dict[str, Any]) -> None:
        self.log_path = WORK / "refworker.log"
        with open(self.log_path, "wb") as log:
            self.proc = Children.add(
                subprocess.Popen(
                    [str(python), "-I", str(HERE / "refworker.py")],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=log,
                    text=True,
                    bufsize=1,
                )
            )
        cfg = {
            "url": server_url,
            "pool": canned.USER_POOL_ID,
            "secret": canned.USER_POOL_SECRET,
            "app_id": canned.APP_ID,
            "user_id": meta["detail_user_id"],
            "username": canned.LOGIN_USERNAME,
            "password": canned.LOGIN_PASSWORD,
        }
        hello = self.ask(cfg, timeout=60)
        self.versions = hello.get("versions", {})

    def ask(self, cmd: dict[str, Any], timeout: float = 600) -> dict[str, Any]:
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(json.dumps(cmd) + "\n")
            self.proc.stdin.flush()
            ans = json.loads(_read_line(self.proc, timeout, "reference worker"))
        except (OSError, RuntimeError) as e:
            try:
                log = _tail(self.log_path.read_text(errors="replace"), 10)
            except OSError:
                log = ""
            raise ContestantError("reference worker: %s\n%s" % (e, log)) from None
        if "error" in ans:
            raise ContestantError("reference: " + ans["error"].strip())
        return ans

    def close(self) -> None:
        Children.stop(self.proc)


class RefContestant(Contestant):
    name = "reference"

    def __init__(self, worker: RefWorker, bench: str) -> None:
        self.worker = worker
        self.bench = bench

    def result(self) -> Any:
        return self.worker.ask({"op": "call", "bench": self.bench})["result"]

    def run(self, n: int) -> int:
        return int(self.worker.ask({"op": "run", "bench": self.bench, "n": n})["ns"])


class CurlContestant(Contestant):
    name = "libcurl-c"

    def __init__(self, binary: Path, url: str, headers: dict[str, str], body: bytes, root_field: str,
                 encrypt_pem: Optional[str] = None, password: Optional[str] = None) -> None:
        d = WORK / "curl"
        d.mkdir(parents=True, exist_ok=True)
        (d / "headers.txt").write_text("".join("%s: %s\n" % kv for kv in headers.items()))
        (d / "body.json").write_bytes(body)
        args = [str(binary), url + "/graphql/v2", "--header-file", str(d / "headers.txt"), "--body-file",
                str(d / "body.json")]
        if encrypt_pem is not None:
            (d / "key.pem").write_text(encrypt_pem)
            (d / "password.txt").write_text(password or "")
            args += ["--encrypt-pem", str(d / "key.pem"), "--password-file", str(d / "password.txt")]
        self.root = root_field
        self.log_path = WORK / "curlloop.log"
        with open(self.log_path, "wb") as log:
            self.proc = Children.add(subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                                      stderr=log))

    def _cmd(self, line: str, timeout: float = 600) -> str:
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(line.encode() + b"\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            pass
        try:
            ans = _read_line(self.proc, timeout, "curlloop")
        except RuntimeError as e:
            try:
                err = _tail(self.log_path.read_text(errors="replace"), 5)
            except OSError:
                err = ""
            raise ContestantError("%s %s" % (e, err)) from None
        if ans.startswith("error "):
            raise ContestantError("curlloop: " + ans[6:].strip())
        return ans

    def answer(self) -> bytes:
        """The raw answer body of one call."""
        assert self.proc.stdout is not None
        head = self._cmd("check")
        if not head.startswith("body "):
            raise ContestantError("curlloop: unexpected answer %r" % head)
        n = int(head.split()[1])
        return self.proc.stdout.read(n + 1)[:n]

    def result(self) -> Any:
        data = json.loads(self.answer())
        if data.get("errors"):
            raise ContestantError("curlloop: GraphQL errors %r" % data["errors"])
        return data["data"][self.root]

    def run(self, n: int) -> int:
        ans = self._cmd("run %d" % n)
        return int(ans.split()[1])

    def close(self) -> None:
        Children.stop(self.proc)


# ====================================================================== engine


class Config:
    def __init__(self, quick: bool, reps: int) -> None:
        self.quick = quick
        self.reps = reps
        self.rep_target_ns = int((0.12 if quick else 0.6) * 1e9)  # time per repetition
        self.calib_ns = int((0.02 if quick else 0.05) * 1e9)       # calibration batch length
        self.min_calls = 3 if quick else 10
        self.max_calls = 200_000


def calibrate(run: Callable[[int], int], cfg: Config) -> int:
    """Calls per repetition: double the batch until one lasts cfg.calib_ns (this
    also warms up), then aim at cfg.rep_target_ns per repetition."""
    n = 1
    while True:
        ns = run(n)
        if ns >= cfg.calib_ns or n >= cfg.max_calls:
            break
        n = min(cfg.max_calls, n * 2 if ns * 4 >= cfg.calib_ns else n * 8)
    per = max(ns / n, 1.0)
    return int(min(cfg.max_calls, max(cfg.min_calls, cfg.rep_target_ns / per)))


def measure(contestants: list[Contestant], cfg: Config, check: Optional[Callable[[Any], None]],
            scale: Callable[[int, int], float], server: Optional[CannedServer] = None,
            notes: Optional[list[str]] = None) -> tuple[dict[str, Stat], dict[str, str]]:
    """Validate, calibrate, then run cfg.reps interleaved repetitions.

    scale(ns, calls) turns one repetition into the reported figure.
    """
    stats: dict[str, Stat] = {}
    errors: dict[str, str] = {}
    live: list[tuple[Contestant, int]] = []
    for c in contestants:
        try:
            if check is not None:
                try:
                    check(c.result())
                except ContestantError:
                    raise
                except Exception as e:
                    raise ContestantError("validation failed: %s" % _err(e)) from None
            live.append((c, calibrate(c.run, cfg)))
        except Exception as e:
            errors[c.name] = _err(e)
    samples: dict[str, list[float]] = {c.name: [] for c, _ in live}
    for rep in range(cfg.reps):
        order = live[rep % len(live):] + live[: rep % len(live)] if live else []
        for c, n in order:
            if c.name in errors:
                continue
            try:
                before = server.stats() if (server is not None and rep == 0) else None
                ns = c.run(n)
                if server is not None and before is not None and notes is not None:
                    after = server.stats()
                    per = lambda k, extra=1: (after[k] - before[k] - extra) / n  # noqa: E731
                    notes.append(
                        "%s: %.2f HTTP requests, %.2f new connections, %.2f introspection queries per call%s"
                        % (c.name, per("requests"), per("connections"), per("introspection", 0),
                           (", %.2f '100 Continue' per call" % per("continue_100", 0)) if after["continue_100"] != before["continue_100"] else "")
                    )
                samples[c.name].append(scale(ns, n))
            except Exception as e:
                errors[c.name] = _err(e)
    for c, n in live:
        if c.name not in errors:
            stats[c.name] = Stat(samples[c.name], n * getattr(c, "calls_per_unit", 1))
    return stats, errors


def per_call_us(ns: int, n: int) -> float:
    return ns / n / 1000.0


# ====================================================================== context


class Context:
    """Lazily built shared resources; each failure is remembered and reported."""

    def __init__(self, args: argparse.Namespace, cfg: Config) -> None:
        self.args = args
        self.cfg = cfg
        self._cache: dict[str, Any] = {}
        self.server: Optional[CannedServer] = None
        self.refworker: Optional[RefWorker] = None
        self.closers: list[Any] = []
        self.load_start = _loadavg()
        self.started = _dt.datetime.now(_dt.timezone.utc).astimezone()

    def log(self, msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    def _once(self, key: str, fn: Callable[[], Any]) -> Any:
        if key not in self._cache:
            try:
                self._cache[key] = (True, fn())
            except Exception as e:
                self._cache[key] = (False, e)
        ok, val = self._cache[key]
        if not ok:
            raise val
        return val

    # -- setup pieces
    def meta(self) -> dict[str, Any]:
        def make() -> dict[str, Any]:
            try:
                return canned.prepare_data(WORK / "data", SCHEMA)
            except Exception as e:
                raise SetupError("fixture data: %s" % _err(e)) from None
        return self._once("meta", make)

    def cannedsrv(self) -> CannedServer:
        def make() -> CannedServer:
            meta = self.meta()
            del meta
            srv = CannedServer(build_c("cannedsrv", []), WORK / "data").start()
            self.server = srv
            return srv
        return self._once("server", make)

    def curlloop(self) -> Path:
        return self._once("curlloop", lambda: build_c("curlloop", ["-lcurl", "-lcrypto"]))

    def reference_python(self) -> Path:
        def make() -> Path:
            if self.args.no_reference:
                raise SetupError("skipped (--no-reference)")
            return ensure_reference(self.log)
        return self._once("refpy", make)

    def reference(self) -> RefWorker:
        def make() -> RefWorker:
            w = RefWorker(self.reference_python(), self.cannedsrv().url, self.meta())
            self.refworker = w
            try:
                v = w.ask({"op": "validate"}, timeout=120)
                self._cache["ref_validate"] = (True, v)
            except Exception as e:
                self._cache["ref_validate"] = (True, {"ok": False, "problems": {"*": _err(e)}})
            return w
        return self._once("refworker", make)

    def ours(self) -> dict[str, Any]:
        def make() -> dict[str, Any]:
            from approw.v2.authentication import AuthenticationClient, AuthenticationClientOptions
            from approw.v2.management import ManagementClient, ManagementClientOptions

            url = self.cannedsrv().url
            mgmt = ManagementClient(ManagementClientOptions(
                user_pool_id=canned.USER_POOL_ID, secret=canned.USER_POOL_SECRET, host=url))
            auth = AuthenticationClient(AuthenticationClientOptions(
                app_id=canned.APP_ID, user_pool_id=canned.USER_POOL_ID, host=url))
            detail_id = self.meta()["detail_user_id"]
            return {
                "mgmt": mgmt,
                "users.list": lambda: mgmt.users.list(page=1, limit=10),
                "users.detail": lambda: mgmt.users.detail(detail_id),
                "login_by_username": lambda: auth.login_by_username(canned.LOGIN_USERNAME, canned.LOGIN_PASSWORD),
            }
        return self._once("ours", make)

    def core(self) -> Any:
        def make() -> Any:
            import approw._core as core
            return core
        return self._once("core", make)

    def close(self) -> None:
        for c in self.closers:
            try:
                c.close()
            except Exception:
                pass
        if self.refworker is not None:
            self.refworker.close()
        if self.server is not None:
            self.server.stop()


# ====================================================================== benchmarks


class Outcome:
    def __init__(self, name: str) -> None:
        self.name = name
        self.unit = UNITS[name]
        self.stats: dict[str, Stat] = {}
        self.errors: dict[str, str] = {}
        self.notes: list[str] = []
        self.baselines: list[str] = BASELINES[name]

    def add(self, stats: dict[str, Stat], errors: dict[str, str]) -> None:
        self.stats.update(stats)
        self.errors.update(errors)


def _checker(name: str, meta: dict[str, Any]) -> Callable[[Any], None]:
    def users_page(res: Any) -> None:
        assert isinstance(res, dict), "expected a dict, got %s" % type(res).__name__
        assert res.get("totalCount") == canned.PAGE_TOTAL, "totalCount %r" % res.get("totalCount")
        lst = res.get("list")
        assert isinstance(lst, list) and len(lst) == 10, "expected 10 users"
        first = lst[0]
        assert first.get("id") == meta["page_first_id"], "first user id %r" % first.get("id")
        missing = [f for f in canned.USER_FIELDS + ["identities"] if f not in first]
        assert not missing, "fields missing: %s" % missing

    def user(res: Any) -> None:
        assert isinstance(res, dict), "expected a dict, got %s" % type(res).__name__
        assert res.get("id") == meta["detail_user_id"], "user id %r" % res.get("id")
        assert isinstance(res.get("identities"), list), "identities missing"

    def login(res: Any) -> None:
        assert isinstance(res, dict), "expected a dict, got %s" % type(res).__name__
        assert res.get("username") == canned.LOGIN_USERNAME, "username %r" % res.get("username")
        tok = res.get("token")
        assert isinstance(tok, str) and tok.count(".") == 2, "token %r" % tok

    return {"users.list": users_page, "users.detail": user, "login_by_username": login}[name]


_ROOT_FIELD = {"users.list": "users", "users.detail": "user", "login_by_username": "loginByUsername"}


@contextlib.contextmanager
def pinned(ctx: "Context", pids: list[int]) -> Iterator[None]:
    """Run this process and `pids` (server, reference worker, libcurl loop) on one CPU.

    On this kind of VM, waking a process on the other virtual CPU costs 50-250 us and
    varies run to run; a loopback ping-pong then measures the hypervisor, not the
    clients.  On one CPU every contestant pays the same, small, wake-up cost, so the
    figures compare what the clients themselves do.  --no-pin turns this off."""
    if ctx.args.no_pin or not hasattr(os, "sched_setaffinity"):
        yield
        return
    everyone = [0] + [p for p in pids if p]
    saved = {p: os.sched_getaffinity(p) for p in everyone}
    try:
        for p in everyone:
            os.sched_setaffinity(p, {ctx.args.cpu})
        yield
    finally:
        for p, mask in saved.items():
            try:
                os.sched_setaffinity(p, mask)
            except OSError:
                pass        # that child has exited


def _curl_contestant(ctx: Context, name: str) -> CurlContestant:
    """The libcurl C loop sending exactly the request of benchmark `name`."""
    meta = ctx.meta()
    srv = ctx.cannedsrv()
    if name == "login_by_username":
        headers = canned.base_headers(app_id=canned.APP_ID)
        body = json.dumps({"query": canned.DOC_LOGIN, "variables": {"input": canned.login_input("@@PASSWORD@@")}})
        return CurlContestant(ctx.curlloop(), srv.url, headers, body.encode(), _ROOT_FIELD[name],
                              encrypt_pem=canned.DEFAULT_ENCRYPT_PUBLICKEY, password=canned.LOGIN_PASSWORD)
    headers = canned.base_headers(meta["mgmt_token"])
    variables = {"page": 1, "limit": 10} if name == "users.list" else {"id": meta["detail_user_id"]}
    doc = canned.DOC_USERS if name == "users.list" else canned.DOC_USER
    body = json.dumps({"query": doc, "variables": variables})
    return CurlContestant(ctx.curlloop(), srv.url, headers, body.encode(), _ROOT_FIELD[name])


def _add_floor(out: Outcome) -> None:
    """floor = libcurl-c + orjson-answer, paired repetition by repetition (both
    were measured interleaved with the others, in this run)."""
    c, j = out.stats.get("libcurl-c"), out.stats.get("orjson-answer")
    if c is None or j is None:
        out.errors["floor"] = "needs both libcurl-c and orjson-answer"
        return
    out.stats["floor"] = Stat([a + b for a, b in zip(c.samples, j.samples)])


def bench_per_call(ctx: Context, name: str) -> Outcome:
    out = Outcome(name)
    meta = ctx.meta()
    srv = ctx.cannedsrv()
    contestants: list[Contestant] = []
    try:
        contestants.append(InProc("ours", ctx.ours()[name]))
    except Exception as e:
        out.errors["ours"] = _err(e)
    try:
        contestants.append(RefContestant(ctx.reference(), name))
    except Exception as e:
        out.errors["reference"] = _err(e)
    import baselines

    for cls in (baselines.RequestsTransport, baselines.HTTPClientTransport):
        try:
            calls, closers = baselines.make_calls(cls, srv.url + "/graphql/v2", meta["detail_user_id"])
            contestants.append(InProc(cls.name, calls[name], tuple(closers)))
        except Exception as e:
            out.errors[cls.name] = _err(e)
    try:
        cc = _curl_contestant(ctx, name)
        contestants.append(cc)
        try:
            import orjson

            answer = cc.answer()
            root = _ROOT_FIELD[name]
            contestants.append(InProc("orjson-answer", lambda: orjson.loads(answer)["data"][root]))
            out.notes.append("orjson-answer: orjson.loads of the %d-byte answer libcurl-c receives; "
                             "floor = libcurl-c + orjson-answer per repetition" % len(answer))
        except Exception as e:
            out.errors["orjson-answer"] = _err(e)
    except Exception as e:
        out.errors["libcurl-c"] = _err(e)
    pids = [srv.proc.pid if srv.proc else 0]
    pids += [c.proc.pid for c in contestants if isinstance(c, CurlContestant)]
    if ctx.refworker is not None:
        pids.append(ctx.refworker.proc.pid)
    try:
        with pinned(ctx, pids):
            out.add(*measure(contestants, ctx.cfg, _checker(name, meta), per_call_us, server=srv,
                             notes=out.notes))
    finally:
        for c in contestants:
            if not isinstance(c, RefContestant):
                c.close()
    _add_floor(out)
    if not ctx.args.no_pin:
        out.notes.append("client(s) and server pinned to CPU %d (see --no-pin)" % ctx.args.cpu)
    return out


def bench_transport(ctx: Context) -> Outcome:
    """The transport alone: Session.request with users.list's exact request
    (headers and body), answer bytes returned undecoded, against the C loop."""
    out = Outcome("transport")
    meta = ctx.meta()
    srv = ctx.cannedsrv()
    headers = canned.base_headers(meta["mgmt_token"])
    body = json.dumps({"query": canned.DOC_USERS, "variables": {"page": 1, "limit": 10}}).encode()
    url = srv.url + "/graphql/v2"
    contestants: list[Contestant] = []

    def check(res: Any) -> None:
        # ours returns the raw answer, libcurl-c the decoded root field
        _checker("users.list", meta)(json.loads(res)["data"]["users"] if isinstance(res, bytes) else res)

    try:
        session = ctx.core().Session()
        pairs = list(headers.items())

        def request() -> bytes:
            return session.request("POST", url, pairs, body).body

        contestants.append(InProc("ours", request, (session,)))
    except Exception as e:
        out.errors["ours"] = _err(e)
    try:
        cc = _curl_contestant(ctx, "users.list")
        contestants.append(cc)
    except Exception as e:
        out.errors["libcurl-c"] = _err(e)
    out.notes.append("ours: approw._core.Session.request (status, headers dict, body bytes), "
                     "the users.list request, answer not decoded")
    pids = [srv.proc.pid if srv.proc else 0]
    pids += [c.proc.pid for c in contestants if isinstance(c, CurlContestant)]
    try:
        with pinned(ctx, pids):
            out.add(*measure(contestants, ctx.cfg, check, per_call_us, server=srv, notes=out.notes))
    finally:
        for c in contestants:
            c.close()
    if not ctx.args.no_pin:
        out.notes.append("client(s) and server pinned to CPU %d (see --no-pin)" % ctx.args.cpu)
    return out


def bench_json(ctx: Context) -> Outcome:
    import json as stdjson

    out = Outcome("json.decode")
    ctx.meta()
    data = (WORK / "data" / "users1000.json").read_bytes()
    expected = stdjson.loads(data)
    out.notes.append("input: users page of %d users, %d bytes (bytes in, Python objects out)"
                     % (len(expected["data"]["users"]["list"]), len(data)))

    def check(res: Any) -> None:
        assert res == expected, "decoded value differs from json.loads"

    contestants: list[Contestant] = []
    try:
        loads = ctx.core().loads
        contestants.append(InProc("ours", lambda: loads(data)))
    except Exception as e:
        out.errors["ours"] = _err(e)
    contestants.append(InProc("json", lambda: stdjson.loads(data)))
    try:
        import orjson

        contestants.append(InProc("orjson", lambda: orjson.loads(data)))
    except Exception as e:
        out.errors["orjson"] = _err(e)
    out.add(*measure(contestants, ctx.cfg, check, per_call_us))
    return out


def bench_rsa(ctx: Context) -> Outcome:
    out = Outcome("rsa.encrypt")
    pem = canned.DEFAULT_ENCRYPT_PUBLICKEY
    pw = canned.LOGIN_PASSWORD
    out.notes.append("key: the SDK's default 1024-bit public key (API.md §1.3); output base64 text")
    # Correctness: each contestant's output must decrypt (with a key we hold) to the input.
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey

    ctx.meta()
    priv = serialization.load_pem_private_key((WORK / "data" / "rsa2048.pem").read_bytes(), password=None)
    assert isinstance(priv, RSAPrivateKey)
    check_pem = (WORK / "data" / "rsa2048.pub.pem").read_text()

    def roundtrip(encrypt: Callable[[str, str], str]) -> None:
        ct = base64.b64decode(encrypt(check_pem, pw), validate=True)
        if priv.decrypt(ct, padding.PKCS1v15()) != pw.encode():
            raise ContestantError("validation failed: ciphertext does not decrypt to the password")
        if len(base64.b64decode(encrypt(pem, pw))) != 128:
            raise ContestantError("validation failed: default-key ciphertext is not 128 bytes")

    def make(name: str, encrypt: Callable[[str, str], str]) -> Optional[Contestant]:
        try:
            roundtrip(encrypt)
            return InProc(name, lambda: encrypt(pem, pw))
        except Exception as e:
            out.errors[name] = _err(e)
            return None

    def ours_encrypt(p: str, s: str) -> str:
        from approw.v2.common.utils import encrypt    # the SDK's path: parsed keys kept

        return encrypt(s, p)

    def rsa_encrypt(p: str, s: str) -> str:
        import rsa

        return base64.b64encode(rsa.encrypt(s.encode("utf8"), rsa.PublicKey.load_pkcs1_openssl_pem(p))).decode()

    keys: dict[str, Any] = {}

    def crypto_encrypt(p: str, s: str) -> str:
        key = keys.get(p)
        if key is None:
            key = keys[p] = serialization.load_pem_public_key(p.strip().encode())
        assert isinstance(key, RSAPublicKey)
        return base64.b64encode(key.encrypt(s.encode("utf8"), padding.PKCS1v15())).decode()

    contestants = [c for c in (make("ours", ours_encrypt), make("rsa", rsa_encrypt),
                               make("cryptography", crypto_encrypt)) if c is not None]
    out.add(*measure(contestants, ctx.cfg, None, per_call_us))
    return out


def bench_jwt(ctx: Context) -> Outcome:
    out = Outcome("jwt.verify")
    meta = ctx.meta()
    token = meta["jwt_token"]
    claims = meta["jwt_claims"]
    pem = (WORK / "data" / "rsa2048.pub.pem").read_text()
    head, payload, sig = token.split(".")
    forged = head + "." + payload + "." + (("A" if sig[0] != "A" else "B") + sig[1:])
    out.notes.append("RS256, 2048-bit key given as PEM text on every call (ours: through the SDK's "
                     "key cache, approw.v2.common.keys); claims checked (exp)")

    def make(name: str, verify: Callable[[str], Any]) -> Optional[Contestant]:
        try:
            res = verify(token)
            if res != claims:
                raise ContestantError("validation failed: claims %r" % (res,))
            try:
                verify(forged)
            except Exception:
                pass
            else:
                raise ContestantError("validation failed: a token with a bad signature was accepted")
            return InProc(name, lambda: verify(token))
        except Exception as e:
            out.errors[name] = _err(e)
            return None

    def ours(t: str) -> Any:
        from approw.v2.common.keys import public_key

        return ctx.core().jwt_verify(t, public_key(pem), ["RS256"])

    def pyjwt(t: str) -> Any:
        import jwt

        return jwt.decode(t, pem, algorithms=["RS256"])

    contestants = [c for c in (make("ours", ours), make("pyjwt", pyjwt)) if c is not None]
    out.add(*measure(contestants, ctx.cfg, None, per_call_us))
    return out


IMPORT_CODE = (
    "import time; t = time.perf_counter_ns(); {stmt}; "
    "print(time.perf_counter_ns() - t)"
)
#: (ours, reference) import statements of the "import" and "import.clients" benchmarks: the two
#: packages, and the client classes with their options (what a program needs for a first call).
IMPORT_STATEMENTS = {
    "import": ("import approw.v2.management, approw.v2.authentication",
               "import authing.v2.management, authing.v2.authentication"),
    "import.clients": (
        "from approw.v2.management import ManagementClient, ManagementClientOptions; "
        "from approw.v2.authentication import AuthenticationClient, AuthenticationClientOptions",
        "from authing.v2.management import ManagementClient, ManagementClientOptions; "
        "from authing.v2.authentication import AuthenticationClient, AuthenticationClientOptions"),
}


def bench_import(ctx: Context, name: str = "import") -> Outcome:
    out = Outcome(name)
    out.notes.append("fresh `python -I` process per sample; time of the import statement alone (interpreter start excluded)")
    ours_stmt, ref_stmt = IMPORT_STATEMENTS[name]
    out.notes.append("ours: `%s`; reference: `%s`" % (ours_stmt, ref_stmt))

    def runner(python: str, stmt: str) -> Callable[[], float]:
        def once() -> float:
            r = subprocess.run([python, "-I", "-c", IMPORT_CODE.format(stmt=stmt)], capture_output=True, text=True,
                               timeout=120)
            if r.returncode != 0:
                raise ContestantError("%s failed:\n%s" % (stmt, _tail(r.stderr, 8)))
            return int(r.stdout.strip().splitlines()[-1]) / 1e6
        return once

    runs: dict[str, Callable[[], float]] = {}
    for name, get in (("ours", lambda: (sys.executable, ours_stmt)),
                      ("reference", lambda: (str(ctx.reference_python()), ref_stmt))):
        try:
            py, mod = get()
            fn = runner(py, mod)
            fn()  # warm-up: byte-code caches written, files in the page cache
            runs[name] = fn
        except Exception as e:
            out.errors[name] = _err(e)
    samples: dict[str, list[float]] = {k: [] for k in runs}
    for rep in range(ctx.cfg.reps):
        for name, fn in (list(runs.items()) if rep % 2 == 0 else list(reversed(runs.items()))):
            if name in out.errors:
                continue
            try:
                samples[name].append(fn())
            except Exception as e:
                out.errors[name] = _err(e)
    for name in runs:
        if name not in out.errors:
            out.stats[name] = Stat(samples[name])
    return out


def bench_rss(ctx: Context) -> Outcome:
    out = Outcome("rss.growth")
    calls = ctx.args.rss_calls or (10_000 if ctx.cfg.quick else 100_000)
    warmup = min(5_000, calls)
    out.notes.append("RSS after minus before %d users.list calls (after %d warm-up calls, gc.collect() around), "
                     "one fresh process, %d consecutive blocks" % (calls, warmup, ctx.cfg.reps))
    try:
        srv = ctx.cannedsrv()
        cmd = [sys.executable, str(HERE / "rssworker.py"), json.dumps({
            "url": srv.url, "pool": canned.USER_POOL_ID, "secret": canned.USER_POOL_SECRET,
            "calls": calls, "warmup": warmup, "reps": ctx.cfg.reps})]
        p = Children.add(subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                          stderr=subprocess.PIPE, text=True))
        try:
            stdout, stderr = p.communicate(timeout=3600)
        finally:
            Children.stop(p)
        if p.returncode != 0:
            raise ContestantError(_tail(stderr, 6) or "rssworker exit %s" % p.returncode)
        res = json.loads(stdout.strip().splitlines()[-1])
        out.stats["ours"] = Stat(res["growth_mb"], calls)
        out.notes.append("ours: RSS %.1f MB after warm-up, %.1f MB at the end" % (res["rss_start_mb"], res["rss_end_mb"]))
    except Exception as e:
        out.errors["ours"] = _err(e)
    return out


def _run_threads(fns: list[Callable[[], Any]], k: int) -> int:
    barrier = threading.Barrier(len(fns) + 1)
    errors: list[BaseException] = []

    def work(fn: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            for _ in range(k):
                fn()
        except BaseException as e:  # reported by the main thread
            errors.append(e)

    threads = [threading.Thread(target=work, args=(fn,), daemon=True) for fn in fns]
    for t in threads:
        t.start()
    barrier.wait()
    t0 = time.perf_counter_ns()
    for t in threads:
        t.join()
    dt = time.perf_counter_ns() - t0
    if errors:
        raise errors[0]
    return dt


class ThreadsContestant(Contestant):
    def __init__(self, name: str, fns: list[Callable[[], Any]], closers: tuple = ()) -> None:
        self.name = name
        self.fns = fns
        self.closers = closers
        self.calls_per_unit = len(fns)  # run(k): k calls in each thread

    def result(self) -> Any:
        return self.fns[0]()

    def run(self, n: int) -> int:
        return _run_threads(self.fns, n)

    def close(self) -> None:
        for c in self.closers:
            try:
                c.close()
            except Exception:
                pass


def bench_threads(ctx: Context, nthreads: int) -> Outcome:
    name = "threads.%d" % nthreads
    out = Outcome(name)
    out.notes.append("users.list calls per second, %d threads; ours: one shared ManagementClient; "
                     "requests: one Session per thread" % nthreads)
    meta = ctx.meta()
    srv = ctx.cannedsrv()
    import baselines

    contestants: list[Contestant] = []
    try:
        contestants.append(ThreadsContestant("ours", [ctx.ours()["users.list"]] * nthreads))
    except Exception as e:
        out.errors["ours"] = _err(e)
    try:
        fns, closers = [], []
        for _ in range(nthreads):
            calls, cl = baselines.make_calls(baselines.RequestsTransport, srv.url + "/graphql/v2", meta["detail_user_id"])
            fns.append(calls["users.list"])
            closers += cl
        contestants.append(ThreadsContestant("requests", fns, tuple(closers)))
    except Exception as e:
        out.errors["requests"] = _err(e)
    try:
        out.add(*measure(contestants, ctx.cfg, _checker("users.list", meta),
                         lambda ns, k: nthreads * k / (ns / 1e9)))
    finally:
        for c in contestants:
            c.close()
    return out


# ====================================================================== targets


def _faster(o: Outcome, base: str, factor: float, strict: bool = False) -> tuple[str, Optional[float], Optional[bool]]:
    """Target 'ours at least factor× faster than base' (ratio = base / ours)."""
    label = ("faster than %s" % base) if factor == 1 else ("≥ %g× faster than %s" % (factor, base))
    if "ours" not in o.stats or base not in o.stats:
        return label, None, None
    ratio = o.stats[base].median / o.stats["ours"].median
    return label, ratio, (ratio > factor if strict else ratio >= factor)


def _within(o: Outcome, base: str, factor: float) -> tuple[str, Optional[float], Optional[bool]]:
    """Target 'ours takes at most factor× the time of base' (ratio = ours / base)."""
    label = "≤ %g× %s" % (factor, base)
    if "ours" not in o.stats or base not in o.stats:
        return label, None, None
    ratio = o.stats["ours"].median / o.stats[base].median
    return label, ratio, ratio <= factor


def evaluate_targets(outcomes: dict[str, Outcome], quick: bool) -> list[dict[str, Any]]:
    targets: list[dict[str, Any]] = []

    def add(bench: str, label: str, ratio: Optional[float], ok: Optional[bool], kind: str, note: str = "") -> None:
        targets.append({"benchmark": bench, "target": label, "value": ratio, "kind": kind,
                        "status": "n/a" if ok is None else ("PASS" if ok else "MISS"), "note": note})

    for name in PER_CALL:
        o = outcomes.get(name)
        if o is None:
            continue
        for base, f in (("reference", 100), ("requests", 5), ("http.client", 1.5)):
            add(name, *_faster(o, base, f), kind="speedup")
        add(name, *_within(o, "floor", 1.20), kind="time ratio")
    if "transport" in outcomes:
        add("transport", *_within(outcomes["transport"], "libcurl-c", 1.2), kind="time ratio")
    if "json.decode" in outcomes:
        o = outcomes["json.decode"]
        add("json.decode", *_faster(o, "json", 1, strict=True), kind="speedup")
        add("json.decode", *_within(o, "orjson", 1.5), kind="time ratio")
    if "rsa.encrypt" in outcomes:
        o = outcomes["rsa.encrypt"]
        add("rsa.encrypt", *_faster(o, "rsa", 20), kind="speedup")
        add("rsa.encrypt", *_within(o, "cryptography", 1.2), kind="time ratio")
    if "jwt.verify" in outcomes:
        add("jwt.verify", *_faster(outcomes["jwt.verify"], "pyjwt", 2), kind="speedup")
    for name in ("import", "import.clients"):
        if name in outcomes:
            label, ratio, ok = _within(outcomes[name], "reference", 0.1)
            add(name, "≤ 1/10 of reference", ratio, ok, kind="time ratio")
    if "rss.growth" in outcomes:
        o = outcomes["rss.growth"]
        v = o.stats["ours"].median if "ours" in o.stats else None
        add("rss.growth", "< 1 MB over 100,000 calls", v, None if v is None else v < 1.0, kind="MB",
            note="quick run: fewer calls than the target's 100,000" if quick or (o.stats.get("ours") and o.stats["ours"].calls != 100_000) else "")
    th = {n: outcomes["threads.%d" % n] for n in THREADS if "threads.%d" % n in outcomes}
    if len(th) == len(THREADS):
        label = "throughput grows 1→2 threads (≥ 1.15×), holds at 4 and 8 (≥ 0.85× of 2)"
        if any("ours" not in o.stats for o in th.values()):
            add("threads", label, None, None, kind="speedup")
        else:
            t = {n: o.stats["ours"].median for n, o in th.items()}
            grow = t[2] / t[1]
            hold = min(t[4], t[8]) / t[2]
            add("threads", label, grow, grow >= 1.15 and hold >= 0.85, kind="speedup",
                note="2 vs 1 thread: %.2f×; min(4, 8) vs 2 threads: %.2f×" % (grow, hold))
    async_bench.evaluate(outcomes, add, _faster, _within)
    return targets


# ====================================================================== environment


def environment(ctx: Context) -> dict[str, Any]:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    env: dict[str, Any] = {
        "date": ctx.started.isoformat(timespec="seconds"),
        "machine": {"cpu": cpu, "cores": os.cpu_count(), "platform": platform.platform()},
        "python": "%s %s" % (platform.python_implementation(), platform.python_version()),
        "libcurl": None,
        "openssl": {"python ssl": ssl.OPENSSL_VERSION},
        "versions": {},
    }
    try:
        r = subprocess.run([str(ctx.curlloop()), "--version"], capture_output=True, text=True, timeout=10)
        curl, _, libcrypto = r.stdout.strip().partition(" | ")
        env["libcurl"] = curl.replace("libcurl/", "")
        env["openssl"]["libcrypto (linked by curlloop)"] = libcrypto
    except Exception as e:
        env["libcurl"] = "unknown (%s)" % _err(e)
    try:
        core = ctx.core()
        env["versions"]["ours (approw._core)"] = {
            k: getattr(core, k, None) for k in ("CURL_VERSION", "OPENSSL_VERSION", "CJSON_VERSION")}
    except Exception as e:
        env["versions"]["ours (approw._core)"] = "not importable: %s" % _err(e)
    from importlib import metadata

    for dist in ("requests", "orjson", "rsa", "cryptography", "PyJWT", "graphql-core"):
        try:
            env["versions"][dist] = metadata.version(dist)
        except Exception:
            env["versions"][dist] = None
    if ctx.refworker is not None:
        env["versions"]["reference venv"] = ctx.refworker.versions
    env["gc"] = "enabled (Python default) for every contestant"
    env["load_average"] = {"start": ctx.load_start, "end": _loadavg()}
    return env


def _loadavg() -> Optional[list[float]]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


# ====================================================================== output


def _fmt(v: Optional[float]) -> str:
    if v is None:
        return "-"
    a = abs(v)
    if a >= 1000:
        return "%.0f" % v
    if a >= 100:
        return "%.1f" % v
    if a >= 10:
        return "%.2f" % v
    return "%.3f" % v


def _ratio_text(o: Outcome, base: str) -> str:
    if "ours" not in o.stats or base not in o.stats:
        return ""
    ours, other = o.stats["ours"].median, o.stats[base].median
    if o.name in HIGHER_IS_BETTER:
        r = ours / other
    elif o.unit == "MB":
        return ""
    else:
        r = other / ours
    return ("ours %.2f× faster" % r) if r >= 1 else ("ours %.2f× slower" % (1 / r))


def print_report(env: dict[str, Any], outcomes: list[Outcome], targets: list[dict[str, Any]], cfg: Config,
                 extra_notes: list[str]) -> None:
    w = sys.stdout.write
    w("\napprow-py-sdk benchmarks, %s\n" % env["date"])
    m = env["machine"]
    w("machine: %s, %s cores, %s\n" % (m["cpu"], m["cores"], m["platform"]))
    w("python: %s | libcurl: %s | OpenSSL: %s\n" % (
        env["python"], env["libcurl"], "; ".join("%s (%s)" % (v, k) for k, v in env["openssl"].items())))
    for k, v in env["versions"].items():
        w("  %s: %s\n" % (k, json.dumps(v) if not isinstance(v, str) else v))
    la = env.get("load_average") or {}
    w("load average (1/5/15 min): %s at start, %s at end (2 cores; other work on the machine adds noise)\n"
      % (la.get("start"), la.get("end")))
    w("figures: median of %d repetitions (min-max); repetitions of the contestants interleaved; GC %s%s\n"
      % (cfg.reps, env["gc"], "; QUICK run (short repetitions)" if cfg.quick else ""))
    for n in extra_notes:
        w("note: %s\n" % n)
    by_bench: dict[str, list[dict[str, Any]]] = {}
    for t in targets:
        by_bench.setdefault(t["benchmark"], []).append(t)
    for o in outcomes:
        better = "higher" if o.name in HIGHER_IS_BETTER else "lower"
        w("\n%s  [%s, %s is better]\n" % (o.name, o.unit, better))
        w("  %-13s %12s  %-25s %9s  %s\n" % ("contestant", "median", "min-max", "calls/rep", "ours vs it"))
        for cname in ["ours"] + o.baselines:
            if cname in o.stats:
                s = o.stats[cname]
                w("  %-13s %12s  %-25s %9s  %s\n" % (
                    cname, _fmt(s.median), "%s-%s" % (_fmt(min(s.samples)), _fmt(max(s.samples))),
                    s.calls if s.calls is not None else "", "" if cname == "ours" else _ratio_text(o, cname)))
            else:
                w("  %-13s %12s  ERROR: %s\n" % (cname, "-", _short(o.errors.get(cname, "not run"))))
        for n in o.notes:
            w("  note: %s\n" % n)
        for t in by_bench.get(o.name, []):
            w("  target %-45s %-5s %s\n" % (t["target"], t["status"], _target_value(t)))
        if o.name == "threads.%d" % THREADS[-1]:
            for t in by_bench.get("threads", []):
                w("  target (threads) %-s: %s %s\n" % (t["target"], t["status"], t["note"]))
    seen: dict[str, list[str]] = {}
    for o in outcomes:
        for cname, msg in o.errors.items():
            seen.setdefault(msg.strip(), []).append("%s/%s" % (o.name, cname))
    if seen:
        w("\nerrors (full text, each once):\n")
        for msg, where in seen.items():
            w("- %s:\n" % ", ".join(where))
            w("".join("    %s\n" % ln for ln in _tail(msg, 30).splitlines()))
    counts = {s: sum(1 for t in targets if t["status"] == s) for s in ("PASS", "MISS", "n/a")}
    w("\ntargets: %d PASS, %d MISS, %d n/a\n" % (counts["PASS"], counts["MISS"], counts["n/a"]))


def _short(msg: str, width: int = 200) -> str:
    """First line of an error, plus its last line when there are more (pip and
    compilers put the cause last, tracebacks too)."""
    lines = [ln.strip() for ln in msg.strip().splitlines() if ln.strip()] or [""]
    text = lines[0] if len(lines) == 1 else "%s ... %s" % (lines[0], lines[-1])
    return text if len(text) <= width else text[: width - 3] + "..."


def _target_value(t: dict[str, Any]) -> str:
    v = t["value"]
    if v is None:
        return "(ours or the baseline has no figure)"
    if t["kind"] == "speedup":
        return "(%.2f×)" % v
    if t["kind"] == "time ratio":
        return "(ours takes %.3f× its time)" % v
    return "(%.3f MB)%s" % (v, " " + t["note"] if t["note"] else "")


def to_json(env: dict[str, Any], outcomes: list[Outcome], targets: list[dict[str, Any]], cfg: Config,
            extra_notes: list[str]) -> dict[str, Any]:
    benchmarks, details = [], {}
    for o in outcomes:
        benchmarks.append({
            "name": o.name,
            "unit": o.unit,
            "ours": o.stats["ours"].median if "ours" in o.stats else None,
            "others": {b: (o.stats[b].median if b in o.stats else None) for b in o.baselines},
        })
        details[o.name] = {
            "higher_is_better": o.name in HIGHER_IS_BETTER,
            "stats": {k: v.as_dict() for k, v in o.stats.items()},
            "errors": o.errors,
            "notes": o.notes,
        }
    doc: dict[str, Any] = {"benchmarks": benchmarks}
    doc.update({k: env[k] for k in ("date", "machine", "python", "libcurl", "openssl")})
    doc["versions"] = env["versions"]
    doc["gc"] = env["gc"]
    doc["load_average"] = env["load_average"]
    doc["settings"] = {"quick": cfg.quick, "repetitions": cfg.reps, "repetition_target_s": cfg.rep_target_ns / 1e9}
    doc["targets"] = targets
    doc["details"] = details
    doc["notes"] = extra_notes
    return doc


# ====================================================================== main


def select_benchmarks(only: Optional[str], skip: Optional[str]) -> list[str]:
    def pats(s: Optional[str]) -> list[str]:
        return [p.strip() for p in (s or "").split(",") if p.strip()]

    chosen = list(ALL_BENCHMARKS)
    if only:
        ps = pats(only)
        unknown = [p for p in ps if not any(fnmatch.fnmatchcase(b, p) for b in ALL_BENCHMARKS)]
        if unknown:
            raise SystemExit("unknown benchmark pattern(s): %s (see --list)" % ", ".join(unknown))
        chosen = [b for b in chosen if any(fnmatch.fnmatchcase(b, p) for p in ps)]
    if skip:
        chosen = [b for b in chosen if not any(fnmatch.fnmatchcase(b, p) for p in pats(skip))]
    return chosen


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", metavar="PATH", help="also write the results as JSON to PATH")
    ap.add_argument("--quick", action="store_true", help="short repetitions: a fast smoke run (figures are noisier)")
    ap.add_argument("--only", metavar="PATTERNS", help="comma-separated benchmark names or globs, e.g. 'users.*,import'")
    ap.add_argument("--skip", metavar="PATTERNS", help="comma-separated benchmark names or globs to leave out")
    ap.add_argument("--list", action="store_true", help="list the benchmark names and exit")
    ap.add_argument("--reps", type=int, default=5, help="repetitions per figure (at least 5; default 5)")
    ap.add_argument("--rss-calls", type=int, default=0, help="calls per rss.growth block (default 100000; quick 10000)")
    ap.add_argument("--no-reference", action="store_true", help="do not install or run the reference SDK")
    ap.add_argument("--cpu", type=int, default=0, help="CPU that the per-call benchmarks run on (default 0)")
    ap.add_argument("--no-pin", action="store_true",
                    help="let the scheduler place client and server for the per-call benchmarks")
    args = ap.parse_args(argv)
    if args.list:
        print("\n".join(ALL_BENCHMARKS))
        return 0
    if args.reps < 5:
        ap.error("--reps must be at least 5 (every figure is a median of >= 5 repetitions)")
    chosen = select_benchmarks(args.only, args.skip)
    if not chosen:
        ap.error("no benchmark selected")

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGHUP, _on_signal)
    WORK.mkdir(parents=True, exist_ok=True)
    cfg = Config(args.quick, args.reps)
    ctx = Context(args, cfg)
    outcomes: dict[str, Outcome] = {}
    extra_notes: list[str] = []
    try:
        for name in chosen:
            ctx.log("bench: %s ..." % name)
            t0 = time.monotonic()
            try:
                if name in PER_CALL:
                    o = bench_per_call(ctx, name)
                elif name == "transport":
                    o = bench_transport(ctx)
                elif name == "json.decode":
                    o = bench_json(ctx)
                elif name == "rsa.encrypt":
                    o = bench_rsa(ctx)
                elif name == "jwt.verify":
                    o = bench_jwt(ctx)
                elif name in ("import", "import.clients"):
                    o = bench_import(ctx, name)
                elif name == "rss.growth":
                    o = bench_rss(ctx)
                elif name in async_bench.NAMES:
                    o = async_bench.run_one(sys.modules[__name__], ctx, name)
                else:
                    o = bench_threads(ctx, int(name.split(".")[1]))
            except Exception as e:
                o = Outcome(name)
                for cname in ["ours"] + o.baselines:
                    o.errors[cname] = "benchmark failed: %s" % _err(e)
                o.notes.append("traceback: " + " | ".join(traceback.format_exc().strip().splitlines()[-3:]))
            outcomes[name] = o
            ctx.log("bench: %s done in %.1f s" % (name, time.monotonic() - t0))
        if "ref_validate" in ctx._cache:
            v = ctx._cache["ref_validate"][1]
            if v.get("ok"):
                gql_version = ctx.refworker.versions.get("graphql-core") if ctx.refworker else "?"
                extra_notes.append("the reference's graphql-core %s builds the served introspection and validates its "
                                   "own accessToken/users/user/loginByUsername documents against it" % gql_version)
            else:
                extra_notes.append("reference schema check FAILED: %s" % json.dumps(v.get("problems"))[:500])
        env = environment(ctx)
    finally:
        ctx.close()
        Children.stop_all()
    ordered = [outcomes[n] for n in ALL_BENCHMARKS if n in outcomes]
    targets = evaluate_targets(outcomes, cfg.quick)
    print_report(env, ordered, targets, cfg, extra_notes)
    if args.json:
        doc = to_json(env, ordered, targets, cfg, extra_notes)
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
        print("\nJSON written to %s" % args.json)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        Children.stop_all()
        print("\ninterrupted", file=sys.stderr)
        sys.exit(130)
