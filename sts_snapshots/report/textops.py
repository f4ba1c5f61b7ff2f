"""Shaped text as PDF content-stream operators, and the fonts one PDF part needs for it.

Shared by the borb pages (:mod:`~.canvas`, written by :func:`~.borb_setup.write_document`) and the pypdf page
stamps (:mod:`~.overlay`). Glyph ids are written with ``TJ``; HarfBuzz advances and x offsets (kerning, mark
placement) become TJ adjustments against the ``/W`` widths, y offsets become a text rise for those glyphs.
A left-to-right run whose glyphs do not map back to its text in order (Devanagari reordering, a character drawn as
``.notdef``) is wrapped in an ``/ActualText`` span so that text extraction gives the logical text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sts_snapshots.report.faces import Face
from sts_snapshots.report.pdffonts import EmbeddedFont, GlyphUse, embed, pdf_width
from sts_snapshots.report.shaping import GlyphRun, ShapedText


@dataclass(frozen=True)
class TextPiece:
    """One shaped line painted with its baseline starting at (x, baseline); ``color`` is an ``r g b`` string."""

    x: float
    baseline: float
    size: float
    color: str
    shaped: ShapedText


def embed_fonts(pieces: Iterable[TextPiece]) -> dict[Face, EmbeddedFont]:
    """One subset font per face the pieces use, in order of first use (so the output is deterministic)."""
    uses: dict[Face, GlyphUse] = {}
    for piece in pieces:
        for run in piece.shaped.runs:
            use = uses.get(run.face)
            if use is None:
                use = uses[run.face] = GlyphUse(run.face)
            use.add(run)
    return {face: embed(use) for face, use in uses.items()}


def _number(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _hex_utf16(text: str) -> str:
    return "FEFF" + text.encode("utf-16-be").hex().upper()


class TextWriter:
    """Writes text pieces with the fonts embedded for one PDF part; ``names`` are their resource names.

    Operators of a run are computed once per part (report strings repeat: headers, labels, statuses).
    """

    def __init__(self, fonts: dict[Face, EmbeddedFont], names: dict[Face, str]) -> None:
        self.fonts = fonts
        self.names = names
        self._codes = {face: {old: f"{new:04X}" for old, new in font.new_gid.items()} for face, font in fonts.items()}
        # each glyph's /W width, once per part: a part draws a few hundred glyphs thousands of times
        self._widths = {face: {old: pdf_width(face, old) for old in font.new_gid} for face, font in fonts.items()}
        self._runs: dict[tuple[int, float], list[str]] = {}

    def ops(self, piece: TextPiece) -> str:
        """The operators painting ``piece``."""
        ops = ["BT", f"{piece.color} rg", f"{_number(piece.x)} {_number(piece.baseline)} Td"]
        for run in piece.shaped.runs:
            key = (id(run), piece.size)
            run_ops = self._runs.get(key)
            if run_ops is None:
                run_ops = self._runs[key] = self._run_ops(run, piece.size)
            ops += run_ops
        ops.append("ET")
        return "\n".join(ops) + "\n"

    def _run_ops(self, run: GlyphRun, size: float) -> list[str]:
        font = self.fonts[run.face]
        ops = [f"/{self.names[run.face]} {_number(size)} Tf"]
        actual = not run.rtl and not _extracts_as_text(run, font)
        if actual:
            ops.append(f"/Span <</ActualText <{_hex_utf16(run.text)}>>> BDC")
        ops += _tj(run, self._codes[run.face], self._widths[run.face], size)
        if actual:
            ops.append("EMC")
        return ops


def _tj(run: GlyphRun, code_of: dict[int, str], width_of: dict[int, float], size: float) -> list[str]:
    """``TJ`` arrays for one run; glyphs with a vertical offset get their own array under a text rise."""
    segments: list[tuple[float, list[str]]] = []
    codes = ""
    for glyph in run.glyphs:
        if not segments or segments[-1][0] != glyph.y_offset:
            if codes:
                segments[-1][1].append(f"<{codes}>")
                codes = ""
            segments.append((glyph.y_offset, []))
        items = segments[-1][1]
        if glyph.x_offset:
            if codes:
                items.append(f"<{codes}>")
                codes = ""
            items.append(_number(-glyph.x_offset))
        codes += code_of[glyph.gid]
        adjust = width_of[glyph.gid] + glyph.x_offset - glyph.advance
        if abs(adjust) >= 0.005:
            items.append(f"<{codes}>")
            codes = ""
            items.append(_number(adjust))
    if codes:
        segments[-1][1].append(f"<{codes}>")
    ops = []
    for rise, items in segments:
        if rise:
            ops.append(f"{_number(rise * size / 1000)} Ts")
        ops.append(f"[{' '.join(items)}] TJ")
        if rise:
            ops.append("0 Ts")
    return ops


def _extracts_as_text(run: GlyphRun, font: EmbeddedFont) -> bool:
    """True if the ToUnicode texts of a left-to-right run's glyphs, in order, spell the run's text."""
    mapped = "".join(font.texts.get(glyph.gid, "") for glyph in run.glyphs)
    return mapped == run.text and all(glyph.gid != 0 for glyph in run.glyphs)
