"""A throwaway PostgreSQL cluster for the distributed mode's tests, started once per test run and always stopped.

PostgreSQL refuses to run as root: as root (CI) the cluster's folder is given to the ``postgres`` user and
``initdb``/``pg_ctl`` run through ``runuser -u postgres``; a developer who is not root runs them directly. It
listens on a free port of 127.0.0.1 and on a socket folder of its own (Debian's own cluster may hold 5432).
Each test gets a database of its own from :meth:`Cluster.new_database`.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "sts"


def postgres_bin() -> Path | None:
    """The folder of ``initdb`` and ``pg_ctl`` (Debian: /usr/lib/postgresql/<version>/bin), newest version first."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name)
                   if p.parent.parent.name.isdigit() else 0, reverse=True)
    if found:
        return found[0].parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Cluster:
    folder: Path
    port: int
    bin: Path
    as_root: bool

    @property
    def url(self) -> str:
        """The superuser's URL of the ``postgres`` database (password authentication, over TCP)."""
        return self.url_of("postgres")

    def url_of(self, database: str) -> str:
        return f"postgresql://{SUPERUSER}:{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True, timeout=120)

    def sql(self, statement: str, database: str = "postgres") -> str:
        done = subprocess.run([str(self.bin / "psql"), "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1",
                               "-c", statement, self.url_of(database)], check=False, capture_output=True, text=True,
                              timeout=60)
        if done.returncode:
            raise RuntimeError(f"psql failed: {done.stderr.strip()}")
        return done.stdout.strip()

    def new_database(self) -> str:
        """A new empty database; its URL."""
        name = "t_" + uuid.uuid4().hex[:12]
        self.sql(f"CREATE DATABASE {name}")
        return self.url_of(name)

    def start(self) -> None:
        self.run("pg_ctl", "-D", str(self.folder / "data"), "-l", str(self.folder / "log"), "-w", "-t", "60",
                 "-o", f"-p {self.port} -k {self.folder / 'socket'} -c listen_addresses=127.0.0.1 "
                       f"-c fsync=on -c max_connections=300", "start")

    def stop(self, mode: str = "fast") -> None:
        self.run("pg_ctl", "-D", str(self.folder / "data"), "-m", mode, "-w", "-t", "60", "stop", check=False)


@contextmanager
def running_cluster() -> Iterator[Cluster]:
    """Start a new cluster in a temporary folder; stop it and remove the folder afterwards, pass or fail."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL is not installed (scripts/system-deps.sh installs Debian's postgresql)")
    as_root = os.geteuid() == 0
    folder = Path(tempfile.mkdtemp(prefix="sts-pg-"))
    (folder / "socket").mkdir()
    password_file = folder / "pw"
    password_file.write_text(SUPERUSER + "\n")
    if as_root:
        shutil.chown(folder, "postgres", "postgres")
        for path in (folder / "socket", password_file):
            shutil.chown(path, "postgres", "postgres")
    cluster = Cluster(folder=folder, port=_free_port(), bin=bin_dir, as_root=as_root)
    try:
        cluster.run("initdb", "-D", str(folder / "data"), "-U", SUPERUSER, "--pwfile", str(password_file),
                    "-A", "scram-sha-256", "-E", "UTF8", "--locale", "C.UTF-8", "--no-instructions")
        cluster.start()
        yield cluster
    finally:
        cluster.stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)
