management_client.acl.allow("books:*", "books:read", "default", role="ex-editor")
print(management_client.acl.is_allowed(user["id"], "books:read", "books:1", "default"))   # True
