from approw.v2.authentication import TokenVerifier

verifier = TokenVerifier(issuer=emulator_url + "/oidc", audience=authentication_client.options.app_id)
print(verifier.verify(me["token"])["sub"] == me["id"])                             # True
