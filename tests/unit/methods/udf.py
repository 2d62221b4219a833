"""``management.udf``: custom field definitions and the values targets hold."""
import datetime

from . import MSG, UDV, Case

T = "mgmt-token"
DEF = {"targetType": "USER", "dataType": "STRING", "key": "school", "label": "School", "options": None}

CASES = [
    Case("mgmt", "udf.list", ("USER",), op="udf", variables={"targetType": "USER"}, answer=[DEF],
         returns=[DEF], token=T),
    Case("mgmt", "udf.set", ("USER", "school", "STRING", "School"), op="setUdf",
         variables={"targetType": "USER", "key": "school", "dataType": "STRING", "label": "School",
                    "options": None}, answer=DEF, returns=DEF, token=T),
    Case("mgmt", "udf.set", ("ROLE", "tier", "SELECT", "Tier"), {"options": '["a", "b"]'}, op="setUdf",
         variables={"targetType": "ROLE", "key": "tier", "dataType": "SELECT", "label": "Tier",
                    "options": '["a", "b"]'}, answer=DEF, returns=DEF, token=T),
    Case("mgmt", "udf.remove", ("USER", "school"), op="removeUdf",
         variables={"targetType": "USER", "key": "school"}, answer=MSG, returns=MSG, token=T),
    Case("mgmt", "udf.list_udf_value", ("USER", "u1"), op="udv",
         variables={"targetType": "USER", "targetId": "u1"}, answer=UDV, returns=UDV, token=T),
    # values that are strings are JSON text already and go as they are
    Case("mgmt", "udf.set_udf_value_batch", ("USER", "u1", [{"key": "age", "value": "18"}]), op="setUdvBatch",
         variables={"targetType": "USER", "targetId": "u1", "udvList": [{"key": "age", "value": "18"}]},
         answer=UDV, returns=UDV, token=T),
    # other values are JSON-encoded
    Case("mgmt", "udf.set_udf_value_batch",
         ("USER", "u1", ({"key": "age", "value": 18}, {"key": "at", "value": datetime.datetime(2021, 1, 2, 3, 4, 5)},
                         {"key": "boss", "value": True})),
         op="setUdvBatch",
         variables={"targetType": "USER", "targetId": "u1", "udvList": [
             {"key": "age", "value": "18"}, {"key": "at", "value": '"2021-01-02T03:04:05"'},
             {"key": "boss", "value": "true"}]},
         answer=[], returns=[], token=T),
]
