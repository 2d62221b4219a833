"""Quick start: manage users and log one in.

Point it at the bundled emulator (``python -m approw.emulator`` prints the values) or at your
Approw user pool::

    APPROW_HOST=http://127.0.0.1:PORT APPROW_USERPOOL_ID=... APPROW_SECRET=... \
    APPROW_APP_ID=... python examples/quickstart.py
"""
import os

from approw.v2.authentication import AuthenticationClient, AuthenticationClientOptions
from approw.v2.common.utils import get_random_string
from approw.v2.exceptions import ApprowException
from approw.v2.management import ManagementClient, ManagementClientOptions


def main() -> None:
    host = os.environ.get("APPROW_HOST", "https://core.approw.com")
    management = ManagementClient(ManagementClientOptions(
        user_pool_id=os.environ["APPROW_USERPOOL_ID"],
        secret=os.environ["APPROW_SECRET"],
        host=host,
    ))
    username = "demo_" + get_random_string(8)
    created = management.users.create({"username": username, "password": "passw0rd"})
    print("created", created["id"], created["username"])
    print("users in the pool:", management.users.list(page=1, limit=10)["totalCount"])

    authentication = AuthenticationClient(AuthenticationClientOptions(
        app_id=os.environ.get("APPROW_APP_ID"),
        user_pool_id=os.environ["APPROW_USERPOOL_ID"],
        host=host,
    ))
    try:
        authentication.login_by_username(username, "wrong password")
    except ApprowException as e:
        print("login refused:", e.code, e.message)
    user = authentication.login_by_username(username, "passw0rd")
    print("logged in, token starts with", str(user["token"])[:12])
    print("nickname now", authentication.update_profile({"nickname": "Demo"})["nickname"])
    print("status", management.check_login_status(str(user["token"]))["status"])
    authentication.logout()
    print("deleted:", management.users.delete(created["id"])["code"] == 200)


if __name__ == "__main__":
    main()
