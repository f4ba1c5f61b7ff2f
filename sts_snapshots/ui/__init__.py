"""The NiceGUI pages: one module per page, all registered by :func:`register_pages` (never at import time)."""

from __future__ import annotations

from ..app import StsApp


def register_pages(sts: StsApp) -> None:
    from nicegui import app

    from . import files, login_page, metrics_page, room_page, rooms_page, task_page, users_page

    for page in (login_page, rooms_page, room_page, task_page, metrics_page, users_page):
        page.register(sts)
    files.register_files(app, sts)
