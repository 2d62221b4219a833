management_client.policies.create("ex-read-books", [{"resource": "books:*", "actions": ["books:read"]}])
management_client.policies.add_assignments(["ex-read-books"], "USER", [user["id"]])
print(management_client.policies.list_assignments("ex-read-books")["totalCount"])  # 1
