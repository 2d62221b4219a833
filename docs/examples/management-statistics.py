logs = management_client.statistics.list_user_actions(operation_names=["login"])
print(logs["totalCount"] >= 1)                                                     # True
