"""The report's two font styles, each a fallback chain of faces from ``static/fonts``.

DejaVu Sans is the primary face (Latin incl. Vietnamese, Greek, Cyrillic, symbols). The scripts of
:mod:`~sts_snapshots.report.scripts` go to their Noto face, anything else to the first face of the chain that has
it; a character no face has is drawn as DejaVu's ``.notdef`` box and reported by :func:`unprintable_characters`.
A :class:`MeasuredFont` measures shaped text; painting uses the same shaping (:mod:`~.shaping`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sts_snapshots.report.faces import Face, load_face
from sts_snapshots.report.scripts import is_common, is_invisible, script_of
from sts_snapshots.report.shaping import shape

PRIMARY = {False: "DejaVuSans.ttf", True: "DejaVuSans-Bold.ttf"}
SCRIPT_FACES = {
    "arabic": "NotoSansArabic-{}.ttf",
    "hebrew": "NotoSansHebrew-{}.ttf",
    "thai": "NotoSansThai-{}.ttf",
    "devanagari": "NotoSansDevanagari-{}.ttf",
    "cjk": "NotoSansCJKjp-{}.otf",
}
SYMBOLS = "NotoSansSymbols2-Regular.ttf"  # no bold cut: bold text uses the regular symbols


@dataclass(frozen=True, eq=False)
class MeasuredFont:
    """One style (regular or bold) of the report font: the faces of its fallback chain, primary first."""

    bold: bool
    chain: tuple[Face, ...]
    scripts: dict[str, Face]

    @property
    def primary(self) -> Face:
        """DejaVu Sans (regular or bold): Latin, Greek, Cyrillic, and the ``.notdef`` box."""
        return self.chain[0]

    def face_for(self, char: str) -> Face | None:
        """The face that draws ``char`` outside any run; None for common characters (they follow their run)."""
        script = script_of(char)
        if script is not None:
            face = self.scripts[script]
            if face.has(char):
                return face
        elif is_common(char):
            return None
        return self.covering(char)

    def covering(self, char: str) -> Face:
        """The first face of the chain that has ``char``; the primary face (its ``.notdef``) if none has."""
        code = ord(char)
        for face in self.chain:
            if code in face.coverage:
                return face
        return self.primary

    def printable(self, char: str) -> bool:
        """True if some face of the chain draws ``char`` (or it is invisible by design)."""
        code = ord(char)
        return is_invisible(char) or any(code in face.coverage for face in self.chain)

    def width(self, text: str, size: float) -> float:
        """Painted width of ``text`` at ``size`` points: the sum of its shaped advances."""
        return shape(self, text).width * size / 1000


def default_fonts_dir() -> Path:
    """``<repo>/static/fonts`` when running from a source checkout (a frozen app passes its own folder)."""
    return Path(__file__).resolve().parents[2] / "static" / "fonts"


_lock = threading.Lock()
_styles: dict[Path, tuple[MeasuredFont, MeasuredFont]] = {}


def _style(fonts_dir: Path, bold: bool) -> MeasuredFont:
    weight = "Bold" if bold else "Regular"
    scripts = {script: load_face(fonts_dir / pattern.format(weight)) for script, pattern in SCRIPT_FACES.items()}
    chain = (load_face(fonts_dir / PRIMARY[bold]), *scripts.values(), load_face(fonts_dir / SYMBOLS))
    return MeasuredFont(bold, chain, scripts)


def load_fonts(fonts_dir: Path) -> tuple[MeasuredFont, MeasuredFont]:
    """Return the (regular, bold) styles from ``fonts_dir``, parsing every face at most once per process.

    Worker processes call this at start-up so that the first report does not pay for parsing the faces.

    :raises FileNotFoundError: if a font file is missing.
    """
    key = fonts_dir.resolve()
    with _lock:
        styles = _styles.get(key)
        if styles is None:
            styles = _styles[key] = (_style(key, False), _style(key, True))
        return styles


def unprintable_characters(texts: Iterable[str], fonts_dir: Path | None = None) -> list[str]:
    """The distinct characters of ``texts`` that no face of the report draws (they print as a box), sorted.

    >>> unprintable_characters(["MT Ørsted 🚢", "山田", "\\ue000"])
    ['\\ue000', '🚢']
    """
    regular, bold = load_fonts(fonts_dir or default_fonts_dir())
    seen: set[str] = set()
    for text in texts:
        seen.update(text)
    return sorted(c for c in seen if not (regular.printable(c) and bold.printable(c)))
