print(authentication_client.mfa.get_mfa_authenticators())                          # [] before one is bound
