"""Real server processes for the fault tests: start, kill -9, restart, and find every process they left.

Each :class:`Fleet` puts a unique tag into its servers' environment. Spawned render workers inherit
it, so every process a test started can be found again in ``/proc`` (Linux) even after the server
died and its workers were re-parented, and killed by its id at the end.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.server_process import free_port, wait_healthy

TAG_VARIABLE = "FAULT_TEST_TAG"
ROOT = Path(__file__).resolve().parent.parent.parent
# A full disk, per file: set RLIMIT_FSIZE, then exec the real command (limits survive exec, and so does an
# ignored SIGXFSZ, so an oversized write raises OSError EFBIG instead of killing the process). Spawned render
# workers inherit both. Unlike subprocess's preexec_fn, this is safe while the test process runs threads.
LIMITED_LAUNCHER = """
import os, resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
os.execv(sys.argv[2], sys.argv[2:])
"""


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    data_dir: Path
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


@dataclass(frozen=True)
class Proc:
    pid: int
    start_ticks: int  # with the pid, identifies the process even if the pid is reused later
    cmdline: str


class Fleet:
    """Every server a test starts, and everything they spawn; :meth:`cleanup` leaves none running."""

    def __init__(self, workdir: Path) -> None:
        self.tag = uuid.uuid4().hex
        self.workdir = workdir
        self.servers: list[Server] = []

    def spawn(self, data_dir: Path, *, port: int | None = None, workers: int = 2, file_size_limit: int | None = None,
              extra_args: tuple[str, ...] = (), own_process_group: bool = False) -> Server:
        """Start ``python -m sts_snapshots serve`` (demo data seeded into an empty folder) without waiting.

        ``file_size_limit``: writing past this many bytes in any one file fails (see :data:`LIMITED_LAUNCHER`).
        ``own_process_group``: the server and its workers in a group of their own, as in a terminal, so that
        a test can signal the group as Ctrl+C does.
        """
        port = port or free_port()
        command = [sys.executable, "-m", "sts_snapshots", "serve", "--port", str(port), "--data-dir", str(data_dir),
                   "--no-browser", "--workers", str(workers), *extra_args]
        if file_size_limit is not None:
            command = [sys.executable, "-c", LIMITED_LAUNCHER, str(file_size_limit), *command]
        # NiceGUI switches to its test mode when it sees pytest's variables; the server must run as in production
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "NICEGUI_", "STS_"))}
        env[TAG_VARIABLE] = self.tag
        log_path = self.workdir / f"server-{len(self.servers) + 1}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                       env=env, cwd=ROOT, process_group=0 if own_process_group else None)
        server = Server(process, port, data_dir, log_path)
        self.servers.append(server)
        return server

    def start(self, data_dir: Path, **options: Any) -> Server:
        """Start a server and wait until ``/api/v1/health`` answers ok."""
        server = self.spawn(data_dir, **options)
        try:
            wait_healthy(server.url, server.process, timeout=90)
        except RuntimeError as exc:
            raise RuntimeError(f"{exc}\n--- server output ---\n{server.output()}") from None
        return server

    def kill9(self, server: Server) -> None:
        """SIGKILL the server process (not its workers: they must notice on their own)."""
        if server.alive():
            os.kill(server.pid, signal.SIGKILL)
        server.process.wait(timeout=10)

    def stop(self, server: Server) -> None:
        """A normal shutdown (SIGTERM), SIGKILL if it takes too long."""
        if server.alive():
            server.process.terminate()
            try:
                server.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill9(server)

    def processes(self) -> list[Proc]:
        """Live (non-zombie) processes carrying this fleet's tag: servers, render workers, resource trackers."""
        marker = f"{TAG_VARIABLE}={self.tag}".encode()
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                if marker not in (entry / "environ").read_bytes().split(b"\0"):
                    continue
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
            except OSError:  # gone meanwhile, or not ours to read
                continue
            if stat[0] != "Z":
                found.append(Proc(int(entry.name), int(stat[19]), cmdline))
        return found

    def wait_all_gone(self, timeout: float) -> list[Proc]:
        """Wait until no tagged process is left; returns those still alive after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while (left := self.processes()) and time.monotonic() < deadline:
            time.sleep(0.1)
        return left

    def cleanup(self) -> None:
        """Kill every server and every tagged process still alive, by pid, and reap what we can."""
        for server in self.servers:
            if server.alive():
                server.process.kill()
            server.process.wait(timeout=10)
        for proc in self.processes():
            try:
                if _start_ticks(proc.pid) == proc.start_ticks:
                    os.kill(proc.pid, signal.SIGKILL)
            except OSError:
                pass
        self.wait_all_gone(10)


def _start_ticks(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19])
