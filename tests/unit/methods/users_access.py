"""``management.users``: a user's roles, groups, policies and permissions."""
from . import MSG, Case

T = "mgmt-token"
ROLE = {"id": "r1", "code": "admin", "namespace": "default"}
ROLES = {"totalCount": 1, "list": [ROLE]}
GROUPS = {"totalCount": 1, "list": [{"code": "g1", "name": "G"}]}
ASSIGNMENTS = {"totalCount": 1, "list": [{"code": "p1", "targetType": "USER", "targetIdentifier": "u1"}]}
RESOURCES = {"totalCount": 2, "list": [{"code": "books:1", "type": "DATA", "actions": ["books:read"]},
                                       {"code": "books", "type": None, "actions": []}]}
FORMATTED = {"totalCount": 2, "list": [{"code": "books:1", "type": "DATA", "actions": ["books:read"]},
                                       {"code": "books"}]}
PERMS = [{"code": "books:1", "actions": ["books:read"]}]

CASES = [
    Case("mgmt", "users.list_roles", ("u1",), op="getUserRoles", variables={"id": "u1", "namespace": None},
         answer={"roles": ROLES}, returns=ROLES, token=T),
    Case("mgmt", "users.list_roles", ("u1", "app1"), op="getUserRoles", variables={"id": "u1", "namespace": "app1"},
         answer={"roles": ROLES}, returns=ROLES, token=T),
    Case("mgmt", "users.add_roles", ("u1", ["admin", "dev"]), op="assignRole",
         variables={"userIds": ["u1"], "roleCodes": ["admin", "dev"], "namespace": None},
         answer=MSG, returns=MSG, token=T),
    Case("mgmt", "users.add_roles", ("u1", ["admin"], "app1"), op="assignRole",
         variables={"userIds": ["u1"], "roleCodes": ["admin"], "namespace": "app1"},
         answer=MSG, returns=MSG, token=T),
    Case("mgmt", "users.remove_roles", ("u1", ["admin"]), op="revokeRole",
         variables={"userIds": ["u1"], "roleCodes": ["admin"], "namespace": None},
         answer=MSG, returns=MSG, token=T),
    Case("mgmt", "users.remove_roles", ("u1", ["admin"], "app1"), op="revokeRole",
         variables={"userIds": ["u1"], "roleCodes": ["admin"], "namespace": "app1"},
         answer=MSG, returns=MSG, token=T),
    Case("mgmt", "users.has_role", ("u1", "admin"), op="getUserRoles", variables={"id": "u1", "namespace": None},
         answer={"roles": ROLES}, returns=True, token=T),
    Case("mgmt", "users.has_role", ("u1", "other", "app1"), op="getUserRoles",
         variables={"id": "u1", "namespace": "app1"}, answer={"roles": ROLES}, returns=False, token=T),
    Case("mgmt", "users.has_role", ("u1", "admin"), op="getUserRoles", variables={"id": "u1", "namespace": None},
         answer={"roles": {"totalCount": 0, "list": []}}, returns=False, token=T),
    Case("mgmt", "users.list_groups", ("u1",), op="getUserGroups", variables={"id": "u1"},
         answer={"groups": GROUPS}, returns=GROUPS, token=T),
    Case("mgmt", "users.add_group", ("u1", "g1"), op="addUserToGroup", variables={"userIds": ["u1"], "code": "g1"},
         answer=MSG, returns=MSG, token=T),
    Case("mgmt", "users.remove_group", ("u1", "g1"), op="removeUserFromGroup",
         variables={"userIds": ["u1"], "code": "g1"}, answer=MSG, returns=MSG, token=T),
    Case("mgmt", "users.list_policies", ("u1",), op="policyAssignments",
         variables={"targetType": "USER", "targetIdentifier": "u1", "page": 1, "limit": 10},
         answer=ASSIGNMENTS, returns=ASSIGNMENTS, token=T),
    Case("mgmt", "users.list_policies", ("u1", 2, 5), op="policyAssignments",
         variables={"targetType": "USER", "targetIdentifier": "u1", "page": 2, "limit": 5},
         answer=ASSIGNMENTS, returns=ASSIGNMENTS, token=T),
    Case("mgmt", "users.add_policies", ("u1", ["p1"]), op="addPolicyAssignments",
         variables={"policies": ["p1"], "targetType": "USER", "targetIdentifiers": ["u1"]},
         answer=MSG, returns=MSG, token=T),
    Case("mgmt", "users.remove_policies", ("u1", ["p1"]), op="removePolicyAssignments",
         variables={"policies": ["p1"], "targetType": "USER", "targetIdentifiers": ["u1"]},
         answer=MSG, returns=MSG, token=T),
    Case("mgmt", "users.list_authorized_resources", ("u1",), op="listUserAuthorizedResources",
         variables={"id": "u1", "namespace": None, "resourceType": None},
         answer={"authorizedResources": RESOURCES}, returns=FORMATTED, token=T),
    Case("mgmt", "users.list_authorized_resources", ("u1", "default", "DATA"), op="listUserAuthorizedResources",
         variables={"id": "u1", "namespace": "default", "resourceType": "DATA"},
         answer={"authorizedResources": RESOURCES}, returns=FORMATTED, token=T),
    Case("mgmt", "users.check_resource_permission_batch", ("u1", "default", ["books:1", "books:2"]),
         op="POST /api/v2/acl/check-resource-permission-batch",
         variables={"userId": "u1", "namespace": "default", "resources": ["books:1", "books:2"]},
         answer={"code": 200, "data": PERMS}, returns=PERMS, token=T),
    Case("mgmt", "users.list_authorized_resources_of_resource_kind", ("u1", "default", "books"),
         op="POST /api/v2/acl/get-authorized-resources-of-resource-kind",
         variables={"userId": "u1", "namespace": "default", "resource": "books"},
         answer={"code": 200, "data": PERMS}, returns=PERMS, token=T),
]
