"""The real server as a subprocess: a free loopback port, its own data folder, stopped by its own process id."""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
log = logging.getLogger("bench")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class ServerOptions:
    """What the bench varies. Everything else is the app's default."""

    workers: int = 2
    max_concurrent: int = 2
    recycle_after: int = 20

    def describe(self) -> str:
        return (f"workers={self.workers}, max_concurrent_generations={self.max_concurrent}, "
                f"worker_recycle_after={self.recycle_after}")


class Server:
    """``python -m sts_snapshots serve`` on 127.0.0.1 with ``data_dir``; a context manager."""

    def __init__(self, data_dir: Path, options: ServerOptions = ServerOptions()) -> None:
        self.data_dir = data_dir
        self.options = options
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = data_dir.parent / f"{data_dir.name}-server.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def command(self) -> list[str]:
        return [sys.executable, "-m", "sts_snapshots", "serve", "--host", "127.0.0.1", "--port", str(self.port),
                "--data-dir", str(self.data_dir), "--no-browser", "--workers", str(self.options.workers),
                "--log-level", "WARNING"]

    def start(self, timeout: float = 90) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("STS_")}
        env |= {"STS_MAX_CONCURRENT_GENERATIONS": str(self.options.max_concurrent),
                "STS_WORKER_RECYCLE_AFTER": str(self.options.recycle_after), "PYTHONUNBUFFERED": "1"}
        with open(self.log_path, "ab") as out:
            self.process = subprocess.Popen(self.command(), cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}; see {self.log_path}:\n"
                                   + self.log_path.read_text(errors="replace")[-2000:])
            try:
                if httpx.get(f"{self.base_url}/api/v1/health", timeout=2).status_code == 200:
                    log.info("server pid %d up on port %d (%s)", self.pid, self.port, self.options.describe())
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the server did not answer within {timeout} s; see {self.log_path}")

    def stop(self) -> None:
        """SIGTERM to the server; then SIGKILL to its process group (its render workers) by the group's id."""
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(process.pid, signal.SIGKILL)  # the session we started: the server and its workers only
        except (ProcessLookupError, PermissionError):
            pass
        process.wait(timeout=15)

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
