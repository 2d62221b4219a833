"""``management.whitelist``: the registration whitelists."""
from . import Case

T = "mgmt-token"
ENTRIES = [{"value": "a@x.test", "createdAt": "x", "updatedAt": "x"}]
POOL = {"id": "pool1", "whitelist": {"emailEnabled": True, "phoneEnabled": False, "usernameEnabled": False}}

CASES = [
    Case("mgmt", "whitelist.list", ("EMAIL",), op="whitelist", variables={"type": "EMAIL"}, answer=ENTRIES,
         returns=ENTRIES, token=T),
    Case("mgmt", "whitelist.list", ("Email",), op="whitelist", variables={"type": "EMAIL"}, answer=[],
         returns=[], token=T),
    Case("mgmt", "whitelist.add", ("EMAIL", ["a@x.test"]), op="addWhitelist",
         variables={"type": "EMAIL", "list": ["a@x.test"]}, answer=ENTRIES, returns=ENTRIES, token=T),
    Case("mgmt", "whitelist.remove", ("PHONE", ("+8613800000000",)), op="removeWhitelist",
         variables={"type": "PHONE", "list": ["+8613800000000"]}, answer=[], returns=[], token=T),
    Case("mgmt", "whitelist.enable", ("EMAIL",), op="updateUserpool",
         variables={"input": {"whitelist": {"emailEnabled": True}}}, answer=POOL, returns=POOL, token=T),
    Case("mgmt", "whitelist.enable", ("username",), op="updateUserpool",
         variables={"input": {"whitelist": {"usernameEnabled": True}}}, answer=POOL, returns=POOL, token=T),
    Case("mgmt", "whitelist.disable", ("PHONE",), op="updateUserpool",
         variables={"input": {"whitelist": {"phoneEnabled": False}}}, answer=POOL, returns=POOL, token=T),
]
