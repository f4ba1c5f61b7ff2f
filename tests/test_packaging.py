"""The packaged binary: built with PyInstaller from the current sources, run, and asked for a snapshot.

The one-folder build is used (it builds and starts faster than the one-file build; both come from the same
``build.spec`` Analysis). PyInstaller keeps its cache in ``build/test-binary``, so a second run with unchanged
sources only re-collects; a fresh checkout (CI) builds from scratch.
"""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pypdf
import pytest

ROOT = Path(__file__).resolve().parents[1]
ADMIN = {"username": "admin@sts-demo.example", "password": "demo-admin-pass"}

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="builds with bash and reads /proc"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def group_members(pgid: int) -> list[str]:
    """Command lines of the live processes in process group ``pgid`` (the server and its workers)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, IndexError):
            continue  # exited while we looked
        if int(fields[2]) == pgid and fields[0] != "Z":
            found.append(cmdline.strip())
    return found


def build_binary(dist: Path) -> Path:
    env = {**os.environ, "VENV": sys.prefix, "DISTPATH": str(dist), "WORKPATH": str(ROOT / "build" / "test-binary")}
    result = subprocess.run([str(ROOT / "scripts" / "build-binary.sh"), "onedir"], env=env, capture_output=True,
                            text=True, timeout=900, check=False)
    assert result.returncode == 0, f"build failed:\n{result.stdout}\n{result.stderr}"
    binary = dist / "sts-snapshots" / "sts-snapshots"
    assert binary.is_file()
    return binary


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], str, Path]]:
    """The built binary serving a fresh data folder (demo data seeded) with two render worker processes."""
    binary = build_binary(tmp_path / "dist")
    port = free_port()
    # As a user would start it: no settings from our environment, and no PYTEST_CURRENT_TEST, which puts NiceGUI
    # into its screen-test mode.
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("STS_", "PYTHON", "VIRTUAL_ENV", "PYTEST_", "NICEGUI_"))}
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([str(binary), "serve", "--port", str(port), "--data-dir", str(tmp_path / "data"),
                                 "--no-browser", "--workers", "2"], stdout=out, stderr=subprocess.STDOUT, env=env,
                                cwd=tmp_path, start_new_session=True)
    try:
        yield proc, f"http://127.0.0.1:{port}/api/v1", log
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if group_members(proc.pid):
            os.killpg(proc.pid, signal.SIGKILL)  # leftovers of a failed test; the test itself asserts there are none


def wait_until_healthy(proc: subprocess.Popen[bytes], base: str, log: Path) -> float:
    started = time.monotonic()
    while time.monotonic() - started < 120:
        assert proc.poll() is None, f"the binary exited with {proc.returncode}:\n{log.read_text()}"
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return time.monotonic() - started
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"no answer from {base}/health within 120 s:\n{log.read_text()}")


def test_binary_serves_and_renders_a_snapshot_in_a_worker_process(
        server: tuple[subprocess.Popen[bytes], str, Path]) -> None:
    proc, base, log = server
    wait_until_healthy(proc, base, log)
    with httpx.Client(base_url=base, timeout=30) as client:
        token = client.post("/auth/token", data=ADMIN).raise_for_status().json()["access_token"]
        client.headers["Authorization"] = f"Bearer {token}"
        room_id = client.get("/rooms").raise_for_status().json()[0]["id"]
        snapshot = client.post(f"/rooms/{room_id}/snapshots", json={"title": "Packaged binary check"})
        snapshot_id = snapshot.raise_for_status().json()["id"]
        deadline = time.monotonic() + 180
        while True:
            task = client.get(f"/snapshots/tasks/snapshot-{snapshot_id}").raise_for_status().json()
            if task["status"] in ("completed", "failed") or time.monotonic() > deadline:
                break
            time.sleep(0.25)
        assert task["status"] == "completed", f"{task}\n{log.read_text()}"
        pdf = client.get(f"/rooms/{room_id}/snapshots/{snapshot_id}/download").raise_for_status().content

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == task["result"]["pages"] > 1
    assert "Packaged binary check" in reader.pages[0].extract_text()
    # The PDF came from a spawned worker: the binary re-executed itself (freeze_support) as one.
    assert any("--multiprocessing-fork" in cmd for cmd in group_members(proc.pid)), group_members(proc.pid)

    proc.send_signal(signal.SIGTERM)
    # uvicorn shuts down gracefully, then re-raises the signal it caught: -SIGTERM is a clean stop here.
    assert proc.wait(timeout=30) in (0, -signal.SIGTERM)
    deadline = time.monotonic() + 10
    while group_members(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert group_members(proc.pid) == [], "worker processes outlived the server"
    output = log.read_text()
    assert "Traceback" not in output and " ERROR " not in output, output
