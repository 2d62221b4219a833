"""``management.userpool``: the pool's settings, environment variables and secret."""
from . import Case

T = "mgmt-token"
POOL = {"id": "pool1", "name": "p", "registerDisabled": False, "tokenExpiresAfter": 1296000}
ENV = {"id": "e1", "userPoolId": "pool1", "key": "stage", "value": {"tier": 2}, "createdAt": "x",
       "updatedAt": "x"}


def env(data):  # the REST envelope
    return {"code": 200, "message": "", "data": data}


CASES = [
    Case("mgmt", "userpool.detail", op="userpool", variables=None, answer=POOL, returns=POOL, token=T),
    Case("mgmt", "userpool.update", ({"registerDisabled": True, "loginFailCheck": {"enabled": True, "limit": 3}},),
         op="updateUserpool",
         variables={"input": {"registerDisabled": True, "loginFailCheck": {"enabled": True, "limit": 3}}},
         answer=POOL, returns=POOL, token=T),
    Case("mgmt", "userpool.list_env", op="GET /api/v2/env", variables=None, answer=env([ENV]), returns=[ENV],
         token=T),
    Case("mgmt", "userpool.add_env", ("stage", {"tier": 2}), op="POST /api/v2/env",
         variables={"key": "stage", "value": {"tier": 2}}, answer=env(ENV), returns=ENV, token=T),
    Case("mgmt", "userpool.remove_env", ("a/b",), op="DELETE /api/v2/env/a%2Fb", variables=None,
         answer={"code": 200, "message": "removed", "data": None}, returns={"code": 200, "message": "removed"},
         token=T),
    Case("mgmt", "userpool.refresh_secret", op="refreshUserpoolSecret", variables=None, answer="n3w-secret",
         returns="n3w-secret", token=T),
]
