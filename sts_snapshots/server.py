"""Running the server: single-instance lock, logging, banner, and ``ui.run`` with safe defaults."""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from collections.abc import MutableMapping
from typing import Any

import click

from .datadir import DataDirError, DataLayout
from .datadir.lock import AlreadyRunning, acquire_instance_lock
from .resources import static_dir
from .settings import Settings

log = logging.getLogger(__name__)
KEEP_ALIVE_S = 30

def native_available() -> bool:
    try:
        import webview  # noqa: F401
    except ImportError:
        return False
    return True


def resolve_native(requested: bool) -> tuple[bool, str | None]:
    """Whether to open a native window, and the message to print when we fall back to the browser."""
    if requested and not native_available():
        return False, ("Native window unavailable: pywebview is not installed (pip install -e '.[native]' in the "
                       "source folder; Windows needs WebView2, Linux needs Qt or GTK). Opening the browser instead.")
    return requested, None


def prepare_native(native_settings: dict[str, Any], env: MutableMapping[str, str], uid: int | None) -> list[str]:
    """Settings the native window needs before it starts; returns what to tell the user.

    pywebview blocks downloads unless the app allows them (Download would write no file). As root, Qt WebEngine's
    sandbox refuses to start and takes the server with it after a few seconds: it must run without one.

    >>> native, env = {}, {"QTWEBENGINE_CHROMIUM_FLAGS": "--disable-gpu"}
    >>> prepare_native(native, env, 0)[0].startswith("Running as root")
    True
    >>> native, env
    ({'ALLOW_DOWNLOADS': True}, {'QTWEBENGINE_CHROMIUM_FLAGS': '--disable-gpu --no-sandbox'})
    >>> prepare_native({}, {}, 1000)
    []
    """
    native_settings["ALLOW_DOWNLOADS"] = True
    if uid != 0:
        return []
    flags = env.get("QTWEBENGINE_CHROMIUM_FLAGS", "").split()
    if "--no-sandbox" not in flags:
        env["QTWEBENGINE_CHROMIUM_FLAGS"] = " ".join([*flags, "--no-sandbox"])
    return ["Running as root: the native window starts without the Chromium sandbox "
            f"(QTWEBENGINE_CHROMIUM_FLAGS={env['QTWEBENGINE_CHROMIUM_FLAGS']})."]


def lan_addresses() -> list[str]:
    found = set()
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.add(str(info[4][0]))
    except OSError:
        pass
    return sorted(a for a in found if not a.startswith("127."))


def run_server(settings: Settings) -> int:
    if os.name == "posix":
        # Everything the server writes is this user's alone: store files, PDFs, logs and NiceGUI's session files
        # (which say who is signed in; NiceGUI writes them with the default mode). The render workers inherit it.
        os.umask(0o077)
    layout = DataLayout(settings.data_dir)
    os.environ["NICEGUI_STORAGE_PATH"] = str(layout.nicegui_storage)
    from .app import create_app
    from .demo import DEMO_LOGINS
    from .logging_setup import setup_logging
    from .store import StoreCorruptError

    try:
        layout.prepare()
        lock = acquire_instance_lock(layout)
        setup_logging(layout.log_file, settings.log_level)
        sts = create_app(settings)
    except (DataDirError, StoreCorruptError, AlreadyRunning) as exc:
        click.echo(f"Error: {exc}", err=True)
        return 2

    native, warning = resolve_native(settings.native)
    if warning:
        click.echo(warning, err=True)
    url = f"http://{'127.0.0.1' if settings.host in ('0.0.0.0', '::') else settings.host}:{settings.port}"
    click.echo(f"STS Snapshots {sts.version} at {url}")
    if settings.host in ("0.0.0.0", "::"):
        for address in lan_addresses():
            click.echo(f"  on the LAN: http://{address}:{settings.port}")
    click.echo(f"Data folder: {layout.root}")
    demo_in_use = [d for d in DEMO_LOGINS if sts.users.authenticate(d.email, d.password)]
    for login in demo_in_use:
        click.echo(f"Demo login ({login.role}): {login.email} / {login.password}")
    if demo_in_use and settings.host not in ("127.0.0.1", "localhost", "::1"):
        click.secho("WARNING: the app is open to the network and demo passwords are still in use. "
                    "Change them (Users page) or remove the demo users.", fg="red", bold=True, err=True)

    from nicegui import app, ui

    kwargs: dict[str, Any] = {}
    if native:
        kwargs["native"] = True
        uid = os.geteuid() if hasattr(os, "geteuid") else None  # Windows has no root
        for message in prepare_native(app.native.settings, os.environ, uid):
            log.warning(message)
            click.echo(message, err=True)
    # uvicorn shuts down cleanly on SIGINT and SIGTERM, then raises the signal again for its caller. SIGTERM's
    # default action would end the process on the spot, before the render jobs still running had finished or
    # put their snapshots back in the queue; as an exception, it ends this call like Ctrl+C does.
    previous = signal.signal(signal.SIGTERM, _interrupt) if threading.current_thread() is threading.main_thread() \
        else None
    try:
        ui.run(host=settings.host, port=settings.port, show=settings.open_browser and not native,
               uvicorn_logging_level="warning", **ui_run_options(sts), **kwargs)
    except KeyboardInterrupt:
        pass
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    click.echo("STS Snapshots stopped.")
    del lock
    return 0


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def ui_run_options(sts: Any) -> dict[str, Any]:
    """The ``ui.run`` options every way of running the app shares (server, tests, packaged binary)."""
    icon = static_dir() / "favicon.svg"
    return {"reload": False, "title": "STS Snapshots", "fastapi_docs": False, "show_welcome_message": False,
            "language": "en-US", "storage_secret": sts.secret,
            "favicon": str(icon) if icon.exists() else None,
            # uvicorn would take X-Forwarded-For and -Proto from any loopback peer: only the proxies the
            # trusted_proxies setting names may say who the client is (the login throttle counts by it)
            "forwarded_allow_ips": sts.settings.trusted_proxies or "",
            # uvicorn closes an idle keep-alive connection after 5 s, as long as httpx keeps one for reuse: a
            # client sending on it just then gets the connection closed instead of an answer (seen at 100
            # requests in flight, when a busy event loop runs the close before reading the request). Longer than
            # the clients' own expiry, the client always lets go first.
            "timeout_keep_alive": KEEP_ALIVE_S}


