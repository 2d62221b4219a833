"""Fixtures shared by tests/emulator (the emulator's own tests) and tests/e2e (the SDK end to
end against it), made available to both by tests/conftest.py: the real approw.v2 clients, over
the C transport, against the emulator (the `approw_emulator` fixtures come from the package's
pytest plugin); and the fixtures the token tests of the userpool, auth and sessions domains
share."""

import itertools
import time

import pytest

from approw.v2.authentication import AuthenticationClient, AuthenticationClientOptions
from approw.v2.management import ManagementClient, ManagementClientOptions
from token_helpers import LOGIN

_names = itertools.count()


@pytest.fixture()
def unique():
    """A fresh name for this test (users persist across tests in the shared emulator)."""
    return lambda prefix="u": f"{prefix}{next(_names)}x{id(object()) % 100000}"


_phones = itertools.count(int(time.time()) % 10**6 * 100)


@pytest.fixture()
def new_phone():
    """A fresh phone number (verification codes are per recipient, and rate-limited)."""
    return lambda: "+86139%08d" % (next(_phones) % 10**8)


@pytest.fixture(scope="session")
def management(approw_emulator):
    return ManagementClient(ManagementClientOptions(
        user_pool_id=approw_emulator.user_pool_id,
        secret=approw_emulator.secret,
        host=approw_emulator.url,
        enc_public_key=approw_emulator.public_key,
    ))


@pytest.fixture()
def auth_options(approw_emulator):
    def make(**kw):
        kw.setdefault("app_id", approw_emulator.app_id)
        kw.setdefault("app_host", approw_emulator.url)
        kw.setdefault("enc_public_key", approw_emulator.public_key)
        return AuthenticationClientOptions(**kw)
    return make


@pytest.fixture()
def authentication(auth_options):
    return AuthenticationClient(auth_options())


# --- tokens: the userpool, auth and sessions tests -------------------------------------


@pytest.fixture(scope="module")
def emu(approw_emulator):
    return approw_emulator


@pytest.fixture(scope="module")
def jwks(emu):
    with emu.client() as c:
        status, body = c.get("/oidc/.well-known/jwks.json")
    assert status == 200
    return body


@pytest.fixture
def login(emu):
    """Create a user with a password and return (user id, a fresh login token)."""
    counter = iter(range(10**6))

    def make(password: str = "Passw0rd!"):
        name = "tok-%d-%d" % (time.monotonic_ns(), next(counter))
        user = emu.create_user(username=name, password=password)
        with emu.client() as c:
            body = c.graphql(LOGIN, {"i": {"username": name, "password": emu.encrypt_password(password)}})
        return user["id"], body["data"]["loginByUsername"]["token"]

    return make
