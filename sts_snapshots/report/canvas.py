"""Drawing primitives on a borb Page: wrapped text lines, filled/stroked rectangles, rules.

Text is shaped by HarfBuzz (:mod:`~.shaping`) and kept on the page as :class:`~.textops.TextPiece` objects: the
embedded fonts are subsets renumbering their glyphs, so glyph ids can only be written once every page of the
document is drawn. :func:`~.borb_setup.write_document` then serialises each :class:`PageContent`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from borb.pdf import Color, Page
from borb.pdf.primitives import stream

from sts_snapshots.report.composed import Composed, Isolate, Text, cut, plain
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
    """One laid-out line of text; ``badge`` draws a filled label behind it (status pills).

    ``text`` is what the line says; ``isolates`` are the spans of it that are user values of a composed line
    (:class:`~.composed.Composed`), empty for plain text.
    """

    text: str
    style: Style
    badge: Color | None = None
    isolates: tuple[Isolate, ...] = ()

    @classmethod
    def of(cls, content: Text, style: Style, badge: Color | None = None) -> Line:
        """The line painting ``content`` (plain text or a composed line)."""
        if isinstance(content, Composed):
            return cls(content.text, style, badge, content.isolates)
        return cls(content, style, badge)

    @property
    def content(self) -> Text:
        """What is shaped and painted: the plain text, or the composed line with its isolates."""
        return Composed(self.text, self.isolates) if self.isolates else self.text

    @property
    def height(self) -> float:
        """Vertical space the line takes (badges get extra room for their padding)."""
        return self.style.line_height + (3 if self.badge is not None else 0)

    @property
    def width(self) -> float:
        """Painted width of the text in points."""
        return shape(self.style.font, self.content).width * self.style.size / 1000


def _clean(text: str) -> str:
    """NFC, with tabs and control characters as spaces and every line separator as a newline."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n")).replace("\u2028", "\n").replace("\u2029", "\n")
    if text.isprintable():  # no control character at all (nor a newline): nothing to replace, checked in C
        return text
    return "".join(" " if c != "\n" and unicodedata.category(c) == "Cc" else c for c in text)


def _one_line(text: str) -> str:
    return text.replace("\n", " ")


def _clean_text(text: Text) -> Text:
    """:func:`_clean` of plain text, or of each literal stretch and value of a composed line."""
    return text.map(_clean) if isinstance(text, Composed) else _clean(text)


def _collapse(paragraph: Text) -> Text:
    """Runs of spaces as one, none at either end."""
    if isinstance(paragraph, str):
        return " ".join(w for w in paragraph.split(" ") if w)
    chars = paragraph.text
    keep: list[bool] = []
    after_space = True  # leading spaces go
    for char in chars:
        keep.append(char != " " or not after_space)
        after_space = char == " "
    for index in range(len(chars) - 1, -1, -1):  # and trailing ones
        if chars[index] != " ":
            break
        keep[index] = False
    return paragraph.select(keep)


def _paragraphs(text: Text) -> list[Text]:
    """The paragraphs of ``text`` (split at newlines), each of the same kind as ``text``."""
    whole = plain(text)
    out: list[Text] = []
    start = 0
    for part in whole.split("\n"):
        out.append(cut(text, start, start + len(part)))
        start += len(part) + 1
    return out


def _paragraph_lines(paragraph: Text, style: Style, width: float) -> list[Text]:
    """Break one paragraph (words separated by single spaces) into lines no wider than ``width``.

    Offsets are those of the paragraph's plain text, so a composed line's pieces keep their isolates (a value
    cut at the end of a line goes on, still isolated and in its own direction, on the next).
    """
    text = plain(paragraph)
    if not text:
        return [paragraph]
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
    for word in text.split(" "):
        end = start + len(word)
        if not fits(start, end):
            breaks += [(c, c) for c in split_word(word, start, fits)]
        breaks.append((end, end + 1))
        start = end + 1
    spans: list[tuple[int, int]] = []
    line_start = 0
    last: tuple[int, int] | None = None
    for brk in breaks:
        if last is not None and not fits(line_start, brk[0]):
            spans.append((line_start, last[0]))
            line_start = last[1]
        last = brk
    spans.append((line_start, len(text)))
    return [cut(paragraph, a, b) for a, b in _settle(paragraph, spans, style, width)]


def _settle(paragraph: Text, spans: list[tuple[int, int]], style: Style, width: float) -> list[tuple[int, int]]:
    """Move a line's last word down while its own shaped width (joining forms differ at line ends) overflows."""
    text = plain(paragraph)
    out: list[tuple[int, int]] = []
    pending = list(spans)
    while pending:
        a, b = pending.pop(0)
        space = text.rfind(" ", a, b)
        if space > a and shape(style.font, cut(paragraph, a, b)).width * style.size / 1000 > width + 0.01:
            # the moved word starts the next line: the paragraph's text from it to that line's end
            pending.insert(0, (space + 1, pending.pop(0)[1] if pending else b))
            pending.insert(0, (a, space))
            continue
        out.append((a, b))
    return out


def wrap(text: Text, style: Style, width: float, badge: Color | None = None) -> list[Line]:
    """Break ``text`` into lines no wider than ``width`` points. Newlines in ``text`` start new lines.

    ``text`` is plain text or a composed line (:class:`~.composed.Composed`, whose values are bidi isolates).
    Nothing is ever dropped: a word longer than the line is broken (after ``@``/``.`` in an e-mail address, else
    between grapheme clusters). Runs of spaces are collapsed to one.
    """
    lines: list[Line] = []
    for paragraph in _paragraphs(_clean_text(text)):
        words = _collapse(paragraph)
        lines += [Line.of(line, style, badge) for line in _paragraph_lines(words, style, width)]
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

    def data(self, writer: TextWriter) -> bytes:
        """The final operators (glyph ids of the embedded subsets), uncompressed."""
        return "".join(item if isinstance(item, str) else writer.ops(item) for item in self.ops).encode("latin-1")

    def serialize(self, writer: TextWriter) -> None:
        """Write :meth:`data` as the (borb) stream's data."""
        self["DecodedBytes"] = self.data(writer)


class PageCanvas:
    """Paints onto one borb ``Page`` (or any page dictionary); coordinates are PDF points from the bottom-left corner.

    ``fonts`` are the styles the page's text may use; the faces actually drawn are embedded when the document is
    written (:func:`~.borb_setup.write_document`, or :func:`~.pypdf_page.paint_page` for a page written by pypdf),
    one subset per face for the whole document.
    """

    def __init__(self, page: Page | dict[str, Any], fonts: tuple[MeasuredFont, ...]) -> None:
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

    def text(self, x: float, baseline: float, text: Text, style: Style, align: str = "left", width: float = 0) -> None:
        """Paint a single line of text (plain, or composed with isolated values) whose baseline is at ``baseline``.

        ``align`` "right"/"center" position the text inside [x, x + width], by its shaped width.
        """
        clean = _clean_text(text)
        clean = clean.map(_one_line) if isinstance(clean, Composed) else _one_line(clean)
        if not plain(clean).strip():
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
                self.text(x + pad, baseline, line.content, line.style)
            else:
                self.text(x, baseline, line.content, line.style, align=align, width=width)
            y -= line.height
        return y
