"""A source build on a machine without the compiler or a -dev package stops at CMake's
configure step with one message naming the Debian/Ubuntu and Fedora/RHEL packages to install.

Each case configures the project (no compiling) in a private mount namespace where the
package's headers, CMake files and pkg-config files are hidden (``unshare --mount``, as root),
so the machine itself is never changed.
"""
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Dict, List

import pytest

REPO = Path(__file__).resolve().parents[1]
MULTIARCH = "/usr/lib/x86_64-linux-gnu"

# what to hide for each package: directories (an empty tmpfs over them) and files (/dev/null)
HIDE: Dict[str, List[str]] = {
    "curl": ["/usr/include/x86_64-linux-gnu/curl", "/usr/include/curl",
             MULTIARCH + "/pkgconfig/libcurl.pc"],
    "openssl": ["/usr/include/openssl", "/usr/include/x86_64-linux-gnu/openssl",
                MULTIARCH + "/pkgconfig/openssl.pc", MULTIARCH + "/pkgconfig/libssl.pc",
                MULTIARCH + "/pkgconfig/libcrypto.pc"],
    "cjson": ["/usr/include/cjson", MULTIARCH + "/cmake/cJSON", MULTIARCH + "/pkgconfig/libcjson.pc"],
    "python": [sysconfig.get_paths()["include"]],
}


def _usable() -> bool:
    if os.geteuid() != 0 or not shutil.which("unshare") or not shutil.which("cmake"):
        return False
    if not (REPO / "CMakeLists.txt").exists() or not os.path.isdir("/usr/include/cjson"):
        return False
    return subprocess.run(["unshare", "--mount", "true"], capture_output=True).returncode == 0


pytestmark = pytest.mark.skipif(not _usable(), reason="needs root, unshare, cmake, the source "
                                "tree and a Debian-style machine with the -dev packages")


def configure(tmp_path: Path, hide: List[str] = (), no_compiler: bool = False) -> subprocess.CompletedProcess:
    mounts = ["mount --make-rprivate /"]
    for name in hide:
        for path in HIDE[name]:
            if os.path.isdir(path):
                mounts.append(f"mount -t tmpfs none {path}")
            elif os.path.exists(path):
                mounts.append(f"mount --bind /dev/null {path}")
    env = {**os.environ}
    if no_compiler:
        env["CC"] = "/no/such/cc"
    script = "set -e; " + "; ".join(mounts) + '; exec "$@"'
    return subprocess.run(
        ["unshare", "--mount", "sh", "-c", script, "sh", "cmake", "-S", str(REPO),
         "-B", str(tmp_path / "build"), f"-DPython_EXECUTABLE={sys.executable}"],
        capture_output=True, text=True, env=env, timeout=120)


def message(result: subprocess.CompletedProcess) -> str:
    assert result.returncode != 0, result.stdout
    found = re.search(r"CMake Error at CMakeLists\.txt:\d+ \(message\):\n(.*?)\n\n", result.stderr, re.S)
    assert found, result.stderr
    return found.group(1)


def test_configures_with_everything_installed(tmp_path: Path) -> None:
    result = configure(tmp_path)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("hide,what,debian,fedora", [
    (["curl"], "libcurl (>= 7.80)", "libcurl4-openssl-dev", "libcurl-devel"),
    (["openssl"], "OpenSSL >= 3.0", "libssl-dev", "openssl-devel"),
    (["cjson"], "cJSON", "libcjson-dev", "cjson-devel"),
    (["python"], "Python's C headers (Python.h)", "python3-dev", "python3-devel"),
])
def test_one_missing_package(tmp_path: Path, hide: List[str], what: str, debian: str,
                             fedora: str) -> None:
    text = message(configure(tmp_path, hide))
    assert f"cannot be built from source here: {what} missing" in text
    assert f"Debian/Ubuntu:  sudo apt-get install {debian}\n" in text
    assert f"Fedora/RHEL:    sudo dnf install {fedora}\n" in text
    assert "pip install --only-binary=:all: approw-py-sdk" in text


def test_everything_missing_in_one_message(tmp_path: Path) -> None:
    result = configure(tmp_path, ["curl", "openssl", "cjson", "python"], no_compiler=True)
    text = message(result)
    assert "apt-get install build-essential python3-dev libcurl4-openssl-dev libssl-dev " \
           "libcjson-dev\n" in text
    assert "dnf install gcc python3-devel libcurl-devel openssl-devel cjson-devel\n" in text
    assert len(text.splitlines()) == 5
    # nothing else failed before it
    assert result.stderr.count("CMake Error") == 1
