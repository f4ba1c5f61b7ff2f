"""Drawing primitives on a borb Page: wrapped text lines, filled/stroked rectangles, rules.

Text is painted with borb's ``Chunk`` one *line* at a time. We do our own line breaking (with
:class:`~sts_snapshots.report.fonts.MeasuredFont` widths) instead of using borb's ``Paragraph`` because borb
emits one text object per word, never breaks a word longer than the line (a SHA-256 or a long file name
overflows its column) and cannot split a paragraph across pages.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from borb.pdf import Chunk, Color, Page
from borb.pdf.primitives import name

from sts_snapshots.report.fonts import MeasuredFont


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


def _break_word(word: str, style: Style, width: float) -> list[str]:
    """Split a word wider than ``width`` into pieces that fit (hashes, long file names, URLs)."""
    pieces: list[str] = []
    current = ""
    for char in word:
        if current and style.font.width(current + char, style.size) > width:
            pieces.append(current)
            current = char
        else:
            current += char
    if current:
        pieces.append(current)
    return pieces


def wrap(text: str, style: Style, width: float, badge: Color | None = None) -> list[Line]:
    """Break ``text`` into lines no wider than ``width`` points. Newlines in ``text`` start new lines.

    Nothing is ever dropped: a word longer than the line is broken between characters.
    """
    clean = style.font.printable(unicodedata.normalize("NFC", text.replace("\r\n", "\n")).replace("\t", " "))
    lines: list[Line] = []
    space = style.font.width(" ", style.size)
    for paragraph in clean.split("\n"):
        # printable() turned other control characters into spaces; words are separated by runs of them
        words = [w for w in paragraph.split(" ") if w]
        current: list[str] = []
        current_w = 0.0
        for word in words:
            word_w = style.font.width(word, style.size)
            if word_w > width:
                pieces = _break_word(word, style, width)
                words_to_add = pieces
            else:
                words_to_add = [word]
            for piece in words_to_add:
                piece_w = word_w if piece is word else style.font.width(piece, style.size)
                needed = piece_w if not current else current_w + space + piece_w
                if current and needed > width:
                    lines.append(Line(" ".join(current), style, badge))
                    current, current_w = [piece], piece_w
                else:
                    current.append(piece)
                    current_w = needed
        lines.append(Line(" ".join(current), style, badge))
    return lines


def _rgb(color: Color) -> str:
    rgb = color.to_rgb_color()
    return f"{rgb.get_red() / 255:.3f} {rgb.get_green() / 255:.3f} {rgb.get_blue() / 255:.3f}"


class PageCanvas:
    """Paints onto one borb ``Page``; coordinates are PDF points from the bottom-left corner."""

    def __init__(self, page: Page, fonts: tuple[MeasuredFont, ...]) -> None:
        """Register ``fonts`` as page resources F1, F2... up front.

        borb's Chunk looks fonts up in the page resources and, when missing, writes a ``/Name`` into the shared
        font object; registering them first keeps the cached font objects untouched (and the output stable).
        """
        self.page = page
        resources = page.setdefault("Resources", {})
        font_dict = resources.setdefault(name("Font"), {})
        for i, font in enumerate(fonts, start=1):
            font_dict[name(f"F{i}")] = font

    def _ops(self, ops: str) -> None:
        contents = self.page["Contents"]
        data = contents.get("DecodedBytes", b"")
        if data and not data.endswith(b"\n"):
            data += b"\n"
        contents[name("DecodedBytes")] = data + ops.encode("latin1")

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

        ``align`` "right"/"center" position the text inside [x, x + width].
        """
        clean = style.font.printable(unicodedata.normalize("NFC", text))
        if not clean.strip():
            return
        if align != "left":
            text_w = style.font.width(clean, style.size)
            x += (width - text_w) if align == "right" else (width - text_w) / 2
        chunk = Chunk(clean, font=style.font, font_size=style.size, font_color=style.color)  # type: ignore[arg-type]
        # Chunk puts its baseline on the bottom of the box it is given
        chunk.paint(available_space=(round(x, 2), round(baseline, 2), 10_000, style.size), page=self.page)

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
