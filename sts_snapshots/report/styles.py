"""The report's text styles, built from the regular and bold font chains (:mod:`~.fonts`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sts_snapshots.report import theme
from sts_snapshots.report.canvas import Style
from sts_snapshots.report.fonts import MeasuredFont, load_fonts


@dataclass(frozen=True)
class Styles:
    """Named text styles; ``fonts`` is (regular, bold) in page-resource order."""

    fonts: tuple[MeasuredFont, MeasuredFont]
    body: Style
    strong: Style
    small: Style
    tiny: Style
    table_head: Style
    label: Style
    badge: Style
    section: Style
    group: Style
    running: Style
    running_strong: Style
    alert: Style
    warn: Style


def make_styles(fonts_dir: Path) -> Styles:
    """Load the fonts from ``fonts_dir`` (cached per process) and derive the styles."""
    regular, bold = load_fonts(fonts_dir)
    return Styles(
        fonts=(regular, bold),
        body=Style(regular, 8, theme.INK),
        strong=Style(bold, 8, theme.INK),
        small=Style(regular, 7, theme.MUTED),
        tiny=Style(regular, 6.5, theme.MUTED),
        table_head=Style(bold, 7.5, theme.NAVY),
        label=Style(bold, 7.5, theme.MUTED),
        badge=Style(bold, 7, theme.WHITE),
        section=Style(bold, 12.5, theme.NAVY, leading=1.6),
        group=Style(bold, 9, theme.INK, leading=1.8),
        running=Style(regular, 7, theme.MUTED),
        running_strong=Style(bold, 7.5, theme.NAVY),
        alert=Style(bold, 7, theme.RED),
        warn=Style(bold, 7, theme.AMBER),
    )
