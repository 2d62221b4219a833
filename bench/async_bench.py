"""The asyncio benchmarks of run.py: ``async.users.detail.N`` and ``async.hung``.

``async.users.detail.N`` (N = 1, 64, 512): ``users.detail`` calls per second with N coroutines
on one event loop (the default asyncio loop), each making its calls one after the other.
Contestants, all sending the same request to the same canned server:

* ours: ``AsyncManagementClient.users.detail`` (management token cached, as the SDK does);
* httpx: one ``httpx.AsyncClient`` + json, the request the SDK sends, the root field returned;
* aiohttp: one ``aiohttp.ClientSession`` + json, the same;
* sync (N = 1 only): ``ManagementClient.users.detail`` in a plain loop, for the latency target.

Connection limits: ours opens as many connections as requests in flight; httpx and aiohttp are
given no connection limit either (their default of 100 would queue requests at 512).

``async.hung``: the p99 latency (ms) of ``users.detail`` calls made by 64 coroutines (20 calls
each) while 64 other calls hang on a silent server (a socket that is never answered), against
the same workload without the hung calls.
"""
from __future__ import annotations

import asyncio
import json
import socket
import time
from typing import Any, Callable, Optional

import canned

CONCURRENCY = (1, 64, 512)
NAMES = tuple("async.users.detail.%d" % n for n in CONCURRENCY) + ("async.hung",)
UNITS = {**{"async.users.detail.%d" % n: "calls/s" for n in CONCURRENCY}, "async.hung": "ms"}
HIGHER_IS_BETTER = {"async.users.detail.%d" % n for n in CONCURRENCY}
BASELINES = {
    "async.users.detail.1": ["sync", "httpx", "aiohttp"],
    "async.users.detail.64": ["httpx", "aiohttp"],
    "async.users.detail.512": ["httpx", "aiohttp"],
    "async.hung": ["alone"],
}
HUNG = 64
HEALTHY = 64
HEALTHY_CALLS = 20


def _unwrap(body: Any) -> Any:
    if not isinstance(body, dict) or "data" not in body:
        raise RuntimeError("not a GraphQL answer: %r" % (body,))
    if body.get("errors"):
        raise RuntimeError("GraphQL error: %r" % (body["errors"][-1],))
    return body["data"]


class _HttpxClient:
    name = "httpx"

    async def open(self, endpoint: str) -> None:
        import httpx

        self.endpoint = endpoint
        self.client = httpx.AsyncClient(limits=httpx.Limits(max_connections=None,
                                                            max_keepalive_connections=None))

    async def execute(self, document: str, variables: dict[str, Any], headers: dict[str, str]) -> Any:
        r = await self.client.post(self.endpoint, content=json.dumps(
            {"query": document, "variables": variables}), headers=headers)
        return _unwrap(json.loads(r.content))

    async def close(self) -> None:
        await self.client.aclose()


class _AiohttpClient:
    name = "aiohttp"

    async def open(self, endpoint: str) -> None:
        import aiohttp

        self.endpoint = endpoint
        self.session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))

    async def execute(self, document: str, variables: dict[str, Any], headers: dict[str, str]) -> Any:
        async with self.session.post(self.endpoint, data=json.dumps(
                {"query": document, "variables": variables}), headers=headers) as r:
            body = await r.read()
        return _unwrap(json.loads(body))

    async def close(self) -> None:
        await self.session.close()


def _baseline_call(client: Any, endpoint: str, detail_id: str) -> Callable[[], Any]:
    """users.detail over `client` with a management token fetched once (at the first call)."""
    state: dict[str, Any] = {}

    async def call() -> Any:
        headers = state.get("headers")
        if headers is None:
            await client.open(endpoint)
            token = (await client.execute(canned.DOC_ACCESS_TOKEN, {
                "userPoolId": canned.USER_POOL_ID, "secret": canned.USER_POOL_SECRET},
                canned.base_headers()))["accessToken"]["accessToken"]
            headers = state["headers"] = canned.base_headers(token)
        return (await client.execute(canned.DOC_USER, {"id": detail_id}, headers))["user"]

    return call


class AsyncContestant:
    """`concurrency` coroutines on one loop of its own; run(k): each makes k calls."""

    def __init__(self, name: str, make_call: Callable[[], Any], concurrency: int,
                 closer: Optional[Callable[[], Any]] = None) -> None:
        self.name = name
        self.make_call = make_call
        self.calls_per_unit = concurrency
        self.loop = asyncio.new_event_loop()
        self.closer = closer

    def result(self) -> Any:
        return self.loop.run_until_complete(self.make_call())

    def run(self, k: int) -> int:
        async def worker() -> None:
            for _ in range(k):
                await self.make_call()

        async def all_workers() -> int:
            t0 = time.perf_counter_ns()
            await asyncio.gather(*(worker() for _ in range(self.calls_per_unit)))
            return time.perf_counter_ns() - t0

        return self.loop.run_until_complete(all_workers())

    def close(self) -> None:
        try:
            if self.closer is not None:
                self.loop.run_until_complete(self.closer())
        finally:
            self.loop.close()


class SyncContestant:
    def __init__(self, fn: Callable[[], Any]) -> None:
        self.name = "sync"
        self.fn = fn

    def result(self) -> Any:
        return self.fn()

    def run(self, n: int) -> int:
        fn = self.fn
        t0 = time.perf_counter_ns()
        for _ in range(n):
            fn()
        return time.perf_counter_ns() - t0

    def close(self) -> None:
        pass


def _ours(url: str, **kw: Any) -> Any:
    from approw.v2.management import AsyncManagementClient, ManagementClientOptions

    return AsyncManagementClient(ManagementClientOptions(
        user_pool_id=canned.USER_POOL_ID, secret=canned.USER_POOL_SECRET, host=url, **kw))


def bench_concurrency(rt: Any, ctx: Any, concurrency: int) -> Any:
    """async.users.detail.<concurrency> (rt: the run module, for its measuring helpers)."""
    name = "async.users.detail.%d" % concurrency
    out = rt.Outcome(name)
    meta = ctx.meta()
    srv = ctx.cannedsrv()
    detail_id = meta["detail_user_id"]
    out.notes.append("users.detail calls per second, %d coroutine(s) on one asyncio loop; no "
                     "connection limit for any contestant" % concurrency)
    contestants: list[Any] = []
    try:
        client = _ours(srv.url)
        contestants.append(AsyncContestant("ours", lambda: client.users.detail(detail_id),
                                           concurrency))
    except Exception as e:
        out.errors["ours"] = rt._err(e)
    if concurrency == 1:
        try:
            contestants.append(SyncContestant(ctx.ours()["users.detail"]))
        except Exception as e:
            out.errors["sync"] = rt._err(e)
    for cls in (_HttpxClient, _AiohttpClient):
        try:
            c = cls()
            contestants.append(AsyncContestant(
                cls.name, _baseline_call(c, srv.url + "/graphql/v2", detail_id), concurrency,
                c.close))
        except Exception as e:
            out.errors[cls.name] = rt._err(e)
    try:
        out.add(*rt.measure(contestants, ctx.cfg, rt._checker("users.detail", meta),
                            lambda ns, k: concurrency * k / (ns / 1e9)))
    finally:
        for c in contestants:
            try:
                c.close()
            except Exception:
                pass
    return out


def _p99(latencies: list[float]) -> float:
    ordered = sorted(latencies)
    return ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]


def bench_hung(rt: Any, ctx: Any) -> Any:
    out = rt.Outcome("async.hung")
    meta = ctx.meta()
    srv = ctx.cannedsrv()
    detail_id = meta["detail_user_id"]
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1024)                 # connections complete in the kernel; never accepted
    silent_url = "http://127.0.0.1:%d" % silent.getsockname()[1]
    out.notes.append("p99 latency of %d coroutines x %d users.detail calls; ours: while %d other "
                     "calls hang on a silent server; alone: without them" %
                     (HEALTHY, HEALTHY_CALLS, HUNG))
    loop = asyncio.new_event_loop()
    client = _ours(srv.url)
    hung_client = _ours(silent_url, access_token="hung", timeout=600_000)
    samples: dict[str, list[float]] = {"ours": [], "alone": []}

    async def one_rep(with_hung: bool) -> float:
        hung = [asyncio.ensure_future(hung_client.users.detail(detail_id))
                for _ in range(HUNG if with_hung else 0)]
        await asyncio.sleep(0.05)        # the hung calls are connected and sent
        latencies: list[float] = []

        async def worker() -> None:
            for _ in range(HEALTHY_CALLS):
                t0 = time.perf_counter()
                await client.users.detail(detail_id)
                latencies.append((time.perf_counter() - t0) * 1000.0)

        await asyncio.gather(*(worker() for _ in range(HEALTHY)))
        assert all(not h.done() for h in hung), "a hung call ended"
        for h in hung:
            h.cancel()
        await asyncio.gather(*hung, return_exceptions=True)
        return _p99(latencies)

    try:
        rt._checker("users.detail", meta)(loop.run_until_complete(client.users.detail(detail_id)))
        loop.run_until_complete(one_rep(False))   # warm-up: connections, token
        for rep in range(ctx.cfg.reps):
            for label in (("ours", "alone") if rep % 2 == 0 else ("alone", "ours")):
                samples[label].append(loop.run_until_complete(one_rep(label == "ours")))
        out.stats = {k: rt.Stat(v, HEALTHY * HEALTHY_CALLS) for k, v in samples.items()}
    except Exception as e:
        out.errors["ours"] = out.errors["alone"] = rt._err(e)
    finally:
        loop.close()
        silent.close()
    return out


def run_one(rt: Any, ctx: Any, name: str) -> Any:
    if name == "async.hung":
        return bench_hung(rt, ctx)
    return bench_concurrency(rt, ctx, int(name.rsplit(".", 1)[1]))


def evaluate(outcomes: dict[str, Any], add: Callable[..., None], faster: Callable[..., Any],
             within: Callable[..., Any]) -> None:
    """The asyncio targets: ≥ 3× httpx and ≥ 1.5× aiohttp at 64 and 512 coroutines; at 1, the
    per-call time within 1.2× of the sync client's; hung calls leave the p99 within 1.5×."""
    for n in (64, 512):
        o = outcomes.get("async.users.detail.%d" % n)
        if o is not None:
            add(o.name, *_throughput(o, "httpx", 3), kind="speedup")
            add(o.name, *_throughput(o, "aiohttp", 1.5), kind="speedup")
    o = outcomes.get("async.users.detail.1")
    if o is not None:
        label = "per-call time ≤ 1.2× sync"
        if "ours" in o.stats and "sync" in o.stats:
            ratio = o.stats["sync"].median / o.stats["ours"].median   # time ours / time sync
            add(o.name, label, ratio, ratio <= 1.2, kind="time ratio")
        else:
            add(o.name, label, None, None, kind="time ratio")
    o = outcomes.get("async.hung")
    if o is not None:
        add(o.name, *within(o, "alone", 1.5), kind="time ratio")


def _throughput(o: Any, base: str, factor: float) -> tuple[str, Optional[float], Optional[bool]]:
    label = "≥ %g× %s throughput" % (factor, base)
    if "ours" not in o.stats or base not in o.stats:
        return label, None, None
    ratio = o.stats["ours"].median / o.stats[base].median
    return label, ratio, ratio >= factor
