"""``management.mfa``: users' second factors, administered (``auth.mfa`` is in mfa.py)."""
from . import Case

T = "mgmt-token"
AUTHENTICATOR = {"id": "m1", "userId": "u1", "enable": True, "secret": "JBSWY3DPEHPK3PXP",
                 "authenticatorType": "totp", "recoveryCode": "r-1", "createdAt": "x", "updatedAt": "x"}
RECORD = {"id": "m1", "userId": "u1", "userPoolId": "pool1", "enable": True, "secret": "JBSWY3DPEHPK3PXP"}


def env(data):  # the REST envelope
    return {"code": 200, "message": "", "data": data}


CASES = [
    Case("mgmt", "mfa.get_status", ("u1",), op="GET /api/v2/users/u1/mfa-bound", variables=None,
         answer=env({"OTP": True, "FACE": False}), returns={"OTP": True, "FACE": False}, token=T),
    Case("mgmt", "mfa.unassociate_mfa", ("u1", "OTP"), op="DELETE /api/v2/users/u1/mfa-bound", variables=None,
         answer={"code": 200, "message": "ok"}, returns=True, token=T),
    Case("mgmt", "mfa.import_totp", ("u1", "JBSWY3DPEHPK3PXP"), op="POST /api/v2/mfa/totp/import",
         variables={"userId": "u1", "secret": "JBSWY3DPEHPK3PXP"}, answer=env(AUTHENTICATOR),
         returns=AUTHENTICATOR, token=T),
    Case("mgmt", "mfa.import_totp", ("u1", "jbsw y3dp ehpk 3pxp", "r-1"), op="POST /api/v2/mfa/totp/import",
         variables={"userId": "u1", "secret": "jbsw y3dp ehpk 3pxp", "recoveryCode": "r-1"},
         answer=env(AUTHENTICATOR), returns=AUTHENTICATOR, token=T),
    Case("mgmt", "mfa.query_mfa", (), {"user_id": "u1"}, op="queryMfa",
         variables={"id": None, "userId": "u1", "userPoolId": None}, answer=RECORD, returns=RECORD, token=T),
    Case("mgmt", "mfa.query_mfa", ("m1",), op="queryMfa", variables={"id": "m1", "userId": None, "userPoolId": None},
         answer=None, returns=None, token=T),
    Case("mgmt", "mfa.change_mfa", (False,), {"user_id": "u1"}, op="changeMfa",
         variables={"enable": False, "id": None, "userId": "u1", "userPoolId": None, "refresh": None},
         answer=RECORD, returns=RECORD, token=T),
    Case("mgmt", "mfa.change_mfa", (), {"id": "m1", "refresh": True, "user_pool_id": "pool1"}, op="changeMfa",
         variables={"enable": None, "id": "m1", "userId": None, "userPoolId": "pool1", "refresh": True},
         answer=RECORD, returns=RECORD, token=T),
]
