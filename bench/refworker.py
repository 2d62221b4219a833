"""Runs the reference SDK (PyPI `authing` 4.5.15) inside its own virtual
environment, driven by bench/run.py over stdin/stdout (one JSON object per line).

First line in: {"url", "pool", "secret", "app_id", "user_id", "username", "password"}
First line out: {"ready": true, "versions": {...}} or {"error": "..."}
Then, per command line in:
  {"op": "call", "bench": NAME}        -> {"result": <the call's return value>}
  {"op": "run", "bench": NAME, "n": N} -> {"ns": <total ns for N calls>}
  {"op": "validate"}                   -> {"ok": true} after checking the reference's
                                          graphql-core 2 accepts the served schema and documents
Any failure answers {"error": "<traceback>"}.  End of input ends the worker.
"""

import json
import sys
import time
import traceback


def _reply(obj):
    sys.stdout.write(json.dumps(obj, default=str) + "\n")
    sys.stdout.flush()


def _versions():
    out = {"python": sys.version.split()[0]}
    try:
        from importlib import metadata
    except ImportError:  # pragma: no cover - Python < 3.8
        return out
    for dist in ("authing", "gql", "graphql-core", "requests", "rsa", "urllib3"):
        try:
            out[dist] = metadata.version(dist)
        except Exception:
            out[dist] = None
    return out


def _validate(cfg):
    """The served introspection builds a client schema and validates the
    reference's own documents (what gql does before every call)."""
    import requests
    from graphql import build_client_schema, parse, validate
    from authing.v2.common.codegen import QUERY

    from graphql.utils.introspection_query import introspection_query

    body = requests.post(cfg["url"] + "/graphql/v2", json={"query": introspection_query}).json()
    schema = build_client_schema(body["data"])
    problems = {}
    for name in ("accessToken", "users", "user", "loginByUsername"):
        errors = validate(schema, parse(QUERY[name]))
        if errors:
            problems[name] = [str(e) for e in errors]
    return problems


def main():
    cfg = json.loads(sys.stdin.readline())
    try:
        from authing.v2.authentication import AuthenticationClient, AuthenticationClientOptions
        from authing.v2.management import ManagementClient, ManagementClientOptions

        mgmt = ManagementClient(
            ManagementClientOptions(user_pool_id=cfg["pool"], secret=cfg["secret"], host=cfg["url"])
        )
        auth = AuthenticationClient(
            AuthenticationClientOptions(app_id=cfg["app_id"], user_pool_id=cfg["pool"], host=cfg["url"])
        )
    except Exception:
        _reply({"error": traceback.format_exc()})
        return
    calls = {
        "users.list": lambda: mgmt.users.list(page=1, limit=10),
        "users.detail": lambda: mgmt.users.detail(cfg["user_id"]),
        "login_by_username": lambda: auth.login_by_username(cfg["username"], cfg["password"]),
    }
    _reply({"ready": True, "versions": _versions()})
    for line in sys.stdin:
        try:
            cmd = json.loads(line)
            op = cmd["op"]
            if op == "call":
                _reply({"result": calls[cmd["bench"]]()})
            elif op == "run":
                fn, n = calls[cmd["bench"]], int(cmd["n"])
                t0 = time.perf_counter_ns()
                for _ in range(n):
                    fn()
                _reply({"ns": time.perf_counter_ns() - t0})
            elif op == "validate":
                problems = _validate(cfg)
                _reply({"ok": not problems, "problems": problems})
            else:
                _reply({"error": "unknown op %r" % (op,)})
        except Exception:
            _reply({"error": traceback.format_exc()})


if __name__ == "__main__":
    main()
