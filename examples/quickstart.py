"""Quick start: the README's flows against the bundled emulator, no cloud account needed.

    python examples/quickstart.py            # starts `python -m approw.emulator` itself
    python examples/quickstart.py --url URL --user-pool-id ID --secret S --app-id A --public-key-file F
                                             # or uses a running Approw-compatible server

It lists users, creates one, logs in, updates the profile, re-initialises a client with the
token, and catches ApprowException 2004 -- printing what happens at each step.
"""
import argparse
import json
import subprocess
import sys
from contextlib import contextmanager
from typing import Dict, Iterator, Optional

from approw.v2.authentication import AuthenticationClient, AuthenticationClientOptions
from approw.v2.exceptions import approwException
from approw.v2.management import ManagementClient, ManagementClientOptions


@contextmanager
def emulator() -> Iterator[Dict[str, str]]:
    """Start the emulator on a free port; its first stdout line describes it."""
    print("starting the emulator (python -m approw.emulator) ...", flush=True)
    proc = subprocess.Popen([sys.executable, "-m", "approw.emulator", "--port", "0"],
                            stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        if not line:
            raise SystemExit("the emulator did not start (pip install 'approw-py-sdk[emulator]')")
        yield json.loads(line)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def step(title: str) -> None:
    print(f"\n== {title}", flush=True)


def run(info: Dict[str, str], public_key: Optional[str]) -> None:
    print(f"server: {info['url']}  user pool: {info['user_pool_id']}  app: {info['app_id']}")

    # ManagementClient: initialise once, keep it global.
    management_client = ManagementClient(
        options=ManagementClientOptions(
            user_pool_id=info["user_pool_id"],
            secret=info["secret"],
            host=info["url"],                      # private deployment / emulator
            enc_public_key=public_key,             # the server's password key
        ))

    step("management_client.users.list()")
    data = management_client.users.list()
    print(f"totalCount={data['totalCount']}, usernames={[u['username'] for u in data['list']]}")

    step("management_client.users.create({'username': 'bob', 'password': 'passw0rd'})")
    bob = management_client.users.create({"username": "bob", "password": "passw0rd"})
    print(f"created id={bob['id']} username={bob['username']} arn={bob['arn']}")
    print(f"the pool now has {management_client.users.list()['totalCount']} user(s)")

    # AuthenticationClient: one per request (end-user state lives in it).
    def auth_options(token: Optional[str] = None) -> AuthenticationClientOptions:
        return AuthenticationClientOptions(app_id=info["app_id"], app_host=info["url"],
                                           enc_public_key=public_key, token=token)

    authentication_client = AuthenticationClient(options=auth_options())

    step("authentication_client.login_by_username(username='bob', password='passw0rd')")
    user = authentication_client.login_by_username(username="bob", password="passw0rd")
    token = user["token"] or ""  # a sign-in result always carries the token
    print(f"logged in as {user['username']}, loginsCount={user['loginsCount']}, "
          f"token={token[:24]}...")

    step("authentication_client.update_profile({'nickname': 'Nick'})")
    print("nickname:", authentication_client.update_profile({"nickname": "Nick"})["nickname"])

    step("AuthenticationClient(token=...) -- logged in without calling login")
    again = AuthenticationClient(options=auth_options(token=token))
    print("nickname:", again.update_profile({"nickname": "Nicky"})["nickname"])
    status = management_client.check_login_status(token)
    print(f"check_login_status: status={status['status']} code={status['code']}")

    step("error handling: login_by_username(username='alice', ...) for an unknown user")
    try:
        authentication_client.login_by_username(username="alice", password="passw0rd")
    except approwException as e:
        print("e.code    =", e.code)      # 2004
        print("e.message =", e.message)   # User does not exist

    step("logout")
    print("logout():", again.logout())
    print("the token is now refused:",
          management_client.check_login_status(token)["status"] is False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url")
    parser.add_argument("--user-pool-id")
    parser.add_argument("--secret")
    parser.add_argument("--app-id")
    parser.add_argument("--public-key-file")
    args = parser.parse_args()
    if args.url:
        key = None                                # None: the SDK's default key
        if args.public_key_file:
            with open(args.public_key_file) as f:
                key = f.read()
        run({"url": args.url, "user_pool_id": args.user_pool_id, "secret": args.secret,
             "app_id": args.app_id}, key)
        return
    with emulator() as info:
        run(info, info["public_key"])
    print("\nquickstart finished")


if __name__ == "__main__":
    main()
