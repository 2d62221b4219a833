"""Fixtures for the approw._core tests: local servers on free loopback ports."""

import datetime
import ipaddress
import json
import os
import subprocess
import sys
import urllib.request

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))


class Server:
    def __init__(self, proc, port, scheme="http"):
        self.proc = proc
        self.port = port
        self.url = f"{scheme}://127.0.0.1:{port}"

    def stats(self, ctx=None):
        with urllib.request.urlopen(self.url + "/stats", context=ctx, timeout=5) as r:
            return json.loads(r.read())

    def connections(self, ctx=None):
        return self.stats(ctx)["connections"]

    def slow_in_flight(self, ctx=None):
        """The paths of the requests to /slow the server has received and not answered yet."""
        return self.stats(ctx)["slow"]


def _start(args):
    proc = subprocess.Popen([sys.executable, os.path.join(HERE, "httpserver.py"), *args],
                            stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if not line:
        proc.kill()
        raise RuntimeError("test server did not start")
    return proc, int(line)


@pytest.fixture(scope="session")
def http_server():
    proc, port = _start([])
    yield Server(proc, port)
    proc.kill()
    proc.wait()


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1 / localhost, made here (by the openssl
    command where the cryptography package cannot be installed: free-threaded 3.13)."""
    d = tmp_path_factory.mktemp("tls")
    cert_path, key_path = d / "cert.pem", d / "key.pem"
    try:
        from cryptography import x509
    except ImportError:
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                        "-subj", "/CN=approw-test", "-keyout", str(key_path), "-out",
                        str(cert_path), "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                        "-addext", "basicConstraints=critical,CA:TRUE"],
                       check=True, capture_output=True, timeout=120)
        return str(cert_path), str(key_path)
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "approw-test")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([
            x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_path), str(key_path)


@pytest.fixture(scope="session")
def tls_server(tls_files):
    proc, port = _start(["--tls", *tls_files])
    yield Server(proc, port, "https")
    proc.kill()
    proc.wait()


@pytest.fixture()
def free_port():
    """A loopback port where nothing listens: connecting is refused. The socket stays bound
    (not listening) for the whole test, so no other process can take the port meanwhile."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        yield s.getsockname()[1]
