"""Process facts from /proc (Linux): resident memory of the server and of its render worker processes."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

PROC = Path("/proc")


def rss_kb(pid: int) -> int | None:
    """Resident set size of ``pid`` in KiB, or None when the process is gone."""
    try:
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def children(pid: int) -> list[int]:
    """Direct children of ``pid`` (scans /proc/*/stat; the field after the command name is the parent id)."""
    found = []
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[-1].split()
        if len(fields) > 1 and fields[1] == str(pid):
            found.append(int(entry.name))
    return found


def cmdline(pid: int) -> str:
    try:
        return (PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def render_workers(server_pid: int) -> list[int]:
    """The server's spawned render workers (``spawn_main``), not multiprocessing's resource tracker."""
    return [pid for pid in children(server_pid) if "spawn_main" in cmdline(pid)]


def worker_rss(server_pid: int) -> dict[int, int]:
    """``{pid: rss_kb}`` of every live render worker of ``server_pid``."""
    sizes = {pid: rss_kb(pid) for pid in render_workers(server_pid)}
    return {pid: kb for pid, kb in sizes.items() if kb is not None}


class WorkerSampler:
    """Samples the render workers' RSS in a thread; keeps the peak since the last :meth:`take_peak`."""

    def __init__(self, server_pid: int, interval: float = 0.05) -> None:
        self.server_pid = server_pid
        self.interval = interval
        self.pids_seen: set[int] = set()
        self._peak_one = 0
        self._peak_total = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def __enter__(self) -> WorkerSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            time.sleep(self.interval)

    def sample(self) -> dict[int, int]:
        sizes = worker_rss(self.server_pid)
        with self._lock:
            self.pids_seen.update(sizes)
            if sizes:
                self._peak_one = max(self._peak_one, *sizes.values())
                self._peak_total = max(self._peak_total, sum(sizes.values()))
        return sizes

    def take_peak(self) -> tuple[int, int]:
        """(largest single worker, largest sum of workers) in KiB since the last call; resets both."""
        with self._lock:
            peaks = (self._peak_one, self._peak_total)
            self._peak_one = self._peak_total = 0
        return peaks


def _cpu_fields(pid: int) -> list[str] | None:
    try:
        return (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[-1].split()
    except OSError:
        return None


def cpu_seconds(server_pid: int) -> dict[str, float]:
    """CPU seconds used so far by the server process itself and by its render workers (live ones, plus the
    ones that exited and were reaped, which the kernel adds to the server's children time)."""
    tick = os.sysconf("SC_CLK_TCK")
    own = _cpu_fields(server_pid)
    if own is None:
        return {"server": 0.0, "workers": 0.0}
    workers = (int(own[13]) + int(own[14])) / tick
    for pid in render_workers(server_pid):
        fields = _cpu_fields(pid)
        if fields is not None:
            workers += (int(fields[11]) + int(fields[12])) / tick
    return {"server": (int(own[11]) + int(own[12])) / tick, "workers": workers}
