"""``management.users``: custom data of users."""
import datetime

from . import UDV, UDV_DICT, Case

T = "mgmt-token"
TYPED = [{"key": "age", "dataType": "NUMBER", "value": 18, "label": "Age"},
         {"key": "nick", "dataType": "STRING", "value": "bobby", "label": ""}]
OK = {"code": 200, "message": "ok"}

CASES = [
    Case("mgmt", "users.list_udv", ("u1",), op="udv", variables={"targetType": "USER", "targetId": "u1"},
         answer=UDV, returns=TYPED, token=T),
    Case("mgmt", "users.get_udf_value", ("u1",), op="udv", variables={"targetType": "USER", "targetId": "u1"},
         answer=UDV, returns=UDV_DICT, token=T),
    Case("mgmt", "users.get_udf_value_batch", (["u1", "u2"],), op="udfValueBatch",
         variables={"targetType": "USER", "targetIds": ["u1", "u2"]},
         answer=[{"targetId": "u1", "data": UDV}, {"targetId": "u2", "data": []}],
         returns={"u1": UDV_DICT, "u2": {}}, token=T),
    Case("mgmt", "users.set_udv", ("u1", "age", 18), op="setUdv",
         variables={"targetType": "USER", "targetId": "u1", "key": "age", "value": "18"},
         answer=UDV, returns=UDV, token=T),
    Case("mgmt", "users.set_udv", ("u1", "when", datetime.datetime(2021, 1, 2, 3, 4, 5)), op="setUdv",
         variables={"targetType": "USER", "targetId": "u1", "key": "when", "value": '"2021-01-02T03:04:05"'},
         answer=[], returns=[], token=T),
    Case("mgmt", "users.set_udf_value", ("u1", {"school": "MIT", "age": 22}), op="setUdvBatch",
         variables={"targetType": "USER", "targetId": "u1",
                    "udvList": [{"key": "school", "value": '"MIT"'}, {"key": "age", "value": "22"}]},
         answer=UDV, returns=True, token=T),
    Case("mgmt", "users.set_udf_value_batch", ({"u1": {"age": 1}, "u2": {"age": 2, "ok": True}},),
         op="setUdfValueBatch",
         variables={"targetType": "USER", "input": [{"targetId": "u1", "key": "age", "value": "1"},
                                                    {"targetId": "u2", "key": "age", "value": "2"},
                                                    {"targetId": "u2", "key": "ok", "value": "true"}]},
         answer=OK, returns=True, token=T),
    Case("mgmt", "users.remove_udv", ("u1", "age"), op="removeUdv",
         variables={"targetType": "USER", "targetId": "u1", "key": "age"}, answer=UDV[1:], returns=UDV[1:], token=T),
    Case("mgmt", "users.remove_udf_value", ("u1", "age"), op="removeUdv",
         variables={"targetType": "USER", "targetId": "u1", "key": "age"}, answer=[], returns=True, token=T),
]
