"""Fixtures of the unit tests (test doubles in fakes.py): ``fake`` installs a FakeSession as the
transport's session factory (no sockets); ``mgmt`` / ``auth`` are clients using it with a test
RSA key (``rsa_key``), so encrypted passwords can be decrypted and checked."""
from typing import Any, Iterator

import pytest

from approw.v2.authentication import verifier
from approw.v2.common import transport
from fakes import FakeSession


@pytest.fixture
def fake() -> Iterator[FakeSession]:
    session = FakeSession()
    previous = transport.set_session_factory(session)
    verifier.clear_shared()  # the verifiers' cached keys came from another session
    try:
        yield session
    finally:
        transport.set_session_factory(previous)
        verifier.clear_shared()


@pytest.fixture
def rsa_key() -> Any:
    """A test RSA key pair: (private key object, public PEM text)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    return key, pem


@pytest.fixture
def mgmt(fake: FakeSession, rsa_key: Any) -> Any:
    from approw.v2.management import ManagementClient, ManagementClientOptions

    return ManagementClient(ManagementClientOptions(
        user_pool_id="pool1", secret="s3cret", host="https://api.example.test",
        enc_public_key=rsa_key[1]))


@pytest.fixture
def auth(fake: FakeSession, rsa_key: Any) -> Any:
    from approw.v2.authentication import AuthenticationClient, AuthenticationClientOptions

    return AuthenticationClient(AuthenticationClientOptions(
        app_id="app1", user_pool_id="pool1", host="https://api.example.test",
        enc_public_key=rsa_key[1]))


@pytest.fixture
def amgmt(fake: FakeSession, rsa_key: Any) -> Any:
    """The asyncio management client over the same fake session."""
    from approw.v2.management import AsyncManagementClient, ManagementClientOptions

    return AsyncManagementClient(ManagementClientOptions(
        user_pool_id="pool1", secret="s3cret", host="https://api.example.test",
        enc_public_key=rsa_key[1]))


@pytest.fixture
def aauth(fake: FakeSession, rsa_key: Any) -> Any:
    """The asyncio end-user client over the same fake session."""
    from approw.v2.authentication import AsyncAuthenticationClient, AuthenticationClientOptions

    return AsyncAuthenticationClient(AuthenticationClientOptions(
        app_id="app1", user_pool_id="pool1", host="https://api.example.test",
        enc_public_key=rsa_key[1]))
