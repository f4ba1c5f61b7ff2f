"""The cover's line on open merge conflicts (issue 19): a snapshot made while one is open says so under the banner;
the conflicts themselves head the "Requires attention" list, as far as it has room
(:func:`.cover_parts.attention`)."""

from __future__ import annotations

from sts_snapshots.domain.report_model import ReportModel
from sts_snapshots.report import theme
from sts_snapshots.report.canvas import PageCanvas, Style, wrap
from sts_snapshots.report.cover_parts import clip
from sts_snapshots.report.styles import Styles


def conflicts_note(canvas: PageCanvas, styles: Styles, top: float, model: ReportModel) -> float:
    """One red line when the room has open merge conflicts (none: nothing); returns where it ended."""
    found = model.get("conflicts") or []
    if not found:
        return top
    text = (f"{len(found)} OPEN MERGE CONFLICT{'S' if len(found) != 1 else ''} between installations: this "
            "installation's values are shown until an admin chooses on the room page")
    lines = clip(wrap(text, Style(styles.fonts[1], 8, theme.RED), theme.CONTENT_W), 2)
    return canvas.lines(theme.MARGIN_X, top - 9, lines, theme.CONTENT_W)
