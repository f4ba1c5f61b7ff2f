"""DejaVu Sans for borb: loaded once per process, subset, with correct widths and a ToUnicode map.

borb 3.0.9's ``TrueTypeFont.from_file`` has three problems with a large Unicode font such as DejaVu Sans:

* glyphs whose PostScript names are not in the Adobe Glyph List (Cyrillic ``uni0411``...) get width 0 in the
  ``/W`` array, so viewers draw them on top of each other;
* ``CIDType0Font.get_width`` scans the whole ``/W`` array for every distinct character and raises
  ``StopIteration`` for characters it cannot place (Greek ``Ω`` did), and it is slow (O(glyphs) per character);
* it embeds the whole 760 KB file, twice per PDF (regular + bold).

So :func:`load_font` subsets the file with fontTools to the scripts a clearance report needs (Latin, Greek,
Cyrillic, punctuation, currency, arrows, a few symbols), lets ``TrueTypeFont.from_file`` build the PDF font
dictionary from the subset, then replaces ``/W`` and ``/ToUnicode`` with tables computed from the font's own
``cmap`` / ``hmtx`` and swaps in :class:`MeasuredFont`, whose width and code lookups are dictionary look-ups.
Characters the subset lacks are replaced by :func:`MeasuredFont.printable` (NFKD base letter, else ``?``) before
they reach borb, because borb asserts on characters a font cannot encode.
"""

from __future__ import annotations

import io
import math
import tempfile
import threading
import unicodedata
import zlib
from pathlib import Path
from typing import Any

from borb.pdf import TrueTypeFont
from borb.pdf.font.cmap import CMap
from borb.pdf.font.composite_font.composite_font import CompositeFont
from borb.pdf.primitives import name, stream

REGULAR = "DejaVuSans.ttf"
BOLD = "DejaVuSans-Bold.ttf"

# Unicode ranges kept in the embedded subset: the scripts of European names, places and business text
# (Latin incl. Vietnamese, Greek, Cyrillic), punctuation, currency, common math, arrows, bullets and check marks.
# Every glyph kept costs load time, PDF size and write time (borb writes the /W widths one by one).
_RANGES: tuple[tuple[int, int], ...] = (
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x024F),  # Latin-1, Latin Extended-A/B
    (0x02B0, 0x036F),  # spacing modifiers, combining marks
    (0x0370, 0x03FF),  # Greek
    (0x0400, 0x052F),  # Cyrillic
    (0x1E00, 0x1EFF),  # Latin Extended Additional (Vietnamese, Welsh...)
    (0x2000, 0x206F),  # general punctuation
    (0x20A0, 0x20CF),  # currency
    (0x2100, 0x214F),  # letterlike (№, ℃, ™)
    (0x2190, 0x2199),  # arrows
    (0x2200, 0x226F),  # math operators (≈ ≠ ≤ ≥ ∞)
    (0x25A0, 0x25FF),  # geometric shapes (bullets, boxes)
    (0x2610, 0x2612),  # ballot boxes
    (0x26A0, 0x26A0),  # warning sign
    (0x2713, 0x2718),  # check marks and crosses
    (0xFFFD, 0xFFFD),
)

_lock = threading.Lock()
_cache: dict[Path, MeasuredFont] = {}


class MeasuredFont(CompositeFont):
    """A borb Type0 font whose metrics come from fontTools tables instead of borb's glyph-name guesses."""

    _gid: dict[str, int]
    _advance: dict[str, float]
    _gid_width: dict[int, float]

    def get_character_code(self, character: str) -> int:
        """Return the glyph id used as the 2-byte code (Identity-H) for ``character``, or -1."""
        gid = self._gid.get(character, -1)
        if gid >= 0:
            _used_glyphs(self).add(gid)
        return gid

    def sync_widths(self) -> None:
        """Set ``/W`` to the widths of the glyphs encoded since this thread's last :func:`start_document`.

        borb writes every number of ``/W`` as a separate object visit (~0.1 ms each): listing all ~1,700 glyphs
        of the subset cost ~0.4 s per document, more than the cover's whole layout. Glyphs a document never
        encodes are never drawn, so leaving them to ``/DW`` is invisible, and the bytes still depend only on
        the document's text. Callers hold :data:`write_lock` from here until the document is written.
        """
        widths: list[Any] = []
        for gid in sorted(_used_glyphs(self) | {0}):
            if widths and widths[-2] + len(widths[-1]) == gid:
                widths[-1].append(self._gid_width[gid])
            else:
                widths += [gid, [self._gid_width[gid]]]
        self["DescendantFonts"][0][name("W")] = widths

    def get_width(self, text: str, character_spacing: float = 0, font_size: float = 12, word_spacing: float = 0) -> int:
        """Return the width of ``text`` in points (rounded up, as borb does), unknown characters as ``?``."""
        if not text:
            return 0
        advance = self._advance
        fallback = advance.get("?", 600.0)
        units = sum(advance.get(c, fallback) for c in text) / 1000
        units += character_spacing * (len(text) - 1) + word_spacing * text.count(" ")
        return math.ceil(units * font_size)

    def width(self, text: str, font_size: float) -> float:
        """Exact (unrounded) width of ``text`` in points, for line breaking."""
        advance = self._advance
        fallback = advance.get("?", 600.0)
        return sum(advance.get(c, fallback) for c in text) * font_size / 1000

    def printable(self, text: str) -> str:
        """Replace characters this font cannot draw: NFKD base letter if the font has it, else ``?``.

        Whitespace and control characters become plain spaces (borb writes text one line at a time).
        """
        if all(c in self._gid for c in text):
            return text
        out: list[str] = []
        for c in text:
            if c in self._gid:
                out.append(c)
            elif c.isspace() or unicodedata.category(c) == "Cc":
                out.append(" ")
            else:
                base = "".join(b for b in unicodedata.normalize("NFKD", c) if b in self._gid and b.isprintable())
                out.append(base or "?")
        return "".join(out)


def _subset(source: Path) -> bytes:
    """Return the TrueType bytes of ``source`` reduced to :data:`_RANGES` (glyph names kept for borb)."""
    try:
        from fontTools import subset
        from fontTools.ttLib import TTFont
    except ImportError as exc:  # borb lists it only as an optional extra, but TrueTypeFont needs it
        raise ImportError("the PDF report needs the 'fonttools' package (pip install fonttools)") from exc

    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.glyph_names = True
    options.layout_features = []
    options.hinting = False  # hint programs are ~15% of the embedded bytes; text reads fine without them
    options.drop_tables += ["FFTM"]  # FontForge timestamp table: fontTools cannot subset it and warns
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[u for lo, hi in _RANGES for u in range(lo, hi + 1)])
    # keep head.modified as shipped: a fresh timestamp would make every process embed different bytes
    font = TTFont(source, recalcTimestamp=False)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _to_unicode(gid_to_char: dict[int, str]) -> CMap:
    """Build a ToUnicode CMap (2-byte codes = glyph ids) so text can be extracted and searched."""
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo <</Registry (Adobe) /Ordering (UCS) /Supplement 0>> def",
        "/CMapName /Adobe-Identity-UCS def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        "<0000> <FFFF>",
        "endcodespacerange",
    ]
    pairs = sorted(gid_to_char.items())
    for i in range(0, len(pairs), 100):
        block = pairs[i : i + 100]
        lines.append(f"{len(block)} beginbfchar")
        lines += [f"<{gid:04X}> <{ord(ch):04X}>" for gid, ch in block]
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    raw = ("\n".join(lines) + "\n").encode("ascii")
    s = stream()
    s[name("Bytes")] = zlib.compress(raw, 9)
    s[name("DecodedBytes")] = raw
    s[name("Filter")] = name("FlateDecode")
    s[name("Length")] = len(s[name("Bytes")])
    return CMap(s)


def _build(source: Path) -> MeasuredFont:
    """Subset ``source``, let borb build the font dictionary, then fix its metrics and encoding."""
    from fontTools.ttLib import TTFont

    data = _subset(source)
    with tempfile.TemporaryDirectory(prefix="sts-font-") as tmp:
        # from_file only accepts a path ending in .ttf
        subset_path = Path(tmp) / source.name
        subset_path.write_bytes(data)
        borb_font = TrueTypeFont.from_file(subset_path)
    assert isinstance(borb_font, CompositeFont), "DejaVu has glyphs above U+00FF, borb makes a Type0 font"

    tt = TTFont(io.BytesIO(data))
    upem = tt["head"].unitsPerEm
    order = tt.getGlyphOrder()
    hmtx = tt["hmtx"]
    gid_of_name = {glyph: i for i, glyph in enumerate(order)}
    cmap = {cp: glyph for cp, glyph in tt.getBestCmap().items() if cp <= 0xFFFF}

    font = MeasuredFont()
    font.update(borb_font)
    # PDF convention for an embedded subset: a six-letter tag before the name.
    base = f"DJVSUB+{borb_font['BaseFont']}"
    font[name("BaseFont")] = name(base)
    descendant = font["DescendantFonts"][0]
    descendant[name("BaseFont")] = name(base)
    descendant["FontDescriptor"][name("FontName")] = name(base)
    if source.name == BOLD:
        descendant["FontDescriptor"][name("FontWeight")] = 700
    font._gid_width = {i: round(hmtx[g][0] * 1000 / upem, 1) for i, g in enumerate(order)}
    font.sync_widths()
    gid_to_char: dict[int, str] = {}
    for cp in sorted(cmap):  # lowest code point wins when several share a glyph
        gid_to_char.setdefault(gid_of_name[cmap[cp]], chr(cp))
    font[name("ToUnicode")] = _to_unicode(gid_to_char)
    font.pop("Name", None)  # borb's Chunk sets /Name per page; keep the shared object free of it
    font._gid = {chr(cp): gid_of_name[glyph] for cp, glyph in cmap.items()}
    font._advance = {chr(cp): hmtx[glyph][0] * 1000 / upem for cp, glyph in cmap.items()}
    return font


def load_font(path: Path) -> MeasuredFont:
    """Return the borb font for the TrueType file at ``path``, building it at most once per process.

    :param path: a DejaVu Sans ``.ttf`` file (regular or bold).
    :return: a :class:`MeasuredFont`; the same object for every call with the same path.
    :raises FileNotFoundError: if ``path`` does not exist.
    """
    key = path.resolve()
    with _lock:
        font = _cache.get(key)
        if font is None:
            if not key.is_file():
                raise FileNotFoundError(f"font file not found: {key}")
            font = _build(key)
            _cache[key] = font
        return font


_thread = threading.local()
write_lock = threading.RLock()  # one document's /W must not be swapped by another thread while it is written


def _used_glyphs(font: MeasuredFont) -> set[int]:
    sets: dict[int, set[int]] | None = getattr(_thread, "used", None)
    if sets is None:
        sets = _thread.used = {}
    return sets.setdefault(id(font), set())


def start_document() -> None:
    """Forget the glyphs this thread encoded for its previous document."""
    _thread.used = {}


def sync_widths() -> None:
    """Set every loaded font's ``/W`` to this thread's current document (call just before writing it)."""
    with _lock:
        fonts = list(_cache.values())
    for font in fonts:
        font.sync_widths()


def default_fonts_dir() -> Path:
    """``<repo>/static/fonts`` when running from a source checkout (a frozen app passes its own folder)."""
    return Path(__file__).resolve().parents[2] / "static" / "fonts"


def load_fonts(fonts_dir: Path) -> tuple[MeasuredFont, MeasuredFont]:
    """Return (regular, bold) DejaVu Sans from ``fonts_dir``."""
    return load_font(fonts_dir / REGULAR), load_font(fonts_dir / BOLD)
