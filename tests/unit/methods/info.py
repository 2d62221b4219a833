"""``AuthenticationClient``: roles, authorized resources, organisations, applications, the
security level and the local password strength."""
from . import LOCAL, Case, user

ME = ["GET /api/v2/users/me"]
ROLES = {"totalCount": 1, "list": [{"code": "admin", "namespace": "default"}]}
NO_ROLES = {"totalCount": 0, "list": []}
LEVEL = {"email": True, "phone": False, "password": True, "mfa": False,
         "passwordSecurityLevel": 2, "score": 50}
APPS = {"totalCount": 1, "list": [{"id": "app1", "name": "App"}]}
ORGS = [[{"id": "n1", "name": "Root"}, {"id": "n2", "name": "Dept"}]]
RESOURCES = {"totalCount": 2, "list": [{"code": "books:1", "type": "DATA", "actions": ["read"]},
                                       {"code": "menu", "type": None, "actions": []}]}

CASES = [
    Case("auth", "list_orgs", op="GET /api/v2/users/me/orgs", variables=None,
         answer={"code": 200, "message": "", "data": ORGS}, returns=ORGS, token="stored",
         state_token="stored"),
    Case("auth", "get_security_level", op="GET /api/v2/users/me/security-level", variables=None,
         answer={"code": 200, "message": "", "data": LEVEL}, returns=LEVEL, token="stored",
         state_token="stored"),
    Case("auth", "list_roles", op="getUserRoles", calls=ME + ["getUserRoles"],
         variables={"id": "u1", "namespace": None}, answer=user(roles=ROLES), returns=ROLES,
         token="stored", state_token="stored"),
    Case("auth", "list_roles", ("ns1",), op="getUserRoles", calls=ME + ["getUserRoles"],
         variables={"id": "u1", "namespace": "ns1"}, answer=user(roles=NO_ROLES),
         returns=NO_ROLES, token="stored", state_token="stored"),
    Case("auth", "has_role", ("admin",), op="getUserRoles", calls=ME + ["getUserRoles"],
         variables={"id": "u1", "namespace": None}, answer=user(roles=ROLES), returns=True,
         token="stored", state_token="stored"),
    Case("auth", "has_role", ("editor", "default"), op="getUserRoles",
         calls=ME + ["getUserRoles"], variables={"id": "u1", "namespace": "default"},
         answer=user(roles=ROLES), returns=False, token="stored", state_token="stored"),
    Case("auth", "has_role", ("admin",), op="getUserRoles", calls=ME + ["getUserRoles"],
         variables={"id": "u1", "namespace": None}, answer=user(roles=NO_ROLES), returns=False,
         token="stored", state_token="stored"),
    Case("auth", "list_applications", op="GET /api/v2/users/me/applications/allowed",
         variables=None, answer={"code": 200, "message": "", "data": APPS}, returns=APPS,
         token="stored", state_token="stored"),
    Case("auth", "list_applications", (2, 5), op="GET /api/v2/users/me/applications/allowed",
         variables=None, answer={"code": 200, "message": "", "data": APPS}, returns=APPS,
         token="stored", state_token="stored"),
    Case("auth", "list_authorized_resources", ("default",), op="listUserAuthorizedResources",
         calls=ME + ["listUserAuthorizedResources"],
         variables={"id": "u1", "namespace": "default", "resourceType": None},
         answer=user(authorizedResources=RESOURCES),
         returns={"totalCount": 2, "list": [
             {"code": "books:1", "type": "DATA", "actions": ["read"]}, {"code": "menu"}]},
         token="stored", state_token="stored"),
    Case("auth", "list_authorized_resources", ("default", "DATA"),
         op="listUserAuthorizedResources", calls=ME + ["listUserAuthorizedResources"],
         variables={"id": "u1", "namespace": "default", "resourceType": "DATA"},
         answer=user(authorizedResources={"totalCount": 0, "list": []}),
         returns={"totalCount": 0, "list": []}, token="stored", state_token="stored"),
    Case("auth", "compute_password_security_level", ("Abcdefgh1234",), op=LOCAL, variables=None,
         answer=None, returns=3),
    Case("auth", "compute_password_security_level", ("abcdefg1",), op=LOCAL, variables=None,
         answer=None, returns=2),
    Case("auth", "compute_password_security_level", ("abcdefgh",), op=LOCAL, variables=None,
         answer=None, returns=1),
]
