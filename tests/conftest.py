"""Suite-wide options: ``--no-emulator`` skips the tests marked ``emulator`` (those that start
the bundled Approw emulator and talk to it over loopback): every test in tests/emulator (the
emulator's own) and tests/e2e (the SDK end to end against it).  The helpers both use live in
tests/helpers (importable by module name from any test); their shared fixtures are in
tests/helpers/fixtures.py, imported by the conftest.py of each of the two directories."""
import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent / "helpers"))

_EMULATOR_DIRS = ("/tests/emulator/", "/tests/e2e/")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--no-emulator",
        action="store_true",
        default=False,
        help="skip tests marked 'emulator' (end-to-end tests against approw.emulator)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "emulator: end-to-end test against the bundled emulator (skip: --no-emulator)"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list) -> None:
    for item in items:                  # everything there needs the emulator
        path = str(item.fspath).replace("\\", "/")
        if any(d in path for d in _EMULATOR_DIRS):
            item.add_marker(pytest.mark.emulator)
    if not config.getoption("--no-emulator"):
        return
    skip = pytest.mark.skip(reason="--no-emulator given")
    for item in items:
        if "emulator" in item.keywords:
            item.add_marker(skip)
