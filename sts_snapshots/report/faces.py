"""One font file parsed by HarfBuzz: glyph coverage, advances and the metrics a PDF font descriptor needs.

Faces are parsed once per process (:func:`load_face`) and shared, read-only, by every render on every thread.
"""

from __future__ import annotations

import struct
import threading
from dataclasses import dataclass, field
from pathlib import Path

import uharfbuzz as hb


@dataclass(frozen=True, eq=False)
class Face:
    """A parsed font file. ``advance`` is in thousandths of an em (PDF glyph space)."""

    path: Path
    hb_face: hb.Face
    hb_font: hb.Font
    upem: int
    coverage: frozenset[int]
    cff: bool
    ps_name: str
    ascent: int
    descent: int
    cap_height: int
    bbox: tuple[int, int, int, int]
    _advances: dict[int, float] = field(default_factory=dict, repr=False)

    @property
    def key(self) -> str:
        """The file name without extension, e.g. ``DejaVuSans-Bold`` (unique per fonts folder)."""
        return self.path.stem

    def has(self, char: str) -> bool:
        """True if the face maps ``char`` to a glyph."""
        return ord(char) in self.coverage

    def advance(self, gid: int) -> float:
        """Horizontal advance of glyph ``gid`` (hmtx), in thousandths of an em."""
        width = self._advances.get(gid)
        if width is None:
            width = self._advances[gid] = self.hb_font.get_glyph_h_advance(gid) * 1000 / self.upem
        return width


def _scaled(value: float, upem: int) -> int:
    return round(value * 1000 / upem)


def _parse(path: Path) -> Face:
    blob = hb.Blob.from_file_path(str(path))
    face = hb.Face(blob)
    font = hb.Font(face)
    upem = face.upem
    extents = font.get_font_extents("ltr")
    x_min, y_min, x_max, y_max = struct.unpack(">4h", face.reference_table("head").data[36:44])
    return Face(
        path=path,
        hb_face=face,
        hb_font=font,
        upem=upem,
        coverage=frozenset(face.unicodes),
        cff="CFF " in face.table_tags,
        ps_name=face.get_name(hb.OTNameIdPredefined.POSTSCRIPT_NAME) or path.stem,
        ascent=_scaled(extents.ascender, upem),
        descent=_scaled(extents.descender, upem),
        cap_height=_scaled(font.get_metric_position_with_fallback(hb.OTMetricsTag.CAP_HEIGHT), upem),
        bbox=(_scaled(x_min, upem), _scaled(y_min, upem), _scaled(x_max, upem), _scaled(y_max, upem)),
    )


_lock = threading.Lock()
_faces: dict[Path, Face] = {}


def load_face(path: Path) -> Face:
    """Return the parsed face of the font file at ``path``, parsing it at most once per process.

    :raises FileNotFoundError: if ``path`` does not exist.
    """
    key = path.resolve()
    with _lock:
        face = _faces.get(key)
        if face is None:
            if not key.is_file():
                raise FileNotFoundError(f"font file not found: {key}")
            face = _faces[key] = _parse(key)
        return face
