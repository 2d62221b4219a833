"""mypy --strict over approw/v2, its stub approw/_core.pyi and the examples."""
import subprocess
import sys

import pytest

from fakes import REPO

pytest.importorskip("mypy")


def test_mypy_strict() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", "approw/v2",
         "approw/_core.pyi", "examples"],
        cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
