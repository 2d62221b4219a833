app = management_client.applications.create("Ex App", "ex-app", ["https://ex.example/cb"])
print(management_client.applications.find_by_id(app["id"])["name"])               # Ex App
