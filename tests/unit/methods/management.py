"""``ManagementClient`` itself (not a sub-client)."""
from . import STATUS, Case

CASES = [
    Case("mgmt", "check_login_status", ("user-token",), op="checkLoginStatus",
         variables={"token": "user-token"}, answer=STATUS, returns=STATUS, token=None),
    Case("mgmt", "_get_userpool_detail", op="userpool", variables=None,
         answer={"id": "pool1", "name": "p"}, returns={"id": "pool1", "name": "p"},
         token="mgmt-token"),
]
