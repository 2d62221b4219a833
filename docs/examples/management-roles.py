management_client.roles.create("ex-editor", description="may edit")
management_client.roles.add_users("ex-editor", [user["id"]])
print([u["id"] for u in management_client.roles.list_users("ex-editor")["list"]] == [user["id"]])
