"""pytest plugin: an Approw emulator for test suites (registered as ``approw_emulator``).

Fixtures
  ``approw_emulator``        session scope: one emulator for the whole run.
  ``approw_emulator_fresh``  function scope: a new, empty emulator per test (a few ms to start,
                             about 50 ms to stop).
  ``approw_emulator_options`` session scope, ``{}``: override it in a ``conftest.py`` to
                              pass :class:`~approw.emulator.config.EmulatorConfig` fields.

Both emulator fixtures yield a running :class:`~approw.emulator.app.Emulator` with
``url``, ``user_pool_id``, ``secret``, ``app_id``, ``app_secret``, ``public_key`` and the
helpers ``create_user()``, ``user_token()`` (``expires_in=-60`` mints an expired one),
``management_token()``, ``encrypt_password()``, ``revoke_tokens()``, ``client()``, the outbox
of SMS and e-mail codes (``outbox(to=...)``, ``last_code(to)``, ``expire_codes(to)``),
``set_mfa(factors)`` and ``require_password_change(user_id)``.
Passwords are hashed with 1,000 PBKDF2 iterations unless the options say otherwise (test
speed; the CLI default is 600,000).

pytest loads this module in every run of every project that has the package installed,
so it imports nothing beyond pytest here: the emulator (graphql-core, cryptography) is
imported when a fixture is first used.
"""

from __future__ import annotations

from typing import Any, Dict, Iterator

import pytest

TEST_HASH_ITERATIONS = 1000
_shared_keys: Any = None


def _start(options: Dict[str, Any], share_keys: bool) -> Any:
    global _shared_keys
    try:
        from approw.emulator.app import Emulator
        from approw.emulator.config import EmulatorConfig
        from approw.emulator.tokens import KeyRing
    except ImportError as exc:  # the emulator extra is not installed
        pytest.fail(
            "the approw_emulator fixtures need graphql-core and cryptography "
            "(pip install 'approw-py-sdk[emulator]'): %s" % exc,
            pytrace=False,
        )
    settings: Dict[str, Any] = {"hash_iterations": TEST_HASH_ITERATIONS}
    settings.update(options)
    keys = None
    if share_keys:  # a fresh emulator: empty state in memory, on a free port
        settings.update(db=None, port=0, user_pool_id=None, secret=None, app_id=None, app_secret=None)
        if _shared_keys is None:
            _shared_keys = KeyRing.generate()
        keys = _shared_keys
    return Emulator(EmulatorConfig(**settings), keys=keys).start()


@pytest.fixture(scope="session")
def approw_emulator_options() -> Dict[str, Any]:
    """EmulatorConfig fields for the emulator fixtures; override in conftest.py."""
    return {}


@pytest.fixture(scope="session")
def approw_emulator(approw_emulator_options: Dict[str, Any]) -> Iterator[Any]:
    """One running emulator shared by the whole test session."""
    emulator = _start(approw_emulator_options, share_keys=False)
    try:
        yield emulator
    finally:
        emulator.stop()


@pytest.fixture
def approw_emulator_fresh(approw_emulator_options: Dict[str, Any]) -> Iterator[Any]:
    """A new emulator with empty state for one test (its keys are shared with other fresh ones)."""
    emulator = _start(approw_emulator_options, share_keys=True)
    try:
        yield emulator
    finally:
        emulator.stop()
