"""``python -m approw.emulator``: run the emulator until SIGTERM or SIGINT.

The first line on stdout is one JSON object (url, user_pool_id, secret, app_id,
app_secret, public_key), flushed at once; logs go to stderr.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sqlite3
import sys
import threading
from typing import List, Optional

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
        description="Local Approw-compatible identity server for development and tests. Prints one JSON "
        "line (url, user_pool_id, secret, app_id, app_secret, public_key) on stdout, then serves "
        "until SIGTERM or SIGINT.",
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
    for kind, name in (("ldap", "LDAP"), ("ad", "Active Directory")):
        p.add_argument("--%s-url" % kind, metavar="URL",
                       help="%s server for login_by_%s, ldap://host:port or ldaps://... (default: "
                       "none; such logins are refused)" % (name, kind))
        p.add_argument("--%s-bind-dn" % kind, metavar="TEMPLATE",
                       help="DN to bind as, {username} replaced by the login name, e.g. "
                       "'uid={username},ou=people,dc=example,dc=org' (default: uid={username},<base DN>)")
        p.add_argument("--%s-base-dn" % kind, metavar="DN", help="base DN of the %s users" % name)
    return p


def main(argv: Optional[List[str]] = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(stream=sys.stderr, level=args.log_level.upper(),
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    config = EmulatorConfig(
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
    stop = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        config.check()
        from .app import Emulator  # heavy imports only once the arguments are known to be good

        emulator = Emulator(config).start()
    except ImportError as exc:  # the emulator extra is not installed
        print("approw.emulator: %s; the emulator needs its extra: pip install 'approw-py-sdk[emulator]'"
              % exc, file=sys.stderr)
        return 2
    except (ValueError, OSError, RuntimeError, sqlite3.Error) as exc:
        print("approw.emulator: cannot start: %s" % exc, file=sys.stderr)
        return 2
    try:
        try:
            sys.stdout.write(json.dumps(emulator.info()) + "\n")
            sys.stdout.flush()
        except OSError as exc:  # nobody reads the startup line: nothing can use the server
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second failure at exit
            print("approw.emulator: cannot write the startup line: %s" % exc, file=sys.stderr)
            return 1
        while not stop.wait(3600):
            pass
    finally:
        emulator.stop()
    logging.getLogger("approw.emulator").info("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
