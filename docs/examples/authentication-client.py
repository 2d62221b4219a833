registered = authentication_client.register_by_username("ex-carol", "passw0rd")
me = authentication_client.login_by_username("ex-carol", "passw0rd")
authentication_client.update_profile({"nickname": "Carol"})
print(authentication_client.get_current_user()["nickname"], authentication_client.list_roles()["totalCount"])
