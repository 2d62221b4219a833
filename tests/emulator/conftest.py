"""The emulator's own tests: its domains over HTTP and GraphQL (fixtures: tests/helpers)."""
from fixtures import (  # noqa: F401 (the fixtures tests/emulator and tests/e2e share)
    auth_options,
    authentication,
    emu,
    jwks,
    login,
    management,
    new_phone,
    unique,
)
