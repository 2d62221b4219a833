"""The version: 2.0.0 and above the pure-Python SDK's last release (1.0.8), from one place (the
package metadata), and a clear message when the compiled core is missing."""
import os
import re
import subprocess
import sys
from importlib.metadata import metadata, version
from pathlib import Path

import approw
import approw.v2
from approw.v2.common.constants import SDK_VERSION

ROOT = Path(__file__).resolve().parents[2]
PURE_PYTHON_LAST = (1, 0, 8)


def _release(text: str) -> tuple:
    m = re.match(r"(\d+(?:\.\d+)*)", text)
    assert m, text
    return tuple(int(p) for p in m.group(1).split("."))


def test_installed_version_is_above_the_pure_python_sdk() -> None:
    # the built (installed) distribution's own metadata, as pip compares it
    installed = version("approw-py-sdk")
    assert _release(installed) > PURE_PYTHON_LAST
    assert _release(installed) >= (2, 0, 0)


def test_version_comes_from_the_metadata() -> None:
    installed = version("approw-py-sdk")
    assert approw.__version__ == approw.v2.__version__ == installed
    assert SDK_VERSION == "python:" + installed
    pyproject = (ROOT / "pyproject.toml").read_text()
    declared = re.search(r'^version = "([^"]+)"', pyproject, re.M)
    assert declared and declared.group(1) == installed


def test_project_urls_and_changelog() -> None:
    urls = metadata("approw-py-sdk").get_all("Project-URL") or []
    names = {u.split(",", 1)[0].strip() for u in urls}
    assert {"Homepage", "Documentation", "Source", "Changelog"} <= names
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert "## 2.0.0" in changelog


def test_missing_core_says_what_to_do(tmp_path: Path) -> None:
    # a copy of the source tree without the compiled core, run from its parent (the clone root)
    src = tmp_path / "approw"
    src.mkdir()
    (src / "__init__.py").write_text((ROOT / "approw" / "__init__.py").read_text())
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    code = "from approw import _core"
    run = subprocess.run([sys.executable, "-S", "-c", code], cwd=tmp_path, env=env,
                         capture_output=True, text=True)
    assert run.returncode == 1
    assert "the compiled C core (approw._core) is missing" in run.stderr
    assert "Run your program from another directory" in run.stderr
    assert "pip install -e ." in run.stderr
