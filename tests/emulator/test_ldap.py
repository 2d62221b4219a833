"""Directory sign-in against a real OpenLDAP server (slapd, started here on a loopback port):
login_by_ldap and login_by_ad through the SDK over the C transport, the first login creating
the pool user with the directory identity, later logins finding it; refusals."""

import asyncio

import pytest

from approw.emulator.app import Emulator
from approw.emulator.config import EmulatorConfig
from approw.v2.authentication import AsyncAuthenticationClient, AuthenticationClient, AuthenticationClientOptions
from approw.v2.exceptions import ApprowException
from slapd import PEOPLE, Slapd, binary

pytest.importorskip("ldap3")


@pytest.fixture(scope="module")
def directory(tmp_path_factory):
    if binary("slapd") is None or binary("slapadd") is None:
        pytest.skip("slapd is not installed (apt-get install slapd ldap-utils; scripts/setup does)")
    server = Slapd(tmp_path_factory.mktemp("slapd")).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def emulator(directory):
    config = EmulatorConfig(
        hash_iterations=1000,
        ldap_url=directory.url, ldap_base_dn=PEOPLE,                          # uid={username},<base>
        ad_url=directory.url, ad_bind_dn="uid={username},%s" % PEOPLE, ad_base_dn=PEOPLE,
    )
    emu = Emulator(config).start()
    yield emu
    emu.stop()


def _options(emu, **kw):
    # an emulator on 127.0.0.1 has no ws.<domain>: AD logins go to the host itself
    return AuthenticationClientOptions(app_id=emu.app_id, app_host=emu.url, enc_public_key=emu.public_key, **kw)


def test_first_ldap_login_creates_the_user_later_ones_find_it(emulator):
    client = AuthenticationClient(_options(emulator))
    user = client.login_by_ldap("alice", "wonder1and")
    assert user["token"] and client._token == user["token"]
    assert (user["username"], user["email"], user["nickname"]) == ("alice", "alice@example.test", "Alice Liddell")
    assert user["registerSource"] == ["ldap"] and user["loginsCount"] == 1
    (identity,) = user["identities"]
    assert (identity["provider"], identity["userIdInIdp"]) == ("ldap", "uid=alice," + PEOPLE)

    again = AuthenticationClient(_options(emulator)).login_by_ldap("alice", "wonder1and")
    assert again["id"] == user["id"] and again["loginsCount"] == 2
    assert client.get_current_user()["id"] == user["id"]


def test_ldap_refusals(emulator):
    client = AuthenticationClient(_options(emulator))
    for username, password in (("alice", "wrong"), ("nobody", "whatever"), ("alice", "")):
        with pytest.raises(ApprowException) as ei:
            client.login_by_ldap(username, password)
        assert ei.value.code == 2006, (username, password)
    with pytest.raises(ApprowException) as ei:
        client.login_by_ldap("", "wonder1and")
    assert ei.value.code == 2231
    with pytest.raises(ApprowException) as ei:                # DN injection is escaped, not bound
        client.login_by_ldap("alice,ou=people", "wonder1and")
    assert ei.value.code == 2006


def test_refused_directory_logins_are_logged(emulator):
    with pytest.raises(ApprowException):
        AuthenticationClient(_options(emulator)).login_by_ldap("alice", "not-her-password")
    with emulator.client(emulator.management_token()) as c:
        body = c.get("/api/v2/analysis/user-action?operation_name=loginFailed")[1]
    assert "ldap sign-in of 'alice' refused by the directory" in [e["operation_desc"] for e in body["data"]["list"]]


def test_ad_login_over_the_ad_endpoint(emulator):
    user = AuthenticationClient(_options(emulator)).login_by_ad("bob", "bu1lder")
    assert user["token"] and user["email"] is None and user["username"] == "bob"
    assert [i["provider"] for i in user["identities"]] == ["ad"]
    # an explicit websocket_host is honoured
    again = AuthenticationClient(_options(emulator, websocket_host=emulator.url)).login_by_ad("bob", "bu1lder")
    assert again["id"] == user["id"]
    with pytest.raises(ApprowException) as ei:
        AuthenticationClient(_options(emulator)).login_by_ad("bob", "wrong")
    assert ei.value.code == 2006


def test_directory_user_whose_username_is_taken(emulator):
    local = emulator.create_user(username="carol", password="local-passw0rd")
    user = AuthenticationClient(_options(emulator)).login_by_ldap("carol", "ch0rds")
    assert user["id"] != local["id"] and user["username"] is None      # not merged into the local carol
    assert user["email"] == "carol@example.test"


def test_async_directory_logins(emulator):
    async def scenario():
        client = AsyncAuthenticationClient(_options(emulator))
        by_ldap = await client.login_by_ldap("alice", "wonder1and")
        by_ad = await client.login_by_ad("alice", "wonder1and")
        return by_ldap, by_ad

    by_ldap, by_ad = asyncio.run(scenario())
    assert by_ldap["token"] and by_ad["token"] and by_ldap["id"] != by_ad["id"]   # two identities


def test_unconfigured_directory_is_refused(authentication):
    with pytest.raises(ApprowException) as ei:
        authentication.login_by_ldap("alice", "wonder1and")
    assert ei.value.code == 500 and "No LDAP connection" in ei.value.message
    with pytest.raises(ApprowException) as ei:
        AuthenticationClient(authentication.options).login_by_ad("alice", "wonder1and")
    assert "No Active Directory connection" in ei.value.message


def test_unreachable_directory(tmp_path):
    config = EmulatorConfig(hash_iterations=1000, ldap_url="ldap://127.0.0.1:9", ldap_base_dn=PEOPLE)
    with Emulator(config) as emu:
        with pytest.raises(ApprowException) as ei:
            AuthenticationClient(_options(emu)).login_by_ldap("alice", "wonder1and")
    assert ei.value.code == 500 and "cannot be used" in ei.value.message
