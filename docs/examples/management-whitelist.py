management_client.whitelist.add("USERNAME", ["ex-bob"])
print([e["value"] for e in management_client.whitelist.list("USERNAME")])          # ['ex-bob']
