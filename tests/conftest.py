"""Suite-wide options: ``--no-emulator`` skips the tests marked ``emulator`` (those that start
the bundled Approw emulator and talk to it over loopback)."""
import pytest


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
    if not config.getoption("--no-emulator"):
        return
    skip = pytest.mark.skip(reason="--no-emulator given")
    for item in items:
        if "emulator" in item.keywords:
            item.add_marker(skip)
