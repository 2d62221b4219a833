print(management_client.mfa.get_status(user["id"]))                                # {'OTP': False, 'FACE': False}
