org = management_client.org.create_org("Ex Corp")
dev = management_client.org.create_node("Dev", org["id"], org["rootNode"]["id"])
management_client.org.add_members(dev["id"], [user["id"]])
print(management_client.org.list_members(dev["id"])["totalCount"])                # 1
