"""A part of a page that reloads its data in a thread and rebuilds itself from it in one go."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from nicegui import ui

from . import threads
from .island import Island

T = TypeVar("T")


class LiveSection(Generic[T]):
    """Rebuilt from fresh data in one go, so it never flashes empty (or jumps) while loading.

    ``load`` is blocking (it reads the stores) and runs in a thread; ``build`` makes the elements from its answer.
    """

    def __init__(self, load: Callable[[], T], build: Callable[[T], None], classes: str = "") -> None:
        self.load = load
        self.build = build
        self.data: T | None = None
        with Island():  # a reload re-renders this section in the browser, not the page around it
            self.container = ui.column().classes(f"w-full gap-4 {classes}")

    async def reload(self) -> None:
        data = await threads.io(self.load)
        if self.container.is_deleted:  # the page went away while the data was loading
            return
        self.data = data
        self.rebuild()

    def rebuild(self) -> None:
        self.container.clear()
        if self.data is None:  # not loaded yet, or the loader found nothing: an empty section
            return
        with self.container:
            self.build(self.data)
