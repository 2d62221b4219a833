"""``management.applications``: applications, secrets, active users, resources and roles in
the application's namespace, access policies, agreements."""
from . import MSG, PAGE, Case

M = "mgmt-token"
APP = {"id": "app1", "name": "Books", "identifier": "books", "secret": "s3", "redirectUris": ["https://x.test/cb"],
       "permissionStrategy": {"enabled": True, "defaultStrategy": "ALLOW_ALL"}}
APPS = {"totalCount": 1, "list": [APP]}
RESOURCE = {"id": "r1", "code": "books", "type": "DATA", "actions": [{"name": "read", "description": "Read"}]}
ACTIONS = [{"name": "read", "description": "Read"}]
POLICIES = {"totalCount": 1, "list": [{"targetType": "USER", "targetIdentifier": "u1", "effect": "ALLOW",
                                       "enabled": True}]}
AGREEMENT = {"id": 1, "title": "Terms", "required": True, "lang": "zh-CN", "order": 1, "appId": "app1"}
ROLE = {"id": "role1", "code": "editor", "namespace": "app1"}
ROLES = {"totalCount": 1, "list": [ROLE]}
RESOURCES = {"totalCount": 1, "list": [{"code": "books:1", "type": "DATA", "actions": ["read"]}]}
OK = {"code": 200, "message": ""}


def ok(data=None):
    return {"code": 200, "message": "", "data": data}


def policy(method, action):
    """A call of ``method`` on one user; it posts to ``authorization/<action>``."""
    return Case("mgmt", f"applications.{method}", ("app1", "USER", ["u1"]),
                op=f"POST /api/v2/applications/app1/authorization/{action}",
                variables={"appId": "app1", "targetType": "USER", "targetIdentifiers": ["u1"], "namespace": "app1"},
                answer=OK, returns=True, token=M)


CASES = [
    Case("mgmt", "applications.list", op="GET /api/v2/applications", variables=None, answer=ok(APPS), returns=APPS,
         token=M),
    Case("mgmt", "applications.list", (2, 50), op="GET /api/v2/applications", variables=None, answer=ok(APPS),
         returns=APPS, token=M),
    Case("mgmt", "applications.create", ("Books", "books", ["https://x.test/cb"]), op="POST /api/v2/applications",
         variables={"name": "Books", "identifier": "books", "redirectUris": ["https://x.test/cb"]},
         answer=ok(APP), returns=APP, token=M),
    Case("mgmt", "applications.create", ("Books", "books", [], "https://x.test/logo.png"),
         op="POST /api/v2/applications",
         variables={"name": "Books", "identifier": "books", "redirectUris": [], "logo": "https://x.test/logo.png"},
         answer=ok(APP), returns=APP, token=M),
    Case("mgmt", "applications.delete", ("app1",), op="DELETE /api/v2/applications/app1", variables=None,
         answer=ok(), returns=True, token=M),
    Case("mgmt", "applications.find_by_id", ("app1",), op="GET /api/v2/applications/app1", variables=None,
         answer=ok(APP), returns=APP, token=M),
    Case("mgmt", "applications.find_by_id", ("nope",), op="GET /api/v2/applications/nope", variables=None,
         answer=ok(None), returns=None, token=M),
    Case("mgmt", "applications.refresh_application_secret", ("app1",),
         op="PATCH /api/v2/application/app1/refresh-secret", variables=None, answer=ok(APP), returns=APP, token=M),
    Case("mgmt", "applications.active_users", ("app1",), op="GET /api/v2/applications/app1/active-users",
         variables=None, answer=ok(PAGE), returns=PAGE, token=M),
    Case("mgmt", "applications.active_users", ("app1", 2, 5), op="GET /api/v2/applications/app1/active-users",
         variables=None, answer=ok(PAGE), returns=PAGE, token=M),
    # resources: the acl methods with namespace = app_id
    Case("mgmt", "applications.list_resources", ("app1",), op="GET /api/v2/resources", variables=None,
         answer=ok({"totalCount": 1, "list": [RESOURCE]}), returns={"totalCount": 1, "list": [RESOURCE]}, token=M),
    Case("mgmt", "applications.list_resources", ("app1", 1, 10, "DATA"), op="GET /api/v2/resources",
         variables=None, answer=ok({"totalCount": 0, "list": []}), returns={"totalCount": 0, "list": []}, token=M),
    Case("mgmt", "applications.create_resource", ("app1", "books", "DATA", ACTIONS, "Books"),
         op="POST /api/v2/resources",
         variables={"code": "books", "type": "DATA", "actions": ACTIONS, "namespace": "app1", "description": "Books"},
         answer=ok(RESOURCE), returns=RESOURCE, token=M),
    Case("mgmt", "applications.update_resource", ("app1", "books"), {"description": "All books"},
         op="POST /api/v2/resources/books", variables={"namespace": "app1", "description": "All books"},
         answer=ok(RESOURCE), returns=RESOURCE, token=M),
    Case("mgmt", "applications.update_resource", ("app1", "books", "API", ACTIONS),
         op="POST /api/v2/resources/books", variables={"namespace": "app1", "type": "API", "actions": ACTIONS},
         answer=ok(RESOURCE), returns=RESOURCE, token=M),
    Case("mgmt", "applications.delete_resource", ("app1", "books"), op="DELETE /api/v2/resources/books",
         variables=None, answer=ok(), returns=True, token=M),
    Case("mgmt", "applications.find_resource_by_code", ("app1", "books"), op="GET /api/v2/resources/by-code/books",
         variables=None, answer=ok(RESOURCE), returns=RESOURCE, token=M),
    # access policies
    Case("mgmt", "applications.get_access_policies", ("app1",),
         op="GET /api/v2/applications/app1/authorization/records", variables=None, answer=ok(POLICIES),
         returns=POLICIES, token=M),
    Case("mgmt", "applications.get_access_policies", ("app1", 2, 20),
         op="GET /api/v2/applications/app1/authorization/records", variables=None, answer=ok(POLICIES),
         returns=POLICIES, token=M),
    policy("allow_access", "allow"),
    policy("deny_access", "deny"),
    policy("enable_access_policy", "enable-effect"),
    policy("disable_access_policy", "disable-effect"),
    policy("delete_access_policy", "revoke"),
    Case("mgmt", "applications.allow_access", ("app1", "ORG", ["n1"], True),
         op="POST /api/v2/applications/app1/authorization/allow",
         variables={"appId": "app1", "targetType": "ORG", "targetIdentifiers": ["n1"], "inheritByChildren": True,
                    "namespace": "app1"}, answer=OK, returns=True, token=M),
    Case("mgmt", "applications.update_default_access_policy", ("app1", "DENY_ALL"),
         op="POST /api/v2/applications/app1", variables={"appId": "app1", "defaultStrategy": "DENY_ALL"},
         answer=ok(APP), returns=APP, token=M),
    # agreements
    Case("mgmt", "applications.create_agreement", ("app1", "Terms"), op="POST /api/v2/applications/app1/agreements",
         variables={"title": "Terms", "required": True, "lang": "zh-CN"}, answer=ok(AGREEMENT), returns=AGREEMENT,
         token=M),
    Case("mgmt", "applications.create_agreement", ("app1", "Terms", False, "en-US"),
         op="POST /api/v2/applications/app1/agreements", variables={"title": "Terms", "required": False,
                                                                    "lang": "en-US"},
         answer=ok(AGREEMENT), returns=AGREEMENT, token=M),
    Case("mgmt", "applications.list_agreement", ("app1",), op="GET /api/v2/applications/app1/agreements",
         variables=None, answer=ok({"totalCount": 1, "list": [AGREEMENT]}),
         returns={"totalCount": 1, "list": [AGREEMENT]}, token=M),
    Case("mgmt", "applications.modify_agreement", ("app1", 1, {"title": "New terms"}),
         op="PUT /api/v2/applications/app1/agreements/1", variables={"title": "New terms"}, answer=ok(AGREEMENT),
         returns=AGREEMENT, token=M),
    Case("mgmt", "applications.delete_agreement", ("app1", 1), op="DELETE /api/v2/applications/app1/agreements/1",
         variables=None, answer=ok(), returns=True, token=M),
    Case("mgmt", "applications.sort_agreement", ("app1", [2, 1]), op="POST /api/v2/applications/app1/agreements/sort",
         variables={"ids": [2, 1]}, answer=ok(), returns=True, token=M),
    # roles: the roles methods with namespace = app_id
    Case("mgmt", "applications.create_role", ("app1", "editor", "Edits"), op="createRole",
         variables={"code": "editor", "description": "Edits", "parent": None, "namespace": "app1"}, answer=ROLE,
         returns=ROLE, token=M),
    Case("mgmt", "applications.delete_role", ("app1", "editor"), op="deleteRole",
         variables={"code": "editor", "namespace": "app1"}, answer=MSG, returns=MSG, token=M),
    Case("mgmt", "applications.delete_roles", ("app1", ["editor", "viewer"]), op="deleteRoles",
         variables={"codeList": ["editor", "viewer"], "namespace": "app1"}, answer=MSG, returns=MSG, token=M),
    Case("mgmt", "applications.update_role", ("app1", "editor"), {"new_code": "writer"}, op="updateRole",
         variables={"code": "editor", "description": None, "newCode": "writer", "namespace": "app1"}, answer=ROLE,
         returns=ROLE, token=M),
    Case("mgmt", "applications.find_role", ("app1", "editor"), op="role",
         variables={"code": "editor", "namespace": "app1"}, answer=ROLE, returns=ROLE, token=M),
    Case("mgmt", "applications.find_role", ("app1", ""), op="role", variables={"code": "", "namespace": "app1"},
         answer=None, returns=None, token=M),
    Case("mgmt", "applications.get_roles", ("app1",), op="roles",
         variables={"page": 1, "limit": 10, "namespace": "app1"}, answer=ROLES, returns=ROLES, token=M),
    Case("mgmt", "applications.get_users_by_role_code", ("app1", "editor"), op="roleWithUsers",
         variables={"code": "editor", "namespace": "app1", "page": 1, "limit": 10}, answer=dict(ROLE, users=PAGE),
         returns=PAGE, token=M),
    Case("mgmt", "applications.add_users_to_role", ("app1", "editor", ["u1"]), op="assignRole",
         variables={"userIds": ["u1"], "roleCodes": ["editor"], "namespace": "app1"}, answer=MSG, returns=MSG,
         token=M),
    Case("mgmt", "applications.remove_users_from_role", ("app1", "editor", ["u1"]), op="revokeRole",
         variables={"userIds": ["u1"], "roleCodes": ["editor"], "namespace": "app1"}, answer=MSG, returns=MSG,
         token=M),
    Case("mgmt", "applications.list_authorized_resources_by_role", ("app1", "editor"),
         op="listRoleAuthorizedResources", variables={"code": "editor", "namespace": "app1", "resourceType": None},
         answer=dict(ROLE, authorizedResources=RESOURCES), returns=RESOURCES, token=M),
    Case("mgmt", "applications.list_authorized_resources_by_role", ("app1", "editor", "DATA"),
         op="listRoleAuthorizedResources", variables={"code": "editor", "namespace": "app1", "resourceType": "DATA"},
         answer=dict(ROLE, authorizedResources=RESOURCES), returns=RESOURCES, token=M),
]

# protocol settings and programmatic access accounts (AK/SK)
PROTOCOL = {"token_endpoint_auth_method": "client_secret_basic", "access_token_expire": 600}
ACCOUNT = {"id": "ak1", "appId": "app1", "secret": "sk1", "enabled": True, "tokenLifetime": 600, "remarks": "ci"}
ACCOUNTS = {"totalCount": 1, "list": [ACCOUNT]}
PAA = "/api/v2/applications/programmatic-access-accounts"
CASES += [
    Case("mgmt", "applications.update", ("app1",), {"name": "Books 2", "redirect_uris": ["http://127.0.0.1/cb"],
                                                    "protocol": PROTOCOL},
         op="POST /api/v2/applications/app1",
         variables={"name": "Books 2", "redirectUris": ["http://127.0.0.1/cb"], "oidcConfig": PROTOCOL},
         answer=ok(APP), returns=APP, token=M),
    Case("mgmt", "applications.update", ("app1", None, "books2", None, "d", "https://x.test/l.png"),
         op="POST /api/v2/applications/app1",
         variables={"identifier": "books2", "description": "d", "logo": "https://x.test/l.png"},
         answer=ok(APP), returns=APP, token=M),
    Case("mgmt", "applications.list_programmatic_access_accounts", ("app1",),
         op="GET /api/v2/applications/app1/programmatic-access-accounts", variables=None,
         query={"page": 1, "limit": 10}, answer=ok(ACCOUNTS), returns=ACCOUNTS, token=M),
    Case("mgmt", "applications.list_programmatic_access_accounts", ("app1", 2, 5),
         op="GET /api/v2/applications/app1/programmatic-access-accounts", variables=None,
         query={"page": 2, "limit": 5}, answer=ok(ACCOUNTS), returns=ACCOUNTS, token=M),
    Case("mgmt", "applications.create_programmatic_access_account", ("app1",),
         op="POST /api/v2/applications/app1/programmatic-access-accounts", variables={},
         answer=ok(ACCOUNT), returns=ACCOUNT, token=M),
    Case("mgmt", "applications.create_programmatic_access_account", ("app1", 600, "ci"),
         op="POST /api/v2/applications/app1/programmatic-access-accounts",
         variables={"tokenLifetime": 600, "remarks": "ci"}, answer=ok(ACCOUNT), returns=ACCOUNT, token=M),
    Case("mgmt", "applications.delete_programmatic_access_account", ("ak1",), op=f"DELETE {PAA}", variables=None,
         query={"id": "ak1"}, answer=ok(), returns=True, token=M),
    Case("mgmt", "applications.enable_programmatic_access_account", ("ak1",), op=f"PATCH {PAA}",
         variables={"id": "ak1", "enabled": True}, answer=ok(ACCOUNT), returns=ACCOUNT, token=M),
    Case("mgmt", "applications.disable_programmatic_access_account", ("ak1",), op=f"PATCH {PAA}",
         variables={"id": "ak1", "enabled": False}, answer=ok(dict(ACCOUNT, enabled=False)),
         returns=dict(ACCOUNT, enabled=False), token=M),
    Case("mgmt", "applications.refresh_programmatic_access_account_secret", ("ak1", "a-new-secret"),
         op=f"PATCH {PAA}", variables={"id": "ak1", "secret": "a-new-secret"}, answer=ok(ACCOUNT), returns=ACCOUNT,
         token=M),
]
