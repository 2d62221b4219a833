"""``AuthenticationClient.mfa``: second factors (the mfaToken of a refused login, or the
current user's token)."""
from . import Case, user

AUTHENTICATORS = [{"id": "m1", "userId": "u1", "enable": True, "authenticatorType": "totp"}]
ASSOCIATION = {"authenticator_type": "totp", "secret": "JBSWY3DPEHPK3PXP",
               "qrcode_uri": "otpauth://totp/x", "qrcode_data_url": "data:image/svg+xml,",
               "recovery_code": "abcd-efgh"}
OK = {"code": 200, "message": "ok"}


def env(data):  # the REST envelope
    return {"code": 200, "message": "", "data": data}


CASES = [
    Case("auth", "mfa.get_mfa_authenticators", op="POST /api/v2/mfa/authenticator",
         variables={"type": "totp", "source": "SELF"}, answer=env(AUTHENTICATORS),
         returns=AUTHENTICATORS, token="stored", state_token="stored"),
    Case("auth", "mfa.get_mfa_authenticators", ("totp", "mfa-tok", "APPLICATION"),
         op="POST /api/v2/mfa/authenticator", variables={"type": "totp", "source": "APPLICATION"},
         answer=env([]), returns=[], token="mfa-tok", state_token="stored"),
    Case("auth", "mfa.associate_mfa_authenticator", op="POST /api/v2/mfa/totp/associate",
         variables={"authenticator_type": "totp", "source": "SELF"}, answer=env(ASSOCIATION),
         returns=ASSOCIATION, token="stored", state_token="stored"),
    Case("auth", "mfa.associate_mfa_authenticator", (), {"mfa_token": "mfa-tok"},
         op="POST /api/v2/mfa/totp/associate",
         variables={"authenticator_type": "totp", "source": "SELF"}, answer=env(ASSOCIATION),
         returns=ASSOCIATION, token="mfa-tok"),
    Case("auth", "mfa.confirm_associate_mfa_authenticator", ("123456",),
         op="POST /api/v2/mfa/totp/associate/confirm",
         variables={"authenticator_type": "totp", "totp": "123456", "source": "SELF"},
         answer=OK, returns=True, token="stored", state_token="stored"),
    Case("auth", "mfa.verify_totp_mfa", ("123456", "mfa-tok"), op="POST /api/v2/mfa/totp/verify",
         variables={"totp": "123456"}, answer=env(user(token="t1")), returns=user(token="t1"),
         token="mfa-tok"),
    Case("auth", "mfa.verify_totp_recovery_code", ("abcd-efgh", "mfa-tok"),
         op="POST /api/v2/mfa/totp/recovery", variables={"recoveryCode": "abcd-efgh"},
         answer=env(user(token="t1")), returns=user(token="t1"), token="mfa-tok"),
    Case("auth", "mfa.verify_app_sms_mfa", ("+8613800000000", "1234", "mfa-tok"),
         op="POST /api/v2/applications/mfa/sms/verify",
         variables={"phone": "+8613800000000", "code": "1234"}, answer=env(user(token="t1")),
         returns=user(token="t1"), token="mfa-tok"),
    Case("auth", "mfa.verify_app_email_mfa", ("b@x.test", "1234", "mfa-tok"),
         op="POST /api/v2/applications/mfa/email/verify",
         variables={"email": "b@x.test", "code": "1234"}, answer=env(user(token="t1")),
         returns=user(token="t1"), token="mfa-tok"),
    Case("auth", "mfa.phone_or_email_bindable", ("mfa-tok", "+8613800000000"),
         op="POST /api/v2/applications/mfa/check", variables={"phone": "+8613800000000"},
         answer=OK, returns=True, token="mfa-tok"),
    Case("auth", "mfa.phone_or_email_bindable", ("mfa-tok",), {"email": "b@x.test"},
         op="POST /api/v2/applications/mfa/check", variables={"email": "b@x.test"},
         answer=OK, returns=True, token="mfa-tok"),
]
