"""tests/conftest.py: the ``emulator`` marker is registered and ``--no-emulator`` skips it."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

from fakes import REPO

MARKED = '''
import pytest

@pytest.mark.emulator
def test_needs_emulator():
    pass

def test_plain():
    pass
'''


def _run(tmp_path: Path, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--strict-markers", "-rs",
         *args, str(tmp_path)],
        cwd=tmp_path, capture_output=True, text=True,
        env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"})
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_no_emulator_option(tmp_path: Path) -> None:
    shutil.copy(REPO / "tests" / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "test_marked.py").write_text(MARKED)
    assert "2 passed" in _run(tmp_path)
    out = _run(tmp_path, "--no-emulator")
    assert "1 passed, 1 skipped" in out and "--no-emulator given" in out
