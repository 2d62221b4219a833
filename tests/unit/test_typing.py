"""Static typing: ``mypy --strict`` over the whole package (the emulator included), the
extension's stub and the examples; and a wrong operation, variable name or variable type in a
method fails it (tests/typing/operation_mistakes.py)."""
import re
import subprocess
import sys
from typing import Dict, List

import pytest

from fakes import REPO

pytest.importorskip("mypy")


def _mypy(*paths: str) -> subprocess.CompletedProcess:  # type: ignore[type-arg]
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", "--show-error-codes",
         "--no-incremental", *paths], cwd=REPO, capture_output=True, text=True)


def test_mypy_strict() -> None:
    result = _mypy("approw", "examples")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mistakes_in_operation_calls_fail_mypy() -> None:
    sample = "tests/typing/operation_mistakes.py"
    expected: Dict[int, List[str]] = {}
    for lineno, line in enumerate((REPO / sample).read_text(encoding="utf-8").splitlines(), 1):
        m = re.search(r"# E: ([a-z -]+)$", line)
        if m:
            expected[lineno] = sorted(m.group(1).split())
    assert len(expected) >= 6
    result = _mypy(sample)
    found: Dict[int, List[str]] = {}
    for line in result.stdout.splitlines():
        m = re.match(rf"{re.escape(sample)}:(\d+): error: .*\[([a-z-]+)\]$", line)
        if m:
            found.setdefault(int(m.group(1)), []).append(m.group(2))
    assert {n: sorted(codes) for n, codes in found.items()} == expected, result.stdout
