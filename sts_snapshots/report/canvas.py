"""Drawing primitives on a borb Page: wrapped text lines, filled/stroked rectangles, rules.

Text is shaped by HarfBuzz (:mod:`~.shaping`) and kept on the page as :class:`~.textops.TextPiece` objects: the
embedded fonts are subsets renumbering their glyphs, so glyph ids can only be written once every page of the
document is drawn. :func:`~.borb_setup.write_document` then serialises each :class:`PageContent`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from borb.pdf import Color, Page
from borb.pdf.primitives import stream

from sts_snapshots.report.faces import Face
from sts_snapshots.report.fonts import MeasuredFont
from sts_snapshots.report.linebreak import split_word
from sts_snapshots.report.shaping import shape
from sts_snapshots.report.textops import TextPiece, TextWriter


@dataclass(frozen=True)
class Style:
    """Font, size (pt), colour and line height factor of a run of text."""

    font: MeasuredFont
    size: float
    color: Color
    leading: float = 1.3

    @property
    def line_height(self) -> float:
        """Vertical advance of one line, in points."""
        return round(self.size * self.leading, 2)


@dataclass(frozen=True)
class Line:
    """One laid-out line of text; ``badge`` draws a filled label behind it (status pills)."""

    text: str
    style: Style
    badge: Color | None = None

    @property
    def height(self) -> float:
        """Vertical space the line takes (badges get extra room for their padding)."""
        return self.style.line_height + (3 if self.badge is not None else 0)

    @property
    def width(self) -> float:
        """Painted width of the text in points."""
        return self.style.font.width(self.text, self.style.size)


def _clean(text: str) -> str:
    """NFC, with tabs and control characters as spaces and every line separator as a newline."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n")).replace("\u2028", "\n").replace("\u2029", "\n")
    return "".join(" " if c != "\n" and unicodedata.category(c) == "Cc" else c for c in text)


def _paragraph_lines(paragraph: str, style: Style, width: float) -> list[str]:
    """Break one paragraph (words separated by single spaces) into lines no wider than ``width``."""
    if not paragraph:
        return [""]
    shaped = shape(style.font, paragraph)
    scale = style.size / 1000
    prefix = [0.0]
    for advance in shaped.advances:
        prefix.append(prefix[-1] + advance * scale)

    def fits(a: int, b: int) -> bool:
        return prefix[b] - prefix[a] <= width

    # break opportunities: (offset where a line may end, offset where the next line starts)
    breaks: list[tuple[int, int]] = []
    start = 0
    for word in paragraph.split(" "):
        end = start + len(word)
        if not fits(start, end):
            breaks += [(cut, cut) for cut in split_word(word, start, fits)]
        breaks.append((end, end + 1))
        start = end + 1
    lines: list[str] = []
    line_start = 0
    last: tuple[int, int] | None = None
    for brk in breaks:
        if last is not None and not fits(line_start, brk[0]):
            lines.append(paragraph[line_start : last[0]])
            line_start = last[1]
        last = brk
    lines.append(paragraph[line_start:])
    return _settle(lines, style, width)


def _settle(lines: list[str], style: Style, width: float) -> list[str]:
    """Move a line's last word down while its own shaped width (joining forms differ at line ends) overflows."""
    out: list[str] = []
    pending = list(lines)
    while pending:
        line = pending.pop(0)
        while " " in line and style.font.width(line, style.size) > width + 0.01:
            line, moved = line.rsplit(" ", 1)
            pending.insert(0, moved + (" " + pending.pop(0) if pending else ""))
            return [*out, *_settle([line], style, width), *_settle(pending, style, width)]
        out.append(line)
    return out


def wrap(text: str, style: Style, width: float, badge: Color | None = None) -> list[Line]:
    """Break ``text`` into lines no wider than ``width`` points. Newlines in ``text`` start new lines.

    Nothing is ever dropped: a word longer than the line is broken (after ``@``/``.`` in an e-mail address, else
    between grapheme clusters). Runs of spaces are collapsed to one.
    """
    lines: list[Line] = []
    for paragraph in _clean(text).split("\n"):
        words = " ".join(w for w in paragraph.split(" ") if w)
        lines += [Line(line, style, badge) for line in _paragraph_lines(words, style, width)]
    return lines


def _rgb(color: Color) -> str:
    rgb = color.to_rgb_color()
    return f"{rgb.get_red() / 255:.3f} {rgb.get_green() / 255:.3f} {rgb.get_blue() / 255:.3f}"


class PageContent(stream):
    """A page's content stream, held as drawing operators and text pieces until the document is written."""

    def __init__(self) -> None:
        super().__init__()
        self.ops: list[str | TextPiece] = []

    def pieces(self) -> Iterator[TextPiece]:
        """The text pieces, in painting order."""
        return (item for item in self.ops if isinstance(item, TextPiece))

    def faces(self) -> list[Face]:
        """The faces the page's text uses, in order of first use."""
        return list(dict.fromkeys(run.face for piece in self.pieces() for run in piece.shaped.runs))

    def serialize(self, writer: TextWriter) -> None:
        """Write the final operators (glyph ids of the embedded subsets) as the stream's data."""
        data = "".join(item if isinstance(item, str) else writer.ops(item) for item in self.ops)
        self["DecodedBytes"] = data.encode("latin-1")


class PageCanvas:
    """Paints onto one borb ``Page``; coordinates are PDF points from the bottom-left corner.

    ``fonts`` are the styles the page's text may use; the faces actually drawn are embedded when the document is
    written (:func:`~.borb_setup.write_document`), one subset per face for the whole document.
    """

    def __init__(self, page: Page, fonts: tuple[MeasuredFont, ...]) -> None:
        """Attach a :class:`PageContent` to ``page`` (or continue the one it has)."""
        self.page = page
        self.fonts = fonts
        contents = page.get("Contents")
        if not isinstance(contents, PageContent):
            contents = PageContent()
            page["Contents"] = contents
        self.content = contents

    def _ops(self, ops: str) -> None:
        self.content.ops.append(ops)

    def rect(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        fill: Color | None = None,
        stroke: Color | None = None,
        line_width: float = 0.5,
    ) -> None:
        """Draw a rectangle with its bottom-left corner at (x, y)."""
        ops = ["q"]
        if fill is not None:
            ops.append(f"{_rgb(fill)} rg")
        if stroke is not None:
            ops.append(f"{_rgb(stroke)} RG {line_width} w")
        paint = "B" if fill is not None and stroke is not None else ("f" if fill is not None else "S")
        ops.append(f"{x:.2f} {y:.2f} {w:.2f} {h:.2f} re {paint}")
        ops.append("Q\n")
        self._ops("\n".join(ops))

    def hline(self, x1: float, x2: float, y: float, color: Color, line_width: float = 0.5) -> None:
        """Draw a horizontal rule from x1 to x2 at height y."""
        self._ops(f"q {_rgb(color)} RG {line_width} w {x1:.2f} {y:.2f} m {x2:.2f} {y:.2f} l S Q\n")

    def text(self, x: float, baseline: float, text: str, style: Style, align: str = "left", width: float = 0) -> None:
        """Paint a single line of text whose baseline is at ``baseline``.

        ``align`` "right"/"center" position the text inside [x, x + width], by its shaped width.
        """
        clean = _clean(text).replace("\n", " ")
        if not clean.strip():
            return
        shaped = shape(style.font, clean)
        if align != "left":
            text_w = shaped.width * style.size / 1000
            x += (width - text_w) if align == "right" else (width - text_w) / 2
        self.content.ops.append(TextPiece(round(x, 2), round(baseline, 2), style.size, _rgb(style.color), shaped))

    def lines(self, x: float, top: float, lines: list[Line], width: float, align: str = "left") -> float:
        """Paint ``lines`` downwards from ``top``; return the y reached. Badges are drawn behind their line."""
        y = top
        for line in lines:
            baseline = y - line.height + line.style.size * 0.3 + (1.5 if line.badge is not None else 0)
            if line.badge is not None and line.text:
                pad = 3.0
                bottom = baseline - line.style.size * 0.3
                self.rect(x, bottom, line.width + 2 * pad, line.style.size * 1.3, fill=line.badge)
                self.text(x + pad, baseline, line.text, line.style)
            else:
                self.text(x, baseline, line.text, line.style, align=align, width=width)
            y -= line.height
        return y
