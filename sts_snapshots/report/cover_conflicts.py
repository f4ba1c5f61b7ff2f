"""The cover's note of open merge conflicts (issue 19): a snapshot made while one is open says so, under the banner."""

from __future__ import annotations

from sts_snapshots.domain.report_model import ReportModel
from sts_snapshots.report import theme
from sts_snapshots.report.canvas import PageCanvas, Style, wrap
from sts_snapshots.report.cover_parts import clip
from sts_snapshots.report.styles import Styles

MAX_LINES = 4


def conflicts_note(canvas: PageCanvas, styles: Styles, top: float, model: ReportModel) -> float:
    """Print the open merge conflicts of the room (none: nothing) from ``top`` down; returns where it ended."""
    found = model.get("conflicts") or []
    if not found:
        return top
    x, w = theme.MARGIN_X, theme.CONTENT_W
    heading = (f"{len(found)} OPEN MERGE CONFLICT{'S' if len(found) != 1 else ''}: two installations changed the "
               "same field differently; the value below is this installation's until an admin chooses")
    y = canvas.lines(x, top - 10, clip(wrap(heading, Style(styles.fonts[1], 8.5, theme.RED), w), 2), w)
    text = Style(styles.fonts[0], 8, theme.RED)
    lines = [line for entry in found[:MAX_LINES] for line in clip(wrap(f"• {entry}", text, w), 2)]
    if len(found) > MAX_LINES:
        lines += wrap(f"+ {len(found) - MAX_LINES} more: see the room page", text, w)
    return canvas.lines(x, y - 1, lines, w)
