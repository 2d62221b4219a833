"""Timing table for approw._core's JSON (not a test).

Decodes a realistic 1,000-user page (the USER field set of API.md Appendix B,
with nested `identities` lists and nulls, ~1.5 MB) with approw._core.loads,
the stdlib json and orjson, and encodes a typical GraphQL variables dict with
the three dumps.  Prints median and min-max per call over several repetitions.

    python tools/json_speed.py [--reps 7] [--users 1000]
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import string
import time
from typing import Any, Callable

from approw import _core

try:
    import orjson
except ImportError:  # pragma: no cover - orjson is in the bench extra
    orjson = None


def _hexid(rng: random.Random) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(24))


def _iso(rng: random.Random) -> str:
    return "20%02d-%02d-%02dT%02d:%02d:%02d.%03dZ" % (
        rng.randint(19, 26), rng.randint(1, 12), rng.randint(1, 28),
        rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59), rng.randint(0, 999))


def _maybe(rng: random.Random, value: Any, p_null: float = 0.4) -> Any:
    return None if rng.random() < p_null else value


def make_user(rng: random.Random, pool: str) -> dict[str, Any]:
    uid = _hexid(rng)
    first = rng.choice(["Wei", "Li", "Anna", "José", "Zoë", "Ming", "Olga", "Sam", "李", "王芳"])
    last = rng.choice(["Zhang", "Smith", "Müller", "García", "Chen", "Ivanova", "陈"])
    uname = "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(5, 12)))
    token = None
    if rng.random() < 0.5:
        token = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9." + "".join(
            rng.choice(string.ascii_letters + string.digits + "-_") for _ in range(rng.randint(280, 420)))
    identities = []
    for _ in range(rng.choice([0, 0, 1, 1, 2])):
        identities.append({
            "openid": _maybe(rng, "o" + _hexid(rng)),
            "userIdInIdp": _hexid(rng),
            "userId": uid,
            "connectionId": _hexid(rng),
            "isSocial": rng.random() < 0.5,
            "provider": rng.choice(["wechat", "github", "google", "dingtalk", "approw"]),
            "type": rng.choice(["social", "enterprise", "generic"]),
            "userPoolId": pool,
        })
    return {
        "id": uid,
        "arn": "arn:cn:approw:%s:user:%s" % (pool, uid),
        "userPoolId": pool,
        "status": rng.choice(["Activated", "Activated", "Suspended"]),
        "username": uname,
        "email": _maybe(rng, uname + "@example.com", 0.1),
        "emailVerified": rng.random() < 0.7,
        "phone": _maybe(rng, "+86 13%09d" % rng.randint(0, 999999999)),
        "phoneVerified": rng.random() < 0.3,
        "unionid": _maybe(rng, "u" + _hexid(rng), 0.8),
        "openid": _maybe(rng, "o" + _hexid(rng), 0.8),
        "nickname": _maybe(rng, first, 0.3),
        "registerSource": [rng.choice(["import:manual", "basic:email", "social:wechat", "import:csv"])],
        "photo": "https://files.approw.co/approw-console/default-user-avatar.png",
        "password": None,
        "oauth": _maybe(rng, '{"provider":"github","id":%d}' % rng.randint(1, 10 ** 8), 0.85),
        "token": token,
        "tokenExpiredAt": _maybe(rng, _iso(rng)),
        "loginsCount": rng.randint(0, 5000),
        "lastLogin": _maybe(rng, _iso(rng), 0.2),
        "lastIP": _maybe(rng, "10.%d.%d.%d" % (rng.randint(0, 255), rng.randint(0, 255), rng.randint(1, 254)), 0.2),
        "signedUp": _iso(rng),
        "blocked": rng.random() < 0.05,
        "isDeleted": False,
        "device": None,
        "browser": _maybe(rng, "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                               "Chrome/119.0.0.0 Safari/537.36", 0.3),
        "company": _maybe(rng, rng.choice(["Approw", "Acme Ltd.", "北京科技有限公司"]), 0.5),
        "name": "%s %s" % (first, last),
        "givenName": first,
        "familyName": last,
        "middleName": None,
        "profile": None,
        "preferredUsername": _maybe(rng, uname),
        "website": _maybe(rng, "https://%s.example.org/" % uname, 0.8),
        "gender": rng.choice(["M", "F", "U"]),
        "birthdate": _maybe(rng, "19%02d-%02d-%02d" % (rng.randint(50, 99), rng.randint(1, 12), rng.randint(1, 28)), 0.6),
        "zoneinfo": _maybe(rng, "Asia/Shanghai", 0.6),
        "locale": _maybe(rng, rng.choice(["zh-CN", "en-US"]), 0.3),
        "address": None,
        "formatted": None,
        "streetAddress": _maybe(rng, "%d Chang'an Avenue" % rng.randint(1, 999), 0.6),
        "locality": _maybe(rng, "Dongcheng", 0.6),
        "region": _maybe(rng, "Beijing", 0.6),
        "postalCode": _maybe(rng, "%06d" % rng.randint(100000, 999999), 0.6),
        "city": _maybe(rng, rng.choice(["Beijing", "Shanghai", "Berlin", "São Paulo"]), 0.5),
        "province": _maybe(rng, "Beijing", 0.6),
        "country": _maybe(rng, rng.choice(["CN", "US", "DE", "BR"]), 0.5),
        "createdAt": _iso(rng),
        "updatedAt": _iso(rng),
        "externalId": _maybe(rng, str(rng.randint(10 ** 6, 10 ** 9)), 0.7),
        "identities": identities,
    }


def make_users_page(n: int = 1000, seed: int = 20261128) -> bytes:
    """A `users` GraphQL answer with n users, as the server would send it."""
    rng = random.Random(seed)
    pool = _hexid(rng)
    page = {"data": {"users": {"totalCount": n * 37 + 11,
                               "list": [make_user(rng, pool) for _ in range(n)]}}}
    return json.dumps(page, ensure_ascii=False, separators=(",", ":")).encode()


VARIABLES = {
    "userInfo": {
        "username": "alice.example",
        "email": "alice@example.com",
        "password": "T2JmdXNjYXRlZCBSU0EgY2lwaGVydGV4dCBpbiBiYXNlNjQgZm9ybWF0IGZvciB0aGUgdGVzdA==",
        "nickname": "Alice",
        "phone": None,
        "gender": "F",
        "registerSource": ["import:manual"],
    },
    "keepPassword": False,
    "params": None,
    "page": 1,
    "limit": 10,
}


def _loops(fn: Callable[[], Any], target_s: float) -> int:
    fn()
    t0 = time.perf_counter()
    fn()
    once = max(time.perf_counter() - t0, 1e-7)
    return max(1, int(target_s / once))


def _measure(cases: list[tuple[str, str, Callable[[], Any]]], reps: int,
             target_s: float = 0.2) -> list[tuple[float, float, float, int]]:
    """Per-call seconds (median, min, max) and loops per repetition for each
    case.  Repetitions are interleaved round-robin, so the implementations see
    the same machine load and the same allocator state (glibc's malloc
    thresholds move with what ran before)."""
    loops = [_loops(fn, target_s) for _, _, fn in cases]
    per_call: list[list[float]] = [[] for _ in cases]
    for _ in range(reps):
        for i, (_, _, fn) in enumerate(cases):
            t0 = time.perf_counter()
            for _ in range(loops[i]):
                fn()
            per_call[i].append((time.perf_counter() - t0) / loops[i])
    return [(statistics.median(v), min(v), max(v), n) for v, n in zip(per_call, loops)]


def _fmt(secs: float) -> str:
    if secs >= 1e-3:
        return "%.2f ms" % (secs * 1e3)
    return "%.2f us" % (secs * 1e6)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--users", type=int, default=1000)
    args = ap.parse_args()
    reps = max(5, args.reps)

    page = make_users_page(args.users)
    assert _core.loads(page) == json.loads(page)
    var_bytes = _core.dumps(VARIABLES)
    assert json.loads(var_bytes) == VARIABLES

    rows = []
    print("users page: %d users, %d bytes; variables: %d bytes; %d repetitions"
          % (args.users, len(page), len(var_bytes), reps))
    cases = [("loads page", "approw._core", lambda: _core.loads(page)),
             ("loads page", "json", lambda: json.loads(page)),
             ("dumps variables", "approw._core", lambda: _core.dumps(VARIABLES)),
             ("dumps variables", "json", lambda: json.dumps(VARIABLES, separators=(",", ":")).encode())]
    if orjson is not None:
        cases.insert(2, ("loads page", "orjson", lambda: orjson.loads(page)))
        cases.append(("dumps variables", "orjson", lambda: orjson.dumps(VARIABLES)))
    results: dict[tuple[str, str], float] = {}
    for (what, impl, _), (med, lo, hi, loops) in zip(cases, _measure(cases, reps)):
        results[(what, impl)] = med
        rows.append((what, impl, _fmt(med), "%s - %s" % (_fmt(lo), _fmt(hi)), str(loops)))
    widths = [max(len(r[i]) for r in rows + [("case", "impl", "median", "min - max", "loops")])
              for i in range(5)]
    header = ("case", "impl", "median", "min - max", "loops")
    print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)))
    ours = results[("loads page", "approw._core")]
    print("loads page: ours/json = %.2f" % (ours / results[("loads page", "json")]), end="")
    if orjson is not None:
        print(", ours/orjson = %.2f" % (ours / results[("loads page", "orjson")]))
    else:
        print()


if __name__ == "__main__":
    main()
