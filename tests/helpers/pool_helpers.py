"""Clients for a fresh emulator, for tests that change pool settings (registration rules,
token lifetime, lockout, the secret): those must not leak into the shared emulator."""

from typing import Any, Callable

import pytest

from approw.v2.authentication import AuthenticationClient, AuthenticationClientOptions
from approw.v2.exceptions import ApprowException
from approw.v2.management import AsyncManagementClient, ManagementClient, ManagementClientOptions


class Pool:
    """A fresh emulator (``emu``) with a management client (``management``), an asyncio one
    (``amanagement``) and new end-user clients (``authentication()``)."""

    def __init__(self, emu: Any) -> None:
        self.emu = emu
        self.management = ManagementClient(self.management_options())
        self.amanagement = AsyncManagementClient(self.management_options())

    def management_options(self, secret: Any = None) -> ManagementClientOptions:
        return ManagementClientOptions(user_pool_id=self.emu.user_pool_id, secret=secret or self.emu.secret,
                                       host=self.emu.url, enc_public_key=self.emu.public_key)

    def authentication(self) -> AuthenticationClient:
        return AuthenticationClient(AuthenticationClientOptions(
            app_id=self.emu.app_id, app_host=self.emu.url, enc_public_key=self.emu.public_key))


def refused(code: int, call: Callable[..., Any], *args: Any, **kwargs: Any) -> ApprowException:
    """Call ``call(*args, **kwargs)``: it must raise ``ApprowException`` with ``code``."""
    with pytest.raises(ApprowException) as ei:
        call(*args, **kwargs)
    assert ei.value.code == code, (ei.value.code, ei.value.message)
    return ei.value
