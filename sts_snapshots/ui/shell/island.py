"""A part of a page that the browser re-renders alone when something in it changes."""

from __future__ import annotations

from nicegui.element import Element

from ...resources import static_dir


# in static/ with the theme: shipped wherever the stylesheet is (the package, the PyInstaller bundle)
class Island(Element, component=static_dir() / "ui" / "island.js"):
    """A ``div`` that is its own Vue component.

    NiceGUI's browser side renders each plain element (``div``, ``span``: rows, columns, labels) in the render
    function of its nearest *component* ancestor (a Quasar element, ``ui.html``...). The room page's sections
    are plain divs up to the page itself, so one changed label re-rendered all of the page's 900 elements
    (0.5–0.9 s in Chromium on the test VM). Whatever changes after the page is built (a document row, the
    readiness box, the activity log, the dialogs) goes inside an island: a change then re-renders that island.

    ``contents`` (the default) makes the box itself invisible to the layout: its children lay out as if they
    were the parent's.
    """

    def __init__(self, contents: bool = True) -> None:
        super().__init__()
        if contents:
            self.classes("contents")
