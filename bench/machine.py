"""The machine a benchmark ran on: cores, CPU model, memory, Python, OS, and the date."""

from __future__ import annotations

import os
import platform
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path


def _first(path: str, prefix: str) -> str | None:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(prefix):
                return line.split(":", 1)[1].strip() if ":" in line else line.split("=", 1)[1].strip().strip('"')
    except OSError:
        return None
    return None


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def code_version() -> str:
    """The git commit the bench ran against (``+changes`` when the work tree differs from it)."""
    import subprocess

    repo = Path(__file__).resolve().parent.parent
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=repo, capture_output=True, text=True,
                                check=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "sts_snapshots"], cwd=repo,
                               capture_output=True, text=True, check=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return commit + ("+changes" if dirty else "")


def describe_machine() -> dict[str, str]:
    """Facts printed above every table. Linux facts come from /proc and /etc/os-release.

    >>> {"cores", "cpu", "python", "os", "date", "code"} <= set(describe_machine())
    True
    """
    memory = _first("/proc/meminfo", "MemTotal")
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "cores": f"{os.cpu_count()} logical ({usable} usable)",
        "cpu": _first("/proc/cpuinfo", "model name") or platform.processor() or "unknown",
        "memory": f"{int(memory.split()[0]) // 1024} MiB" if memory else "unknown",
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "os": f"{_first('/etc/os-release', 'PRETTY_NAME=') or platform.system()} (kernel {platform.release()})",
        "borb": _version("borb"),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "code": code_version(),
        "load": "{:.2f} / {:.2f} / {:.2f}".format(*os.getloadavg()) if hasattr(os, "getloadavg") else "unknown",
    }


def machine_line(facts: dict[str, str]) -> str:
    return (f"{facts['cpu']}, {facts['cores']} cores, {facts['memory']} RAM; {facts['python']}; {facts['os']}; "
            f"borb {facts['borb']}; code {facts.get('code', 'unknown')}; "
            f"load average at the end {facts.get('load', 'unknown')} (1/5/15 min); measured {facts['date']}")
