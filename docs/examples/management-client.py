token = authentication_client.login_by_username("ex-bob", "passw0rd")["token"]
status = management_client.check_login_status(token)
print(status["status"], status["code"])          # True 200
