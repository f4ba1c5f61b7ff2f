"""The native window for real: ``serve --native`` under Xvfb opens pywebview's Qt window (Qt WebEngine), as root
too (Qt's Chromium sandbox would make the whole server exit after a few seconds), and a user signs in with the
keyboard. The download path of the window is tested in tests/test_ui_field.py (the URL's last segment is the name).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sts_snapshots.demo import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.server_process import free_port, stop_server, wait_healthy

OUTPUT = Path(__file__).resolve().parent.parent / "test-output"
TITLE = "STS Snapshots"


def _qt_window_available() -> bool:
    try:
        import webview  # noqa: F401
        from PyQt6 import QtWebEngineWidgets  # noqa: F401
    except ImportError:
        return False
    return True


pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(not (shutil.which("Xvfb") and shutil.which("xdotool")), reason="Xvfb and xdotool are needed "
                       "(scripts/system-deps.sh installs them)"),
    pytest.mark.skipif(not _qt_window_available(), reason="pywebview[qt] is not installed (the test extra has it)"),
]


@pytest.fixture
def display() -> Iterator[str]:
    """A virtual X screen of its own (``-displayfd`` picks a free display number)."""
    read, write = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1400x1000x24", "-nolisten", "tcp"],
                            pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    try:
        yield f":{number}"
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=10)


def _xdotool(display: str, *args: str) -> str:
    done = subprocess.run(["xdotool", *args], env={**os.environ, "DISPLAY": display}, capture_output=True, text=True,
                          timeout=30, check=False)
    return done.stdout.strip()


def _screenshot(display: str, name: str) -> Path:
    from PIL import ImageGrab

    OUTPUT.mkdir(exist_ok=True)
    path = OUTPUT / f"{name}.png"
    ImageGrab.grab(xdisplay=display).save(path)
    return path


def _signed_in(data_dir: Path) -> bool:
    """NiceGUI keeps a browser's ``app.storage.user`` in the data folder: the e-mail is there once signed in."""
    stored = (data_dir / ".nicegui").glob("storage-user-*")
    return any(ADMIN_EMAIL in path.read_text(errors="replace") for path in stored)


def test_the_native_window_opens_and_a_user_signs_in(tmp_path: Path, display: str) -> None:
    data_dir, port = tmp_path / "data", free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "NICEGUI_"))}
    env["DISPLAY"] = display
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen([sys.executable, "-m", "sts_snapshots", "serve", "--native", "--data-dir",
                                   str(data_dir), "--port", str(port), "--workers", "1"], stdout=out,
                                  stderr=subprocess.STDOUT, env=env, cwd=Path(__file__).parent.parent)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", server)
        deadline = time.monotonic() + 90
        window = ""
        while not window and time.monotonic() < deadline:
            time.sleep(1)
            window = _xdotool(display, "search", "--name", f"^{TITLE}$").split("\n")[0]
        assert window, f"no window named {TITLE!r} appeared; the server said:\n{log.read_text(errors='replace')}"
        time.sleep(5)  # Qt WebEngine draws the login page; as root without --no-sandbox the server exits by now
        assert server.poll() is None, log.read_text(errors="replace")
        _screenshot(display, "native-window-login")
        _xdotool(display, "windowfocus", "--sync", window)
        _xdotool(display, "type", "--delay", "20", ADMIN_EMAIL)  # the e-mail field has the focus when the page opens
        _xdotool(display, "key", "Tab")
        _xdotool(display, "type", "--delay", "20", ADMIN_PASSWORD)
        _xdotool(display, "key", "Return")
        while not _signed_in(data_dir) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert _signed_in(data_dir), "typing the demo admin's credentials into the window did not sign in"
        time.sleep(3)
        _screenshot(display, "native-window-rooms")
        assert server.poll() is None, log.read_text(errors="replace")
        if os.geteuid() == 0:
            assert "without the Chromium sandbox" in log.read_text(errors="replace")
    finally:
        stop_server(server)
