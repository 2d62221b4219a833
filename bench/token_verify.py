"""Local token verification per call: approw's TokenVerifier against PyJWT's PyJWKClient +
jwt.decode, on the same tokens, in one run.

    python bench/token_verify.py [--tokens 64] [--repeat 7] [--json PATH]

An emulator (``approw.emulator``, in this process) signs ``--tokens`` ID tokens (RS256,
2048-bit key, the same claims a login token has) and serves its JWKS.  Each contestant gets
the JWKS URL, the issuer and the audience, fetches the keys once (warm-up, not timed) and then
verifies every token, cycling, with signature, ``exp``, ``iss`` and ``aud`` checked:

* ``ours``: ``TokenVerifier(issuer, audience).verify(token)``;
* ``pyjwt``: ``PyJWKClient(jwks_uri).get_signing_key_from_jwt(token)`` then
  ``jwt.decode(token, key, algorithms=["RS256"], audience=..., issuer=...)`` (PyJWKClient's
  defaults: the JWKS document is cached, the key objects are rebuilt per call);
* ``pyjwt+cache_keys``: the same with ``PyJWKClient(..., cache_keys=True)`` (parsed keys cached
  by kid: PyJWT's fastest configuration; the ratio target is measured against it).

Timing: ``time.perf_counter_ns`` around batches calibrated to last at least 50 ms; per-call
microseconds, median (and min-max) of ``--repeat`` batches.  Needs PyJWT and cryptography (the
``bench`` extra) and the emulator extra.
"""
import argparse
import json
import statistics
import sys
import time
from typing import Any, Callable, Dict, List


def _per_call_us(fn: Callable[[str], Any], tokens: List[str], repeat: int) -> List[float]:
    calls = len(tokens)
    while True:  # calibrate: at least 50 ms per batch
        start = time.perf_counter_ns()
        for i in range(calls):
            fn(tokens[i % len(tokens)])
        elapsed = time.perf_counter_ns() - start
        if elapsed >= 50_000_000:
            break
        calls *= 2
    samples = []
    for _ in range(repeat):
        start = time.perf_counter_ns()
        for i in range(calls):
            fn(tokens[i % len(tokens)])
        samples.append((time.perf_counter_ns() - start) / calls / 1000)
    return samples


def main(argv: Any = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tokens", type=int, default=64, help="distinct tokens, verified in turn")
    parser.add_argument("--repeat", type=int, default=7, help="timed batches per contestant")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    args = parser.parse_args(argv)

    import jwt

    from approw import _core
    from approw.emulator.app import Emulator
    from approw.emulator.config import EmulatorConfig
    from approw.v2.authentication import TokenVerifier

    with Emulator(EmulatorConfig(hash_iterations=1000)) as emulator:
        issuer, audience = emulator.url + "/oidc", emulator.app_id
        jwks_uri = issuer + "/.well-known/jwks.json"
        users = [emulator.create_user(username="bench%d" % i, password="x") for i in range(args.tokens)]
        tokens = [emulator.user_token(u["id"]) for u in users]

        ours = TokenVerifier(issuer, audience)
        default_client = jwt.PyJWKClient(jwks_uri)
        cached_client = jwt.PyJWKClient(jwks_uri, cache_keys=True)

        def pyjwt_with(client: Any) -> Callable[[str], Any]:
            def verify(token: str) -> Any:
                key = client.get_signing_key_from_jwt(token)
                return jwt.decode(token, key, algorithms=["RS256"], audience=audience, issuer=issuer)
            return verify

        contestants: Dict[str, Callable[[str], Any]] = {
            "ours": ours.verify,
            "pyjwt": pyjwt_with(default_client),
            "pyjwt+cache_keys": pyjwt_with(cached_client),
        }
        forged = tokens[0][:-6] + ("AAAAAA" if not tokens[0].endswith("AAAAAA") else "BBBBBB")
        for name, fn in contestants.items():   # same answers; the forged token refused by all
            assert [fn(t)["sub"] for t in tokens] == [u["id"] for u in users], name
            try:
                fn(forged)
            except Exception:
                pass
            else:
                raise SystemExit("%s accepted a forged token" % name)
        fetches_before = ours.key_set.fetches
        results = {name: _per_call_us(fn, tokens, args.repeat) for name, fn in contestants.items()}
        assert ours.key_set.fetches == fetches_before, "the JWKS was fetched while timing"

    medians = {name: statistics.median(s) for name, s in results.items()}
    print("token verification per call (RS256 2048-bit, %d tokens, median of %d batches)" % (
        args.tokens, args.repeat))
    print("CPython %s, OpenSSL %s, PyJWT %s" % (sys.version.split()[0], _core.OPENSSL_VERSION, jwt.__version__))
    for name, samples in results.items():
        print("  %-18s %8.1f us   (%.1f-%.1f)" % (name, medians[name], min(samples), max(samples)))
    for baseline in ("pyjwt", "pyjwt+cache_keys"):
        print("  ours is %.2fx faster than %s" % (medians[baseline] / medians["ours"], baseline))
    goal = medians["pyjwt+cache_keys"] / medians["ours"]
    print("  target >= 3x faster than PyJWKClient + jwt.decode (its fastest configuration): %s (%.2f)" % (
        "met" if goal >= 3 else "NOT met", goal))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"unit": "us", "medians": medians, "samples": results}, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
