"""Which CA bundle a verifying Session trusts when none is given, checked against a local TLS
server whose certificate is put into (or left out of) the system's store.

A libcurl built on Debian (as the one a binary wheel carries) looks for Debian's bundle; on
another distribution that file does not exist.  The Session then takes $SSL_CERT_FILE, or
libcurl's own default when it exists, or the first distribution bundle that exists.  The
store is changed only inside a private mount namespace of a child process (``unshare
--mount``, as root), so these tests never touch the machine's files.
"""

import json
import os
import shutil
import subprocess
import sys

import pytest

from approw import _core

DEBIAN = "/etc/ssl/certs/ca-certificates.crt"
OTHERS = ("/etc/pki/tls/certs/ca-bundle.crt", "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
          "/etc/pki/tls/cacert.pem")

CLIENT = r"""
import json, sys
from approw import _core
kwargs = json.loads(sys.argv[2])
s = _core.Session(**kwargs)
out = {"ca_file": s.ca_file}
try:
    out["status"] = s.request("GET", sys.argv[1] + "/echo").status
except _core.TLSError as e:
    out["error"] = str(e)
print(json.dumps(out))
"""


def _namespaces_work() -> bool:
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    return subprocess.run(["unshare", "--mount", "true"], capture_output=True).returncode == 0


pytestmark = pytest.mark.skipif(not _namespaces_work(),
                                reason="needs root and unshare --mount (a private mount namespace)")


def _client(server, setup: str, env=None, **kwargs):
    """Run CLIENT in a mount namespace after the shell commands `setup`."""
    script = f"set -e; mount --make-rprivate /; {setup}; exec \"$@\""
    result = subprocess.run(
        ["unshare", "--mount", "sh", "-c", script, "sh", sys.executable, "-c", CLIENT,
         server.url, json.dumps(kwargs)],
        capture_output=True, text=True, timeout=60, env={**os.environ, **(env or {})},
        cwd="/")   # not the repository's root, whose approw/ has no compiled core
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture()
def store_with_test_ca(tls_files, tmp_path):
    """The system's bundle plus the test server's CA."""
    path = tmp_path / "system-plus-test.pem"
    system = open(DEBIAN, "rb").read() if os.path.exists(DEBIAN) else b""
    path.write_bytes(system + b"\n" + open(tls_files[0], "rb").read())
    return str(path)


@pytest.mark.skipif(not os.path.exists(DEBIAN), reason="not a Debian-style store")
def test_default_is_the_system_store(tls_server, store_with_test_ca):
    # the store as it is: the test CA is not in it
    out = _client(tls_server, "true")
    assert out["ca_file"] == DEBIAN and "status" not in out, out
    assert "certificate" in out["error"]
    # the test CA added to the system's store: verified with no option given
    out = _client(tls_server, f"mount --bind {store_with_test_ca} {DEBIAN}")
    assert out == {"ca_file": DEBIAN, "status": 200}


@pytest.mark.skipif(any(os.path.exists(p) for p in OTHERS),
                    reason="this machine has a Fedora-style store too")
@pytest.mark.parametrize("bundle", ["/etc/ssl/ca-bundle.pem", "/etc/ssl/cert.pem"])
def test_another_distributions_store_is_found(tls_server, tls_files, bundle):
    # /etc/ssl replaced by an empty file system: libcurl's default (Debian's path) is gone
    setup = f"mount -t tmpfs none /etc/ssl; cp {tls_files[0]} {bundle}"
    assert _client(tls_server, setup) == {"ca_file": bundle, "status": 200}


@pytest.mark.skipif(any(os.path.exists(p) for p in OTHERS),
                    reason="this machine has a Fedora-style store too")
def test_no_store_fails_verification_clearly(tls_server, tls_files):
    out = _client(tls_server, "mount -t tmpfs none /etc/ssl")
    assert out["ca_file"] is None and "status" not in out, out
    # a bundle given explicitly (e.g. certifi.where()) still works
    out = _client(tls_server, "mount -t tmpfs none /etc/ssl", ca_file=tls_files[0])
    assert out == {"ca_file": tls_files[0], "status": 200}


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_given_bundle_alone_is_trusted(tls_server, tls_files, tmp_path):
    # The test CA only in the system's hashed directory (/etc/ssl/certs/<hash>.0), the system
    # bundle file holding some other CA: by default both count ...
    other = tmp_path / "other-ca.pem"
    other.write_bytes(open(DEBIAN, "rb").read() if os.path.exists(DEBIAN) else b"")
    subject_hash = subprocess.run(["openssl", "x509", "-hash", "-noout", "-in", tls_files[0]],
                                  capture_output=True, text=True, check=True).stdout.strip()
    setup = (f"mount -t tmpfs none /etc/ssl; mkdir /etc/ssl/certs; cp {other} {DEBIAN}; "
             f"cp {tls_files[0]} /etc/ssl/certs/{subject_hash}.0")
    assert _client(tls_server, setup) == {"ca_file": DEBIAN, "status": 200}
    # ... but a bundle given is the only one trusted (as requests' verify=path)
    out = _client(tls_server, setup, ca_file=str(other))
    assert out["ca_file"] == str(other) and "status" not in out, out


def test_ssl_cert_file_wins(tls_server, tls_files):
    out = _client(tls_server, "true", env={"SSL_CERT_FILE": tls_files[0]})
    assert out == {"ca_file": tls_files[0], "status": 200}
    # a name that is not a readable file is ignored
    out = _client(tls_server, "true", env={"SSL_CERT_FILE": "/nonexistent.pem"})
    assert out["ca_file"] != "/nonexistent.pem" and "status" not in out


def test_no_verification_no_bundle(tls_server):
    assert _core.Session(verify=False).ca_file is None
    assert _client(tls_server, "true", verify=False) == {"ca_file": None, "status": 200}
