"""ManagementTokenProvider: lazy, cached, refreshed below one hour, one fetch under threads."""
import os
import threading
import time
from typing import Any, Dict, List

import pytest

from approw.v2.exceptions import ApprowException
from approw.v2.management import ManagementClient, ManagementClientOptions
from approw.v2.management.token_provider import ManagementTokenProvider
from fakes import FakeSession, graphql_error


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _provider(clock: Clock) -> ManagementTokenProvider:
    client = ManagementClient(ManagementClientOptions("pool1", "s3cret"))
    return ManagementTokenProvider(client.options, client._executor, clock=clock)


def _issuer(fake: FakeSession, lifetime: int, clock: Clock, delay: float = 0.0) -> List[Dict[str, Any]]:
    issued: List[Dict[str, Any]] = []

    def answer(variables: Dict[str, Any]) -> Dict[str, Any]:
        if delay:
            time.sleep(delay)
        issued.append(variables)
        return {"accessToken": f"token-{len(issued)}", "exp": int(clock.now) + lifetime,
                "iat": int(clock.now)}

    fake.answer("accessToken", answer)
    return issued


def test_lazy_and_cached(fake: FakeSession) -> None:
    clock = Clock(1_000_000)
    client = ManagementClient(ManagementClientOptions("pool1", "s3cret"))
    assert fake.calls == []  # nothing fetched at construction
    provider = ManagementTokenProvider(client.options, client._executor, clock=clock)
    issued = _issuer(fake, 86400, clock)
    assert provider.getAccessToken() == "token-1"
    assert provider.get_access_token() == "token-1"
    assert issued == [{"userPoolId": "pool1", "secret": "s3cret"}]
    assert "authorization" not in fake.last("accessToken").headers
    assert provider._accessToken == "token-1"
    assert provider._accessTokenExpriredAt == 1_000_000 + 86400


def test_refetch_when_less_than_an_hour_left(fake: FakeSession) -> None:
    clock = Clock(1_000_000)
    provider = _provider(clock)
    issued = _issuer(fake, 2 * 3600, clock)
    assert provider.getAccessToken() == "token-1"
    clock.now += 3600  # exactly one hour left: still used
    assert provider.getAccessToken() == "token-1"
    clock.now += 1  # less than one hour left
    assert provider.getAccessToken() == "token-2"
    assert len(issued) == 2


def test_single_fetch_with_16_threads(fake: FakeSession) -> None:
    clock = Clock(time.time())
    provider = _provider(clock)
    issued = _issuer(fake, 86400, clock, delay=0.05)
    barrier = threading.Barrier(16)
    tokens: List[str] = []
    errors: List[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            tokens.append(provider.getAccessToken())
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert tokens == ["token-1"] * 16
    assert len(issued) == 1


def test_sub_clients_share_one_token(fake: FakeSession) -> None:
    fake.answer("deleteUser", {"code": 200, "message": "ok"})
    client = ManagementClient(ManagementClientOptions("pool1", "s3cret"))
    client.users.delete("a")
    client.users.delete("b")
    assert fake.ops() == ["accessToken", "deleteUser", "deleteUser"]
    assert client.users.tokenProvider is client.tokenProvider


def test_fetch_error_is_apprwexception_and_not_cached(fake: FakeSession) -> None:
    clock = Clock(1_000_000)
    provider = _provider(clock)
    fake.answer("accessToken", graphql_error((2224, "wrong secret", None)))
    with pytest.raises(ApprowException) as info:
        provider.getAccessToken()
    assert info.value.code == 2224
    assert provider._accessToken is None
    _issuer(fake, 86400, clock)
    assert provider.getAccessToken() == "token-1"


@pytest.mark.parametrize("answer", [None, {"accessToken": "", "exp": 1},
                                    {"accessToken": "t"}, {"accessToken": "t", "exp": "soon"}])
def test_malformed_answer(fake: FakeSession, answer: Any) -> None:
    fake.answer("accessToken", answer)
    with pytest.raises(ApprowException, match="no token or no exp"):
        _provider(Clock(0)).getAccessToken()


def test_locks_usable_in_forked_child(fake: FakeSession) -> None:
    from approw.v2.common import transport

    clock = Clock(1_000_000)
    provider = _provider(clock)
    _issuer(fake, 86400, clock)
    assert provider.getAccessToken() == "token-1"
    with provider._lock, transport._lock:  # held (as by another thread) while forking
        pid = os.fork()
        if pid == 0:  # child: the locks must be free, the token still cached
            ok = provider._lock._lock.acquire(timeout=2) and transport._lock.acquire(timeout=2)
            os._exit(0 if ok and provider.getAccessToken() == "token-1" else 1)
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
