"""A real server process writes every file for its user alone, NiceGUI's session files included, while serving."""

from __future__ import annotations

import os
import stat
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.server_process import start_server, stop_server

pytestmark = pytest.mark.skipif(os.name != "posix" or sys.platform == "darwin", reason="POSIX file modes")


def test_files_written_while_serving_are_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    url, process = start_server(data, tmp_path / "server.log")
    try:
        with urllib.request.urlopen(f"{url}/login", timeout=10) as response:
            assert response.status == 200
        # The log is opened with the process's default mode, as NiceGUI's session files are written (write_text)
        log = data / "logs" / "backend.log"
        deadline = time.monotonic() + 10
        while not log.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        files = [p for p in data.rglob("*") if p.is_file() and not p.is_symlink()]
        assert log in files and len(files) > 3
        shared = {str(p.relative_to(data)): oct(stat.S_IMODE(p.stat().st_mode))
                  for p in files if p.stat().st_mode & 0o077}
        assert shared == {}, f"readable by others while serving: {shared}"
    finally:
        stop_server(process)
