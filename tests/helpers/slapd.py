"""A throw-away OpenLDAP server (Debian's ``slapd``) for the LDAP and AD sign-in tests.

:func:`start` writes a ``slapd.conf`` and an LDIF of test users into a temporary directory,
loads them with ``slapadd`` and runs ``slapd -h ldap://127.0.0.1:PORT -f slapd.conf -d 0``
in the foreground (so it is this process's child, stopped by :meth:`Slapd.stop`).
"""

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import List, Optional

SUFFIX = "dc=example,dc=test"
PEOPLE = "ou=people," + SUFFIX
USERS = [  # (uid, password, cn, mail)
    ("alice", "wonder1and", "Alice Liddell", "alice@example.test"),
    ("bob", "bu1lder", "Bob Builder", None),
    ("carol", "ch0rds", "Carol Singer", "carol@example.test"),
]


def binary(name: str) -> Optional[str]:
    """The path of ``slapd`` / ``slapadd`` (they live in /usr/sbin, often not on PATH)."""
    return shutil.which(name) or next(
        (p for p in ("/usr/sbin/" + name, "/usr/local/sbin/" + name) if os.access(p, os.X_OK)), None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _ldif() -> str:
    parts = ["dn: %s\nobjectClass: dcObject\nobjectClass: organization\no: Example\ndc: example\n" % SUFFIX,
             "dn: %s\nobjectClass: organizationalUnit\nou: people\n" % PEOPLE]
    for uid, password, cn, mail in USERS:
        entry = ("dn: uid=%s,%s\nobjectClass: inetOrgPerson\nuid: %s\ncn: %s\nsn: %s\ngivenName: %s\n"
                 "userPassword: %s\n" % (uid, PEOPLE, uid, cn, cn.split()[-1], cn.split()[0], password))
        if mail:
            entry += "mail: %s\n" % mail
        parts.append(entry)
    return "\n".join(parts)


def _taken(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


class _PortTaken(Exception):
    """slapd could not bind its port: another process took it."""


class Slapd:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = _free_port()
        self.url = "ldap://127.0.0.1:%d" % self.port
        self.process: Optional[subprocess.Popen] = None

    def start(self) -> "Slapd":
        """Seed and start slapd. Its port is picked free here but bound by slapd later: another
        process can take it in between (slapd then exits), so a few ports are tried."""
        for attempt in range(5):
            try:
                return self._start(fresh=attempt == 0)
            except _PortTaken:
                self.port = _free_port()
                self.url = "ldap://127.0.0.1:%d" % self.port
        raise RuntimeError("slapd could not bind a free port in 5 tries")

    def _start(self, fresh: bool) -> "Slapd":
        slapd, slapadd = binary("slapd"), binary("slapadd")
        assert slapd and slapadd
        data = self.directory / "data"
        if not fresh:       # seeded on the first try already
            return self._run(slapd)
        data.mkdir()
        conf = self.directory / "slapd.conf"
        schema = "/etc/ldap/schema"
        conf.write_text("\n".join([
            "include %s/core.schema" % schema, "include %s/cosine.schema" % schema,
            "include %s/inetorgperson.schema" % schema,
            "pidfile %s/slapd.pid" % self.directory, "modulepath /usr/lib/ldap", "moduleload back_mdb",
            "database mdb", "maxsize 10485760", 'suffix "%s"' % SUFFIX,
            'rootdn "cn=admin,%s"' % SUFFIX, "rootpw admin-secret", "directory %s" % data, "",
        ]))
        seed = self.directory / "seed.ldif"
        seed.write_text(_ldif())
        subprocess.run([slapadd, "-f", str(conf), "-l", str(seed)], check=True, capture_output=True)
        return self._run(slapd)

    def _run(self, slapd: str) -> "Slapd":
        conf = self.directory / "slapd.conf"
        log = open(self.directory / "slapd.log", "wb")
        self.process = subprocess.Popen([slapd, "-h", self.url + "/", "-f", str(conf), "-d", "0"],
                                        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log.close()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                text = (self.directory / "slapd.log").read_text()
                if _taken(self.port):
                    raise _PortTaken(text)
                raise RuntimeError("slapd exited: %s" % text)
            if self._listening():
                socket.create_connection(("127.0.0.1", self.port), timeout=5).close()
                return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("slapd did not listen on %s" % self.url)

    def _listening(self) -> bool:
        """Whether slapd itself (not whoever else may have taken the port) listens on it: one
        of its sockets is in /proc/net/tcp, state LISTEN, on the port."""
        assert self.process is not None
        inodes = set()
        try:
            for fd in os.listdir("/proc/%d/fd" % self.process.pid):
                target = os.readlink("/proc/%d/fd/%s" % (self.process.pid, fd))
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
        except OSError:     # exited meanwhile
            return False
        with open("/proc/net/tcp") as table:
            for line in table.readlines()[1:]:
                fields = line.split()
                if (fields[3] == "0A" and int(fields[1].split(":")[1], 16) == self.port
                        and fields[9] in inodes):
                    return True
        return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def users() -> List[str]:
    return [u[0] for u in USERS]
