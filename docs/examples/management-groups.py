management_client.groups.create("ex-staff", "Staff")
management_client.groups.add_users("ex-staff", [user["id"]])
print(management_client.groups.list_users("ex-staff")["totalCount"])             # 1
