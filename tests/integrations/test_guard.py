"""The guards over the real transport: a permission check whose service answers 503 with
Retry-After gives a 503 answer that carries it; the sync and async guards agree; the cache
saves the round trips."""
import asyncio
import dataclasses

import pytest

from approw.integrations.core import AsyncGuard, Guard, error_response
from approw.v2.authentication import AsyncTokenVerifier, TokenVerifier
from approw.v2.exceptions import ApprowException, PermissionDeniedError


def test_permission_check_against_a_busy_service(settings, emu, busy_url, unique):
    user = emu.create_user(username=unique("gb"), password="pw-123456")
    verifier = TokenVerifier(emu.url + "/oidc", emu.app_id)      # tokens verified with the emulator's keys
    guard = Guard(dataclasses.replace(settings, host=busy_url, timeout=3000, check_revoked=False), verifier=verifier)
    principal = guard.authenticate("Bearer " + emu.user_token(user["id"]))
    with pytest.raises(ApprowException) as info:
        guard.require_permission(principal, "books:*", "books:read")
    status, headers, body = error_response(info.value)
    assert (status, headers.get("Retry-After"), body["error"]) == (503, "120", "service_unavailable")


def test_sync_and_async_guards_agree_and_cache(settings, emu, management, admin_role, unique):
    user = emu.create_user(username=unique("gc"), password="pw-123456")
    management.acl.allow("films:*", "films:watch", user_id=user["id"])
    management.roles.add_users(admin_role, [user["id"]])
    token = "Bearer " + emu.user_token(user["id"])
    guard = Guard(settings)
    principal = guard.authenticate(token)
    assert guard.is_allowed(principal, "films:1", "films:watch") and guard.has_role(principal, admin_role)
    assert not guard.is_allowed(principal, "films:1", "films:delete") and not guard.has_role(principal, "nobody")
    misses = guard.cache.misses
    for _ in range(3):
        guard.require_permission(principal, "films:1", "films:watch")
        guard.require_role(principal, admin_role)
    assert guard.cache.misses == misses and guard.cache.hits >= 6       # no round trip
    with pytest.raises(PermissionDeniedError):
        guard.require_role(principal, "nobody")

    aguard = AsyncGuard(settings)

    async def scenario():
        p = await aguard.authenticate(token)
        answers = (await aguard.is_allowed(p, "films:1", "films:watch"), await aguard.has_role(p, admin_role),
                   await aguard.is_allowed(p, "films:1", "films:delete"))
        with pytest.raises(PermissionDeniedError):
            await aguard.require_permission(p, "films:1", "films:delete")
        return p, answers

    p, answers = asyncio.run(scenario())
    assert p.user_id == user["id"] and answers == (True, True, False)
    assert isinstance(aguard.verifier, AsyncTokenVerifier) and aguard.verifier.check_revoked
    aguard.close()
    assert len(aguard.cache) == 0
