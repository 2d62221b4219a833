management_client.udf.set("USER", "ex_age", "NUMBER", "Age")
management_client.users.set_udf_value(user["id"], {"ex_age": 42})
print(management_client.users.get_udf_value(user["id"])["ex_age"])                 # 42
