"""``AuthenticationClient``: the current user's custom data (each call first fetches the
current user)."""
from . import UDV, UDV_DICT, Case

ME = ["GET /api/v2/users/me"]
TYPED = [{"key": "age", "dataType": "NUMBER", "value": 18, "label": "Age"},
         {"key": "nick", "dataType": "STRING", "value": "bobby", "label": ""}]

CASES = [
    Case("auth", "get_udf_value", op="udv", calls=ME + ["udv"],
         variables={"targetType": "USER", "targetId": "u1"}, answer=UDV, returns=UDV_DICT,
         token="stored", state_token="stored"),
    Case("auth", "set_udf_value", ({"age": 18, "nick": "bobby"},), op="setUdvBatch",
         calls=ME + ["setUdvBatch"],
         variables={"targetType": "USER", "targetId": "u1",
                    "udvList": [{"key": "age", "value": "18"},
                                {"key": "nick", "value": '"bobby"'}]},
         answer=UDV, returns=True, token="stored", state_token="stored"),
    Case("auth", "remove_udf_value", ("age",), op="removeUdv", calls=ME + ["removeUdv"],
         variables={"targetType": "USER", "targetId": "u1", "key": "age"}, answer=UDV[1:],
         returns=True, token="stored", state_token="stored"),
    Case("auth", "list_udv", op="udv", calls=ME + ["udv"],
         variables={"targetType": "USER", "targetId": "u1"}, answer=UDV, returns=TYPED,
         token="stored", state_token="stored"),
    Case("auth", "set_udv", ("age", 18), op="setUdv", calls=ME + ["setUdv"],
         variables={"targetType": "USER", "targetId": "u1", "key": "age", "value": "18"},
         answer=UDV, returns=TYPED, token="stored", state_token="stored"),
    Case("auth", "remove_udv", ("age",), op="removeUdv", calls=ME + ["removeUdv"],
         variables={"targetType": "USER", "targetId": "u1", "key": "age"}, answer=UDV[1:],
         returns=TYPED[1:], token="stored", state_token="stored"),
]
