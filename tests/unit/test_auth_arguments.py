"""End-user methods: arguments refused before any request, and where AD logins go."""
import pytest

from approw.v2.authentication import AuthenticationClientOptions
from approw.v2.authentication._async.login import ad_host
from approw.v2.exceptions import ApprowArgumentTypeError, ApprowWrongArgumentException


@pytest.mark.parametrize("host,expected", [
    ("https://core.approw.com", "https://ws.approw.com"),
    ("https://approw.com", "https://ws.approw.com"),
    ("https://a.b.corp.example", "https://ws.b.corp.example"),
    ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
    ("http://localhost:8080/", "http://localhost:8080"),
    ("http://[::1]:8080", "http://[::1]:8080"),
])
def test_ad_host(host, expected):
    assert ad_host(AuthenticationClientOptions(app_id="a", host=host)) == expected
    given = AuthenticationClientOptions(app_id="a", host=host, websocket_host="https://ws.example.test/")
    assert ad_host(given) == "https://ws.example.test"


def test_bad_arguments_raise_before_any_request(auth, fake):
    calls = [
        lambda: auth.send_email("b@x.test", "NOPE"),
        lambda: auth.bind_phone("+8613800000000"),
        lambda: auth.bind_phone("+8613800000000", "1", phoneCode="2"),
        lambda: auth.update_email("n@x.test"),
        lambda: auth.set_udf_value({}),
        lambda: auth.list_authorized_resources("default", "BOOKS"),
        lambda: auth.list_applications(page=-1),
        lambda: auth.mfa.phone_or_email_bindable("tok"),
        lambda: auth.mfa.get_mfa_authenticators(source="OTHER"),
        lambda: auth.mfa.confirm_associate_mfa_authenticator("123456", authenticator_type="face"),
    ]
    for call in calls:
        with pytest.raises(ApprowWrongArgumentException):
            call()
    for call in (lambda: auth.send_sms_code(138), lambda: auth.compute_password_security_level(None),
                 lambda: auth.mfa.verify_totp_mfa(123456, "tok"), lambda: auth.login_by_ldap("a", 1)):
        with pytest.raises(ApprowArgumentTypeError):
            call()
    assert fake.calls == []


def test_mfa_sub_client_shares_the_client(auth, aauth):
    assert auth.mfa._client is auth and aauth.mfa._client is aauth
    assert type(auth.mfa).__name__ == "MfaAuthenticationClient"
    assert type(aauth.mfa).__name__ == "AsyncMfaAuthenticationClient"
