"""``management.policies``."""
from . import MSG, Case

T = "mgmt-token"
STATEMENTS = [{"resource": "books:*", "actions": ["books:read"], "effect": "ALLOW"}]
POLICY = {"code": "p1", "namespace": "default", "statements": STATEMENTS, "isDefault": False}
PAGE = {"totalCount": 1, "list": [POLICY]}
ASSIGNMENTS = {"totalCount": 1, "list": [{"code": "p1", "targetType": "USER", "targetIdentifier": "u1"}]}

CASES = [
    Case("mgmt", "policies.list", (), op="policies",
         variables={"page": 1, "limit": 10, "namespace": None, "excludeDefault": None},
         answer=PAGE, returns=PAGE, token=T),
    Case("mgmt", "policies.list", (2, 5, "app1", False), op="policies",
         variables={"page": 2, "limit": 5, "namespace": "app1", "excludeDefault": False},
         answer=PAGE, returns=PAGE, token=T),
    Case("mgmt", "policies.create", ("p1", STATEMENTS), op="createPolicy",
         variables={"code": "p1", "description": None, "statements": STATEMENTS, "namespace": None},
         answer=POLICY, returns=POLICY, token=T),
    Case("mgmt", "policies.create", ("p1", STATEMENTS, "Read books", "app1"), op="createPolicy",
         variables={"code": "p1", "description": "Read books", "statements": STATEMENTS, "namespace": "app1"},
         answer=POLICY, returns=POLICY, token=T),
    Case("mgmt", "policies.detail", ("p1",), op="policy", variables={"code": "p1", "namespace": None},
         answer=POLICY, returns=POLICY, token=T),
    Case("mgmt", "policies.update", ("p1", STATEMENTS), op="updatePolicy",
         variables={"code": "p1", "description": None, "statements": STATEMENTS, "newCode": None,
                    "namespace": None}, answer=POLICY, returns=POLICY, token=T),
    Case("mgmt", "policies.update", ("p1",), {"description": "d", "new_code": "p2"}, op="updatePolicy",
         variables={"code": "p1", "description": "d", "statements": None, "newCode": "p2", "namespace": None},
         answer=POLICY, returns=POLICY, token=T),
    Case("mgmt", "policies.delete", ("p1",), op="deletePolicy", variables={"code": "p1", "namespace": None},
         answer=MSG, returns=MSG, token=T),
    Case("mgmt", "policies.delete_many", (["p1", "p2"],), op="deletePolicies",
         variables={"codeList": ["p1", "p2"], "namespace": None}, answer=MSG, returns=MSG, token=T),
    Case("mgmt", "policies.list_assignments", ("p1",), op="policyAssignments",
         variables={"code": "p1", "page": 1, "limit": 10, "namespace": None},
         answer=ASSIGNMENTS, returns=ASSIGNMENTS, token=T),
    Case("mgmt", "policies.add_assignments", (["p1"], "USER", ["u1"]), op="addPolicyAssignments",
         variables={"policies": ["p1"], "targetType": "USER", "targetIdentifiers": ["u1"], "namespace": None},
         answer=MSG, returns=MSG, token=T),
    Case("mgmt", "policies.add_assignments", (), {"policies": ["p1"], "targetType": "GROUP",
                                                  "targetIdentifiers": ["g1"], "namespace": "app1"},
         op="addPolicyAssignments",
         variables={"policies": ["p1"], "targetType": "GROUP", "targetIdentifiers": ["g1"], "namespace": "app1"},
         answer=MSG, returns=MSG, token=T),
    Case("mgmt", "policies.remove_assignments", (["p1"], "ROLE", ["admin"]), op="removePolicyAssignments",
         variables={"policies": ["p1"], "targetType": "ROLE", "targetIdentifiers": ["admin"], "namespace": None},
         answer=MSG, returns=MSG, token=T),
    Case("mgmt", "policies.enable_assignment", ("p1", "USER", "u1"), op="enablePolicyAssignment",
         variables={"policy": "p1", "targetType": "USER", "targetIdentifier": "u1", "namespace": None},
         answer=MSG, returns=MSG, token=T),
    Case("mgmt", "policies.disable_assignment", ("p1", "ROLE", "admin", "app1"), op="disbalePolicyAssignment",
         variables={"policy": "p1", "targetType": "ROLE", "targetIdentifier": "admin", "namespace": "app1"},
         answer=MSG, returns=MSG, token=T),
]
