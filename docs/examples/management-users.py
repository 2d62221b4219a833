user = management_client.users.create({"username": "ex-bob", "password": "passw0rd", "nickname": "Bob"})
management_client.users.update(user["id"], {"nickname": "Bobby"})
page = management_client.users.list(page=1, limit=10)
print(page["totalCount"], management_client.users.detail(user["id"])["nickname"])
print(management_client.users.exists(username="ex-bob"))                        # True
