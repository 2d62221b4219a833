"""``python -m approw.emulator``: run the emulator until SIGTERM or SIGINT.

The first line on stdout is one JSON object (url, user_pool_id, secret, app_id,
app_secret, public_key, issuer, jwks_uri), flushed at once -- or, with ``--print-env``, one
``export APPROW_...=...`` line per variable; logs go to stderr.

``python -m approw.emulator [options] exec -- COMMAND [ARGS...]`` starts the emulator, runs the
command with the ``APPROW_*`` variables in its environment, stops the emulator and exits with
the command's status.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shlex
import signal
import sqlite3
import subprocess
import sys
import threading
from typing import Any, Dict, List, Optional, Tuple

from .config import (
    DEFAULT_CODE_LIFETIME,
    DEFAULT_CODE_RESEND_INTERVAL,
    DEFAULT_HASH_ITERATIONS,
    DEFAULT_IDLE_TIMEOUT,
    DEFAULT_MANAGEMENT_TOKEN_LIFETIME,
    DEFAULT_MAX_BODY,
    DEFAULT_TOKEN_LIFETIME,
    ID_TOKEN_ALGS,
    TOKEN_AUTH_METHODS,
    EmulatorConfig,
)

LOG_LEVELS = ("debug", "info", "warning", "error")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m approw.emulator",
        usage="%(prog)s [options] [exec -- COMMAND [ARGS...]]",
        description="Local Approw-compatible identity server for development and tests. Prints one JSON "
        "line (url, user_pool_id, secret, app_id, app_secret, public_key, issuer, jwks_uri) on stdout, "
        "then serves until SIGTERM or SIGINT. With 'exec -- COMMAND': runs COMMAND with the APPROW_* "
        "variables set, then stops and exits with its status.",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    p.add_argument("--port", type=int, default=0, help="TCP port; 0 picks a free one (default: %(default)s)")
    p.add_argument("--db", metavar="PATH", help="SQLite file holding the state across restarts (default: in memory)")
    p.add_argument("--hash-iterations", type=int, default=DEFAULT_HASH_ITERATIONS, metavar="N",
                   help="PBKDF2-HMAC-SHA256 iterations for stored passwords; lower it to speed up test "
                   "suites (default: %(default)s)")
    p.add_argument("--token-lifetime", type=int, default=DEFAULT_TOKEN_LIFETIME, metavar="SECONDS",
                   help="lifetime of user tokens (default: %(default)s = 15 days)")
    p.add_argument("--management-token-lifetime", type=int, default=DEFAULT_MANAGEMENT_TOKEN_LIFETIME,
                   metavar="SECONDS", help="lifetime of management tokens (default: %(default)s = 7 days)")
    p.add_argument("--max-body", type=int, default=DEFAULT_MAX_BODY, metavar="BYTES",
                   help="largest accepted request body (default: %(default)s)")
    p.add_argument("--idle-timeout", type=float, default=DEFAULT_IDLE_TIMEOUT, metavar="SECONDS",
                   help="close keep-alive connections idle this long (default: %(default)s)")
    p.add_argument("--user-pool-id", help="user pool id of a new state (default: random)")
    p.add_argument("--secret", help="user pool secret of a new state (default: random)")
    p.add_argument("--app-id", help="application id of a new state (default: random)")
    p.add_argument("--app-secret", help="application secret of a new state (default: random)")
    p.add_argument("--key-rotation", type=float, metavar="SECONDS",
                   help="sign with a new key every SECONDS; the previous two stay published (default: never)")
    p.add_argument("--redirect-uri", action="append", default=[], metavar="URI",
                   help="a redirect URI registered for the application (repeatable; default: any "
                   "http(s) URI is accepted)")
    p.add_argument("--token-auth-method", choices=TOKEN_AUTH_METHODS, default="client_secret_post",
                   help="how the application authenticates at the token, introspection and revocation "
                   "endpoints (default: %(default)s)")
    p.add_argument("--id-token-alg", choices=ID_TOKEN_ALGS, default="RS256",
                   help="ID token signature: RS256 (the JWKS key) or HS256 (the application secret) "
                   "(default: %(default)s)")
    p.add_argument("--log-level", choices=LOG_LEVELS, default="warning",
                   help="stderr logging; 'info' adds an access log and prints each SMS and e-mail "
                   "the emulator sends (default: %(default)s)")
    p.add_argument("--code-lifetime", type=int, default=DEFAULT_CODE_LIFETIME, metavar="SECONDS",
                   help="how long SMS and e-mail verification codes stay valid (default: %(default)s)")
    p.add_argument("--code-resend-interval", type=int, default=DEFAULT_CODE_RESEND_INTERVAL,
                   metavar="SECONDS", help="least time between two codes to one recipient; 0 turns "
                   "the limit off (default: %(default)s)")
    p.add_argument("--import", dest="seed", metavar="SEED.json",
                   help="load a seed file (users, roles, groups, policies, orgs, applications, settings) "
                   "at start; the first bad record is reported with its path")
    p.add_argument("--export-on-exit", metavar="OUT.json",
                   help="write the state as a seed file when the emulator stops")
    p.add_argument("--print-env", action="store_true",
                   help="print 'export APPROW_...=...' lines instead of the JSON start line")
    for kind, name in (("ldap", "LDAP"), ("ad", "Active Directory")):
        p.add_argument("--%s-url" % kind, metavar="URL",
                       help="%s server for login_by_%s, ldap://host:port or ldaps://... (default: "
                       "none; such logins are refused)" % (name, kind))
        p.add_argument("--%s-bind-dn" % kind, metavar="TEMPLATE",
                       help="DN to bind as, {username} replaced by the login name, e.g. "
                       "'uid={username},ou=people,dc=example,dc=org' (default: uid={username},<base DN>)")
        p.add_argument("--%s-base-dn" % kind, metavar="DN", help="base DN of the %s users" % name)
    return p


def split_exec(argv: List[str]) -> Tuple[List[str], Optional[List[str]]]:
    """``(emulator options, command)``: the command follows ``exec --`` (or a leading ``exec``);
    None without exec."""
    for at in range(len(argv)):
        if argv[at] == "exec" and (argv[at + 1:at + 2] == ["--"] or at == 0):
            rest = argv[at + 1:]
            return argv[:at], rest[1:] if rest[:1] == ["--"] else rest
    return argv, None


def config_of(args: argparse.Namespace) -> EmulatorConfig:
    return EmulatorConfig(
        host=args.host, port=args.port, db=args.db, hash_iterations=args.hash_iterations,
        token_lifetime=args.token_lifetime, management_token_lifetime=args.management_token_lifetime,
        max_body=args.max_body, idle_timeout=args.idle_timeout, user_pool_id=args.user_pool_id,
        secret=args.secret, app_id=args.app_id, app_secret=args.app_secret, log_level=args.log_level,
        key_rotation=args.key_rotation, redirect_uris=tuple(args.redirect_uri),
        token_endpoint_auth_method=args.token_auth_method, id_token_alg=args.id_token_alg,
        code_lifetime=args.code_lifetime, code_resend_interval=args.code_resend_interval,
        ldap_url=args.ldap_url, ldap_bind_dn=args.ldap_bind_dn, ldap_base_dn=args.ldap_base_dn,
        ad_url=args.ad_url, ad_bind_dn=args.ad_bind_dn, ad_base_dn=args.ad_base_dn,
    )


def _start(args: argparse.Namespace) -> Any:
    """The started emulator with its seed loaded; raises what ``main`` reports."""
    config = config_of(args)
    config.check()
    from .app import Emulator  # heavy imports only once the arguments are known to be good
    from .seed import SeedError, load

    seed = load(args.seed) if args.seed else None
    emulator = Emulator(config).start()
    if seed is not None and not emulator.pool.new:
        emulator.stop()
        raise SeedError("%s already holds a state: a seed is imported into a new one (use another --db file, "
                        "or drop --import)" % args.db)
    if seed is not None:
        try:
            counts = emulator.import_seed(seed)
        except SeedError:
            emulator.stop()
            if args.db:  # the file was created by this start: leave no half-imported state behind
                for suffix in ("", "-wal", "-shm"):
                    if os.path.exists(args.db + suffix):
                        os.remove(args.db + suffix)
            raise
        logging.getLogger("approw.emulator").info("seed %s loaded: %s", args.seed, counts)
    return emulator


def _run(command: List[str], env: Dict[str, str]) -> int:
    """Run the command to its end (SIGINT/SIGTERM are passed on to it); its exit status, 128 +
    N when signal N ended it."""
    try:
        child = subprocess.Popen(command, env=env)
    except OSError as exc:
        print("approw.emulator: cannot run %s: %s" % (shlex.join(command), exc), file=sys.stderr)
        return 127

    def forward(signum: int, frame: object) -> None:
        child.send_signal(signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    status = child.wait()
    return 128 - status if status < 0 else status


def main(argv: Optional[List[str]] = None) -> int:
    options, command = split_exec(list(sys.argv[1:] if argv is None else argv))
    args = parser().parse_args(options)
    if command is not None and not command:
        print("approw.emulator: exec needs a command: exec -- COMMAND [ARGS...]", file=sys.stderr)
        return 2
    logging.basicConfig(stream=sys.stderr, level=args.log_level.upper(),
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    stop = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        emulator = _start(args)
    except ImportError as exc:  # the emulator extra is not installed
        print("approw.emulator: %s; the emulator needs its extra: pip install 'approw-py-sdk[emulator]'"
              % exc, file=sys.stderr)
        return 2
    except (ValueError, OSError, RuntimeError, sqlite3.Error) as exc:  # SeedError is a ValueError
        print("approw.emulator: cannot start: %s" % exc, file=sys.stderr)
        return 2
    status = 0
    try:
        if command is not None:
            status = _run(command, dict(os.environ, **emulator.environment()))
        else:
            status = _serve(emulator, args.print_env, stop)
    finally:
        try:
            if args.export_on_exit:
                emulator.export_seed(args.export_on_exit)
        except OSError as exc:
            print("approw.emulator: cannot write %s: %s" % (args.export_on_exit, exc), file=sys.stderr)
            status = status or 1
        emulator.stop()
    logging.getLogger("approw.emulator").info("stopped")
    return status


def _serve(emulator: Any, print_env: bool, stop: threading.Event) -> int:
    if print_env:
        text = "".join("export %s=%s\n" % (k, shlex.quote(v)) for k, v in emulator.environment().items())
    else:
        text = json.dumps(emulator.info()) + "\n"
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except OSError as exc:  # nobody reads the startup line: nothing can use the server
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second failure at exit
        print("approw.emulator: cannot write the startup line: %s" % exc, file=sys.stderr)
        return 1
    while not stop.wait(3600):
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
