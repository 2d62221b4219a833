"""``management.statistics``: the user action log and the audit log (entries are converted to
the flat shape; the query strings are checked in test_management_pool.py)."""
from . import Case

T = "mgmt-token"
ACTION = {"userpool_id": "pool1", "user": {"id": "u1", "displayName": "bob"},
          "geoip": {"ip": "1.2.3.4", "city_name": None, "region_name": None}, "operation_name": "login",
          "operation_desc": "Signed in", "timestamp": "2021-01-01T00:00:00.000Z", "app_id": "a1",
          "app": {"name": "App"}, "request_id": "r1"}
ACTION_FLAT = {"userpoolId": "pool1", "userId": "u1", "username": "bob", "cityName": None, "regionName": None,
               "clientIp": "1.2.3.4", "operationDesc": "Signed in", "operationName": "login",
               "timestamp": "2021-01-01T00:00:00.000Z", "appId": "a1", "appName": "App"}
AUDIT = {"userpool_id": "pool1", "operator_type": "admin", "operator_detail": {"id": "o1", "displayName": "Admin"},
         "operation_name": "createUser", "geoip": {"ip": "1.2.3.4"}, "resource_type": "user",
         "resource_desc": "bob", "resource_arn": "arn:cn:approw:pool1:user:u1", "timestamp": "t"}
AUDIT_FLAT = {"userpoolId": "pool1", "operatorType": "admin", "operatorId": "o1", "operatorName": "Admin",
              "operationName": "createUser", "cityName": None, "regionName": None, "clientIp": "1.2.3.4",
              "resourceType": "user", "resourceDesc": "bob", "resource_arn": "arn:cn:approw:pool1:user:u1",
              "timestamp": "t"}


def env(data):  # the REST envelope
    return {"code": 200, "message": "", "data": data}


CASES = [
    Case("mgmt", "statistics.list_user_actions", op="GET /api/v2/analysis/user-action", variables=None,
         answer=env({"totalCount": 7, "list": [ACTION]}), returns={"totalCount": 7, "list": [ACTION_FLAT]},
         token=T),
    Case("mgmt", "statistics.list_user_actions", ("1.2.3.4", ["login"], ["u1"], 2, 5),
         op="GET /api/v2/analysis/user-action", variables=None,
         answer=env({"totalCount": 0, "list": []}), returns={"totalCount": 0, "list": []}, token=T),
    Case("mgmt", "statistics.list_audit_logs", op="GET /api/v2/analysis/audit", variables=None,
         answer=env({"totalCount": 1, "list": [AUDIT]}), returns={"totalCount": 1, "list": [AUDIT_FLAT]}, token=T),
    Case("mgmt", "statistics.list_audit_logs", (), {"operator_arns": ["arn:x"], "limit": 50},
         op="GET /api/v2/analysis/audit", variables=None, answer=env({"totalCount": 0, "list": []}),
         returns={"totalCount": 0, "list": []}, token=T),
]
