"""Top-to-bottom page flow with tables that continue across pages, repeating their header row.

borb 3 lays a table out as one block and asserts (``... is too tall``) when it is taller than a page. Here every
row is measured from its already-wrapped lines, a row that does not fit goes to the next page under a repeated
header, and a row taller than a whole page (a very long note) is split between pages line by line, so text is
never cut.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import takewhile
from typing import Any

from borb.pdf import Color, Document, Page

from sts_snapshots.report import theme
from sts_snapshots.report.canvas import Line, PageCanvas, Style, wrap
from sts_snapshots.report.composed import Composed, Text, concat, plain
from sts_snapshots.report.fonts import MeasuredFont

PAD_X = 4.0
PAD_Y = 3.5
# Split a row that does not fit rather than move it when at least this much of the page is left (points).
SPLIT_IF_LEFT = 220


@dataclass(frozen=True)
class Column:
    """A table column: header title, width in points, text alignment ("left" or "right")."""

    title: str
    width: float
    align: str = "left"


@dataclass
class Row:
    """Wrapped cell contents; a single cell in a multi-column table spans the whole row."""

    cells: list[list[Line]]
    fill: Color | None = None
    rule: bool = True

    def height(self) -> float:
        """Height of the row including cell padding."""
        return max((sum(line.height for line in cell) for cell in self.cells), default=0) + 2 * PAD_Y


@dataclass
class Table:
    """Column layout plus helpers that wrap cell text to the right width."""

    columns: Sequence[Column]
    header_style: Style
    rows: list[Row] = field(default_factory=list)

    def inner_width(self, index: int | None) -> float:
        """Text width inside column ``index`` (None: the full row, for spanning cells)."""
        width = sum(c.width for c in self.columns) if index is None else self.columns[index].width
        return width - 2 * PAD_X

    def cell(self, index: int | None, *parts: tuple[Text, Style] | tuple[Text, Style, Color | None]) -> list[Line]:
        """Wrap each (text, style[, badge colour]) part to the column and stack them; a text is plain or a composed
        line (:class:`~.composed.Composed`)."""
        lines: list[Line] = []
        for part in parts:
            text, style = part[0], part[1]
            badge = part[2] if len(part) > 2 else None
            if plain(text):
                lines += wrap(text, style, self.inner_width(index), badge=badge)
        return lines

    def add(self, *cells: list[Line], fill: Color | None = None, rule: bool = True) -> None:
        """Append a row (one cell per column, or a single spanning cell)."""
        assert len(cells) in (1, len(self.columns)), "a row has one cell per column or one spanning cell"
        self.rows.append(Row(list(cells), fill, rule))

    def header(self) -> Row | None:
        """The header row, wrapped; None for a table without column titles (label/value grids)."""
        if not any(c.title for c in self.columns):
            return None
        return Row([self.cell(i, (c.title, self.header_style)) for i, c in enumerate(self.columns)], theme.HEAD_FILL)


class Flow:
    """Places blocks from the top of the page down, adding pages (with their decoration) as needed."""

    def __init__(self, doc: Document, fonts: tuple[MeasuredFont, ...], decorate: Callable[[PageCanvas], None]) -> None:
        """``decorate`` paints the running header/footer on every new page."""
        self.doc = doc
        self.fonts = fonts
        self.decorate = decorate
        self.page_count = 0
        self.table_start_page = 0
        self.canvas: PageCanvas
        self.y = 0.0
        self.new_page()

    def new_page(self) -> None:
        """Start a new page and put the cursor at the top of the content area."""
        page = Page(width_in_points=theme.PAGE_W, height_in_points=theme.PAGE_H)
        self.doc.append_page(page)
        self.canvas = PageCanvas(page, self.fonts)
        self.decorate(self.canvas)
        self.page_count += 1
        self.y = theme.CONTENT_TOP

    @property
    def at_top(self) -> bool:
        """True when nothing has been placed on the current page yet."""
        return self.y >= theme.CONTENT_TOP

    @property
    def left(self) -> float:
        """Space left on the current page, in points."""
        return self.y - theme.CONTENT_BOTTOM

    def ensure(self, height: float) -> None:
        """Start a new page unless ``height`` points are left on this one."""
        if self.left < height and not self.at_top:
            self.new_page()

    def gap(self, height: float) -> None:
        """Vertical space between blocks (swallowed at the top of a page)."""
        if not self.at_top:
            self.y -= min(height, self.left)

    def lines(self, lines: list[Line], x: float = theme.MARGIN_X, width: float = theme.CONTENT_W) -> None:
        """Paint lines of text, continuing on the next page when the page is full."""
        for line in lines:
            self.ensure(line.height)
            self.y = self.canvas.lines(x, self.y, [line], width)

    def heading(self, lines: list[Line], keep: float, rule: Color | None = None, indent: float = 0) -> None:
        """Paint a heading, on the next page unless ``keep`` points of what follows fit under it."""
        self.ensure(sum(line.height for line in lines) + keep)
        self.y = self.canvas.lines(theme.MARGIN_X + indent, self.y, lines, theme.CONTENT_W - indent)
        if rule is not None:
            self.canvas.hline(theme.MARGIN_X, theme.MARGIN_X + theme.CONTENT_W, self.y + 1, rule, 0.8)
            self.y -= 4

    def table(self, table: Table, lead: list[Line] | None = None) -> None:
        """Paint ``table``; its header row is repeated on every page the table reaches.

        ``lead`` (a caption) is kept on the same page as the header and the start of the first row.
        """
        header = table.header()
        header_h = header.height() if header is not None else 0
        capacity = theme.CONTENT_TOP - theme.CONTENT_BOTTOM - header_h
        first = table.rows[0].height() if table.rows else 0
        lead = lead or []
        self.ensure(sum(line.height for line in lead) + header_h + min(first, 60))
        self.table_start_page = self.page_count - 1
        if lead:
            self.y = self.canvas.lines(theme.MARGIN_X, self.y, lead, theme.CONTENT_W)
        if header is not None:
            self._row(table, header)
        for index, row in enumerate(table.rows):
            # zebra striping for rows that do not choose their own fill
            pending = Row(row.cells, theme.ZEBRA, row.rule) if row.fill is None and index % 2 == 1 else row
            while True:
                height = pending.height()
                if height <= self.left:
                    self._row(table, pending)
                    break
                if height > capacity or self.left >= SPLIT_IF_LEFT:
                    title = self._title_of(pending)
                    head, pending = self._split(pending, self.left)
                    if head is not None:
                        self._row(table, head)
                        pending = self._mark_continued(table, pending, title)
                self.new_page()
                if header is not None:
                    self._row(table, header)

    @staticmethod
    def _split(row: Row, room: float) -> tuple[Row | None, Row]:
        """Cut ``row`` so its first part fits in ``room`` points: (part to paint now or None, remainder)."""
        now: list[list[Line]] = []
        later: list[list[Line]] = []
        for cell in row.cells:
            used = 0.0
            count = 0
            for line in cell:
                if used + line.height > room - 2 * PAD_Y:
                    break
                used += line.height
                count += 1
            now.append(cell[:count])
            later.append(cell[count:])
        if not any(now):
            return None, row
        return Row(now, row.fill, rule=False), Row(later, row.fill, row.rule)

    @staticmethod
    def _title_of(row: Row) -> Text:
        """The entry's title: the leading lines of the first cell that share the first line's style."""
        cell = row.cells[0] if row.cells else []
        if not cell:
            return ""
        lines = [line.content for line in takewhile(lambda line: line.style == cell[0].style, cell)]
        if all(isinstance(line, str) for line in lines):
            return " ".join(plain(line) for line in lines)
        return Composed.join(" ", lines)

    @staticmethod
    def _mark_continued(table: Table, row: Row, title: Text) -> Row:
        """Label the rest of a split row so the reader knows which entry continues on the new page."""
        if row.cells and not row.cells[0]:
            style = Style(table.header_style.font, 7, theme.MUTED)
            label = concat(title, " (continued)") if plain(title) else "(continued)"
            row.cells[0] = wrap(label, style, table.inner_width(0 if len(row.cells) > 1 else None))
        return row

    def _row(self, table: Table, row: Row) -> None:
        """Paint one row at the cursor and move the cursor below it."""
        height = row.height()
        top = self.y
        x: float = theme.MARGIN_X
        total = sum(c.width for c in table.columns)
        if row.fill is not None:
            self.canvas.rect(x, top - height, total, height, fill=row.fill)
        if len(row.cells) == 1 and len(table.columns) > 1:
            self.canvas.lines(x + PAD_X, top - PAD_Y, row.cells[0], total - 2 * PAD_X)
        else:
            for column, cell in zip(table.columns, row.cells, strict=True):
                self.canvas.lines(x + PAD_X, top - PAD_Y, cell, column.width - 2 * PAD_X, align=column.align)
                x += column.width
        if row.rule:
            self.canvas.hline(theme.MARGIN_X, theme.MARGIN_X + total, top - height, theme.RULE)
        self.y = top - height


def fit_columns(spec: Sequence[tuple[Any, ...]], total: float = theme.CONTENT_W) -> list[Column]:
    """Turn (title, relative weight[, align]) into columns whose widths add up to ``total`` points.

    >>> [c.width for c in fit_columns([("A", 1), ("B", 3)], total=100)]
    [25.0, 75.0]
    """
    weight = sum(s[1] for s in spec)
    return [Column(s[0], round(total * s[1] / weight, 2), s[2] if len(s) > 2 else "left") for s in spec]


__all__ = ["Column", "Flow", "Row", "Table", "fit_columns", "wrap"]
