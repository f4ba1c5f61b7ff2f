"""The NiceGUI pages."""

from __future__ import annotations

from ..app import StsApp


def register_pages(sts: StsApp) -> None:
    from nicegui import ui

    @ui.page("/")
    def home() -> None:
        ui.label("STS Snapshots").classes("text-2xl")
        ui.label(f"{sts.rooms.rooms.count()} room(s). The REST API is at /api/v1 and documented at /docs.")
