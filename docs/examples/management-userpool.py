management_client.userpool.add_env("EX_REGION", "eu")
print([e["key"] for e in management_client.userpool.list_env()])                   # ['EX_REGION']
