"""Shaping a line of text: bidi levels, runs of one face and one level, HarfBuzz glyphs, runs in visual order.

The result (:class:`ShapedText`) is what both measuring and painting use, so a line's width is exactly the sum of
the advances that are painted. Results are cached per (style, text): report strings repeat a lot.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import uharfbuzz as hb

from sts_snapshots.report.composed import BIDI_CONTROLS, Composed, Text
from sts_snapshots.report.direction import composed_levels, embedding_levels, visual_order
from sts_snapshots.report.faces import Face

if TYPE_CHECKING:
    from sts_snapshots.report.fonts import MeasuredFont


@dataclass(frozen=True)
class Glyph:
    """A positioned glyph; lengths in thousandths of an em. ``text`` is the logical text it stands for.

    The first glyph of a cluster carries the cluster's text, the others carry ``""``.
    """

    gid: int
    advance: float
    x_offset: float
    y_offset: float
    text: str


@dataclass(frozen=True)
class GlyphRun:
    """Glyphs of one face and one direction, in visual (left-to-right) order; ``text`` is in logical order."""

    face: Face
    rtl: bool
    text: str
    glyphs: tuple[Glyph, ...]


@dataclass(frozen=True)
class ShapedText:
    """A shaped line: runs in visual order, total advance, and each character's advance (for line breaking).

    ``text`` is the line's plain text; ``advances`` has one entry per character of it (0 for a bidi control).
    """

    text: str
    runs: tuple[GlyphRun, ...]
    width: float
    advances: tuple[float, ...]


def faces_of(font: MeasuredFont, text: str) -> list[Face]:
    """The face drawing each character: its script's or the first covering face; common ones follow their run."""
    faces = [font.face_for(char) for char in text]
    current: Face | None = None
    for index, face in enumerate(faces):  # common characters join the run before them...
        if face is None:
            if current is not None and current.has(text[index]):
                faces[index] = current
        else:
            current = face
    current = None
    for index in range(len(faces) - 1, -1, -1):  # ...else the run after them, else whoever has them
        face = faces[index]
        if face is None:
            char = text[index]
            faces[index] = current if current is not None and current.has(char) else font.covering(char)
        else:
            current = face
    return [face for face in faces if face is not None]


def _shape_run(face: Face, text: str, rtl: bool, advances: list[float], start: int) -> GlyphRun:
    buf = hb.Buffer()
    buf.add_str(text)
    buf.direction = "rtl" if rtl else "ltr"
    buf.cluster_level = hb.BufferClusterLevel.MONOTONE_CHARACTERS
    buf.guess_segment_properties()
    hb.shape(face.hb_font, buf)
    scale = 1000 / face.upem
    infos, positions = buf.glyph_infos, buf.glyph_positions
    clusters = sorted({info.cluster for info in infos})
    ends = dict(zip(clusters, [*clusters[1:], len(text)], strict=True))
    logical = range(len(infos) - 1, -1, -1) if rtl else range(len(infos))
    texts = [""] * len(infos)
    seen: set[int] = set()
    for index in logical:
        cluster = infos[index].cluster
        if cluster not in seen:
            seen.add(cluster)
            texts[index] = text[cluster : ends[cluster]]
    glyphs = []
    for info, pos, glyph_text in zip(infos, positions, texts, strict=True):
        advance = pos.x_advance * scale
        advances[start + info.cluster] += advance
        glyphs.append(Glyph(info.codepoint, advance, pos.x_offset * scale, pos.y_offset * scale, glyph_text))
    return GlyphRun(face, rtl, text, tuple(glyphs))


@lru_cache(maxsize=16384)
def shape(font: MeasuredFont, line: Text) -> ShapedText:
    """Shape one line (no newlines) with the fallback chain of ``font``: plain text, or a composed line whose
    values are bidi isolates (:mod:`~.composed`).

    Runs are split where the embedding level or the face changes, shaped in their own direction, then ordered
    visually (rule L2). Bidi controls (user-typed marks and embeddings) steer the levels and are then dropped: they
    are never shaped, drawn or extracted. Anything else is kept: a character no face has becomes the primary face's
    ``.notdef``.
    """
    text = line.text if isinstance(line, Composed) else line
    if not text:
        return ShapedText(text, (), 0.0, ())
    levels = composed_levels(line) if isinstance(line, Composed) else embedding_levels(text)
    if BIDI_CONTROLS.isdisjoint(text):
        return _shape_levels(font, text, levels)
    kept = [index for index, char in enumerate(text) if char not in BIDI_CONTROLS]
    advances = [0.0] * len(text)
    bare = "".join(text[i] for i in kept)
    if not bare:
        return ShapedText(text, (), 0.0, tuple(advances))
    shaped = _shape_levels(font, bare, tuple(levels[i] for i in kept))
    for index, advance in zip(kept, shaped.advances, strict=True):
        advances[index] = advance
    return ShapedText(text, shaped.runs, shaped.width, tuple(advances))


def _shape_levels(font: MeasuredFont, text: str, levels: tuple[int, ...]) -> ShapedText:
    """Shape ``text`` whose embedding levels are resolved (one per character)."""
    advances = [0.0] * len(text)
    faces = faces_of(font, text)
    pieces: list[tuple[int, int, int, Face]] = []
    start = 0
    for index in range(1, len(text) + 1):
        if index == len(text) or levels[index] != levels[start] or faces[index] is not faces[start]:
            pieces.append((start, index, levels[start], faces[start]))
            start = index
    runs = [_shape_run(face, text[a:b], level % 2 == 1, advances, a) for a, b, level, face in pieces]
    ordered = tuple(runs[i] for i in visual_order([level for _, _, level, _ in pieces]))
    return ShapedText(text, ordered, sum(advances), tuple(advances))
