"""verify --url and monitor --once against the real server process; readable errors when it is not there."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from sts_snapshots.cli import main
from tests.server_process import free_port, start_server, stop_server


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_verify_and_monitor_a_running_server(tmp_path: Path) -> None:
    data = tmp_path / "data"
    url, process = start_server(data, tmp_path / "server.log")
    try:
        code, out = run("verify", "--data-dir", str(data), "--url", url)
        assert code == 0 and "✓ server answers /api/v1/health: status ok" in out, out
        token = run("token", "admin@sts-demo.example", "--data-dir", str(data))[1].strip()
        code, out = run("monitor", "--url", url, "--token", token, "--once")
        assert code == 0, out
        assert "Server         ok" in out and "Cache hit rate" in out and "MB resident" in out
        assert "Disk free" in out and "n/a" not in out
        code, out = run("monitor", "--url", url, "--token", "not-a-token", "--once")
        assert code == 1 and "token was refused" in out
        member = run("token", "ingrid.orsted@skagen-sts.example", "--data-dir", str(data))[1].strip()
        code, out = run("monitor", "--url", url, "--token", member, "--once")
        assert code == 1 and "admin" in out
    finally:
        stop_server(process)


def test_monitor_and_verify_say_when_no_server_answers(tmp_path: Path) -> None:
    nobody = f"http://127.0.0.1:{free_port()}"
    code, out = run("monitor", "--url", nobody, "--token", "x", "--once")
    assert code == 1 and "is not answering" in out and "Traceback" not in out
    code, out = run("monitor", "--url", nobody, "--once")
    assert code == 2 and "sts-snapshots token" in out
    code, out = run("verify", "--data-dir", str(tmp_path), "--url", nobody)
    assert code == 1 and "✗ data folder" in out and "not an STS Snapshots data folder" in out
    assert run("users", "list", "--data-dir", str(tmp_path))[0] == 0  # prepares an empty data folder
    code, out = run("verify", "--data-dir", str(tmp_path), "--url", nobody)
    assert code == 1 and "7 of 8 checks passed" in out and "✗ server answers /api/v1/health" in out


def test_ctrl_c_stops_the_monitor_quietly_even_while_it_waits_for_an_answer() -> None:
    with socket.socket() as silent:  # accepts connections, never answers: the monitor waits in its fetch
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        monitor = subprocess.Popen([sys.executable, "-m", "sts_snapshots", "monitor", "--url", url, "--token", "t"],
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        time.sleep(1.5)
        monitor.send_signal(signal.SIGINT)
        output, _ = monitor.communicate(timeout=30)
    assert monitor.returncode == 0, output
    assert b"Aborted" not in output and b"Traceback" not in output, output
