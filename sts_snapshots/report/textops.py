"""Shaped text as PDF content-stream operators, and the fonts one PDF part needs for it.

Shared by the borb pages (:mod:`~.canvas`, written by :func:`~.borb_setup.write_document`) and the pypdf page
stamps (:mod:`~.overlay`). Glyph ids are written with ``TJ``; HarfBuzz advances and x offsets (kerning, mark
placement) become TJ adjustments against the ``/W`` widths, y offsets become a text rise for those glyphs.
A left-to-right run whose glyphs do not map back to its text in order (Devanagari reordering, a character drawn as
``.notdef``) is wrapped in an ``/ActualText`` span so that text extraction gives the logical text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
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


def _runs_ops(run: GlyphRun, font: EmbeddedFont, size: float) -> list[str]:
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
        if abs(glyph.x_offset) >= 0.005:
            if codes:
                items.append(f"<{codes}>")
                codes = ""
            items.append(_number(-glyph.x_offset))
        codes += f"{font.new_gid[glyph.gid]:04X}"
        adjust = pdf_width(font.face, glyph.gid) + glyph.x_offset - glyph.advance
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


def text_ops(piece: TextPiece, font_of: Callable[[Face], tuple[str, EmbeddedFont]]) -> str:
    """The operators painting ``piece``; ``font_of`` gives a face's resource name and embedded font."""
    ops = ["BT", f"{piece.color} rg", f"{_number(piece.x)} {_number(piece.baseline)} Td"]
    for run in piece.shaped.runs:
        resource, font = font_of(run.face)
        ops.append(f"/{resource} {_number(piece.size)} Tf")
        actual = not run.rtl and not _extracts_as_text(run, font)
        if actual:
            ops.append(f"/Span <</ActualText <{_hex_utf16(run.text)}>>> BDC")
        ops += _runs_ops(run, font, piece.size)
        if actual:
            ops.append("EMC")
    ops.append("ET")
    return "\n".join(ops) + "\n"
