"""``management.groups``."""
from . import MSG, UDV, UDV_DICT, Case, user

T = "mgmt-token"
GROUP = {"code": "g1", "name": "Group 1", "description": None}
PAGE = {"totalCount": 1, "list": [GROUP]}
USERS = {"totalCount": 1, "list": [user()]}
RESOURCES = {"totalCount": 1, "list": [{"code": "books:1", "type": "DATA", "actions": []}]}

CASES = [
    Case("mgmt", "groups.list", (), op="groups", variables={"page": 1, "limit": 10},
         answer=PAGE, returns=PAGE, token=T),
    Case("mgmt", "groups.list", (3, 7), op="groups", variables={"page": 3, "limit": 7},
         answer=PAGE, returns=PAGE, token=T),
    Case("mgmt", "groups.create", ("g1", "Group 1"), op="createGroup",
         variables={"code": "g1", "name": "Group 1", "description": None}, answer=GROUP, returns=GROUP, token=T),
    Case("mgmt", "groups.create", ("g1", "Group 1", "The first"), op="createGroup",
         variables={"code": "g1", "name": "Group 1", "description": "The first"}, answer=GROUP, returns=GROUP,
         token=T),
    Case("mgmt", "groups.detail", ("g1",), op="group", variables={"code": "g1"}, answer=GROUP, returns=GROUP,
         token=T),
    Case("mgmt", "groups.update", ("g1",), {"name": "G", "new_code": "g2"}, op="updateGroup",
         variables={"code": "g1", "newCode": "g2", "name": "G", "description": None},
         answer=GROUP, returns=GROUP, token=T),
    Case("mgmt", "groups.delete", ("g1",), op="deleteGroups", variables={"codeList": ["g1"]},
         answer=MSG, returns=MSG, token=T),
    Case("mgmt", "groups.delete_many", (["g1", "g2"],), op="deleteGroups", variables={"codeList": ["g1", "g2"]},
         answer=MSG, returns=MSG, token=T),
    Case("mgmt", "groups.list_users", ("g1",), op="groupWithUsers", variables={"code": "g1", "page": 1, "limit": 10},
         answer={"users": USERS}, returns=USERS, token=T),
    Case("mgmt", "groups.list_users", ("g1", 2, 5, True), op="groupWithUsersWithCustomData",
         variables={"code": "g1", "page": 2, "limit": 5},
         answer={"users": {"totalCount": 1, "list": [user(customData=UDV)]}},
         returns={"totalCount": 1, "list": [user(customData=UDV_DICT)]}, token=T),
    Case("mgmt", "groups.add_users", ("g1", ["u1", "u2"]), op="addUserToGroup",
         variables={"userIds": ["u1", "u2"], "code": "g1"}, answer=MSG, returns=MSG, token=T),
    Case("mgmt", "groups.remove_users", ("g1", ["u1"]), op="removeUserFromGroup",
         variables={"userIds": ["u1"], "code": "g1"}, answer=MSG, returns=MSG, token=T),
    Case("mgmt", "groups.list_authorized_resources", ("g1",), op="listGroupAuthorizedResources",
         variables={"code": "g1", "namespace": None, "resourceType": None},
         answer={"authorizedResources": RESOURCES},
         returns={"totalCount": 1, "list": [{"code": "books:1", "type": "DATA"}]}, token=T),
    Case("mgmt", "groups.list_authorized_resources", ("g1", "default", "API"), op="listGroupAuthorizedResources",
         variables={"code": "g1", "namespace": "default", "resourceType": "API"},
         answer={"authorizedResources": {"totalCount": 0, "list": []}},
         returns={"totalCount": 0, "list": []}, token=T),
]
