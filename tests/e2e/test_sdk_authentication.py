"""AuthenticationClient end to end: register, login, current user, profile, status, logout."""

import pytest

from approw.v2.authentication import AuthenticationClient
from approw.v2.exceptions import ApprowException, ApprowWrongArgumentException, approwException


def test_register_by_username_then_login(authentication, auth_options, unique):
    name = unique("bob")
    user = authentication.register_by_username(name, "passw0rd", profile={"nickname": "Bobby"})
    assert user["username"] == name and user["nickname"] == "Bobby"
    assert user["token"] is None                     # no token unless asked for
    assert user["password"] is None

    fresh = AuthenticationClient(auth_options())
    logged = fresh.login_by_username(name, "passw0rd")
    assert logged["id"] == user["id"] and logged["token"]
    assert logged["loginsCount"] == 1
    assert fresh._token == logged["token"] and fresh._user["id"] == user["id"]


def test_register_with_generate_token(authentication, unique):
    user = authentication.register_by_username(unique(), "passw0rd", generate_token=True)
    assert user["token"]
    assert authentication.get_current_user()["id"] == user["id"]


def test_register_by_email_then_login(authentication, auth_options, unique):
    email = unique("Carol") + "@Example.org"
    user = authentication.register_by_email(email, "passw0rd")
    assert user["email"] == email.lower()
    logged = AuthenticationClient(auth_options()).login_by_email(email.upper(), "passw0rd")
    assert logged["id"] == user["id"] and logged["token"]


def test_register_duplicate_and_bad_email(authentication, unique):
    name = unique()
    authentication.register_by_username(name, "passw0rd")
    with pytest.raises(ApprowException) as ei:
        authentication.register_by_username(name, "passw0rd")
    assert ei.value.code == 2026
    with pytest.raises(ApprowException) as ei:
        authentication.register_by_email("not-an-email", "passw0rd")
    assert ei.value.code == 2003


def test_seed_readme_error_example(authentication):
    # from the seed README: catch approwException, read .code and .message
    try:
        authentication.login_by_username(username="nobody-here", password="passw0rd")
    except approwException as e:
        assert e.code == 2004
        assert e.message == "User does not exist"
    else:
        pytest.fail("login of an unknown user must raise")


def test_wrong_password(authentication, unique):
    name = unique()
    authentication.register_by_username(name, "passw0rd")
    with pytest.raises(ApprowException) as ei:
        authentication.login_by_username(name, "wrong")
    assert (ei.value.code, ei.value.message) == (2006, "Incorrect password")


def test_login_with_auto_register_and_custom_data(authentication, approw_emulator, unique):
    approw_emulator.client(approw_emulator.management_token()).graphql(
        'mutation { setUdf(targetType: USER, key: "team", dataType: STRING, label: "Team") { key } }')
    name = unique()
    user = authentication.login_by_username(name, "passw0rd", auto_register=True,
                                            custom_data={"team": "blue"}, context={"ip": "x"})
    assert user["username"] == name and user["token"]


def test_current_user_and_update_profile(authentication, unique):
    name = unique()
    authentication.register_by_username(name, "passw0rd")
    with pytest.raises(ApprowException) as ei:       # not logged in yet
        authentication.update_profile({"nickname": "Nick"})
    assert ei.value.code == 2020

    authentication.login_by_username(name, "passw0rd")
    assert authentication.get_current_user()["username"] == name
    updated = authentication.update_profile({"nickname": "Nick"})
    assert updated["nickname"] == "Nick"
    assert authentication._user["nickname"] == "Nick"
    # profile-only: a user may not change their own email this way
    with pytest.raises(ApprowException) as ei:
        authentication.update_profile({"email": "other@example.com"})
    assert ei.value.code == 2225


def test_initialise_with_token(authentication, auth_options, unique):
    name = unique()
    authentication.register_by_username(name, "passw0rd")
    token = authentication.login_by_username(name, "passw0rd")["token"]

    again = AuthenticationClient(auth_options(token=token))
    assert again.update_profile({"nickname": "Nick"})["nickname"] == "Nick"
    assert again.check_login_status()["status"] is True
    # the documented alias
    assert AuthenticationClient(auth_options(access_token=token)).get_current_user()["username"] == name


def test_get_current_user_without_login(authentication):
    with pytest.raises(ApprowException) as ei:
        authentication.get_current_user()
    assert ei.value.code == 2020


def test_expired_and_forged_tokens(authentication, auth_options, approw_emulator, unique):
    name = unique()
    user = authentication.register_by_username(name, "passw0rd")
    expired = approw_emulator.user_token(user["id"], expires_in=-60)
    client = AuthenticationClient(auth_options(token=expired))
    with pytest.raises(ApprowException) as ei:
        client.update_profile({"nickname": "x"})
    assert ei.value.code == 2020
    status = client.check_login_status()
    assert status["status"] is False and status["code"] == 2206

    good = approw_emulator.user_token(user["id"])
    head, payload, sig = good.split(".")
    forged = ".".join([head, payload, sig[:-4] + ("AAAA" if sig[-4:] != "AAAA" else "BBBB")])
    with pytest.raises(ApprowException) as ei:
        AuthenticationClient(auth_options(token=forged)).get_current_user()
    assert ei.value.code == 2020
    assert authentication.check_login_status(forged)["status"] is False


def test_logout_invalidates_the_token(authentication, auth_options, unique):
    name = unique()
    authentication.register_by_username(name, "passw0rd")
    token = authentication.login_by_username(name, "passw0rd")["token"]
    assert authentication.logout() is True
    assert authentication._token is None and authentication._user is None
    with pytest.raises(ApprowException) as ei:
        AuthenticationClient(auth_options(token=token)).get_current_user()
    assert ei.value.code == 2020
    # logging out again without a login is refused (the login check)
    with pytest.raises(ApprowException) as ei:
        authentication.logout()
    assert ei.value.code == 2020


def test_custom_on_error_returns(auth_options):
    seen = []
    client = AuthenticationClient(auth_options(on_error=lambda c, m: seen.append(c)))
    assert client.get_current_user() is None              # REST: on_error, then None
    assert seen == [2020]
    with pytest.raises(ApprowException):                   # GraphQL errors always raise
        client.login_by_username("nobody-at-all", "x")
    assert seen[-1] == 2004


def test_bad_arguments(authentication, auth_options):
    with pytest.raises(ApprowWrongArgumentException):
        authentication.login_by_username("bob", 123)
    with pytest.raises(Exception, match="app_id or user_pool_id"):
        AuthenticationClient(auth_options(app_id=None))
    with pytest.raises(Exception, match="custom_data must be a dict"):
        authentication.register_by_username("x", "passw0rd", custom_data=[1])


def test_lang_header_accepted(auth_options, unique):
    client = AuthenticationClient(auth_options(lang="en-US"))
    user = client.register_by_username(unique(), "passw0rd")
    assert user["id"]
