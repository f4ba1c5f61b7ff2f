"""Embedded PDF fonts built by hand: one Type0 (Identity-H) font per face a PDF part uses, subset to its glyphs.

glyf faces become CIDFontType2 with ``/FontFile2``; the CID-keyed CFF of Noto Sans CJK becomes CIDFontType0 with
``/FontFile3 /Subtype /CIDFontType0C``. HarfBuzz's subsetter renumbers glyphs (:attr:`EmbeddedFont.new_gid`), so
glyph ids are written into content streams only after every glyph of the part is known. For the CFF face
``CFF_IDENTITY_CHARSET`` makes the subset's CIDs equal its new glyph ids; without it viewers draw CJK blank.
"""

from __future__ import annotations

import functools
import hashlib
import zlib
from dataclasses import dataclass, field

import uharfbuzz as hb

from sts_snapshots.report.faces import Face
from sts_snapshots.report.pdftree import Name, Stream, Value
from sts_snapshots.report.scripts import is_invisible
from sts_snapshots.report.shaping import GlyphRun

# Tables a PDF viewer never reads (layout, vertical metrics, hinting control, signatures, editor data).
_DROP = ("GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH", "kern", "DSIG", "FFTM", "VORG", "vhea", "vmtx", "gasp")
_CFF_KEEP = ("CFF ", "head", "hhea", "hmtx", "maxp")
_FLAGS = hb.SubsetFlags.NO_HINTING | hb.SubsetFlags.NO_LAYOUT_CLOSURE | hb.SubsetFlags.NOTDEF_OUTLINE


def pdf_width(face: Face, gid: int) -> float:
    """The ``/W`` width of a glyph (thousandths of an em), as written: text positioning is relative to it."""
    return round(face.advance(gid), 2)


def unicode_text(run: GlyphRun, text: str) -> str:
    """What a glyph of ``run`` standing for ``text`` maps to in ToUnicode.

    Text extractors reverse right-to-left glyphs, so a ligature of an RTL run is mapped in visual order.
    """
    return text[::-1] if run.rtl else text


@dataclass
class GlyphUse:
    """The glyphs one PDF part draws with one face, and the text each stands for (first strong use wins)."""

    face: Face
    texts: dict[int, str] = field(default_factory=dict)
    _runs: set[int] = field(default_factory=set)

    def add(self, run: GlyphRun) -> None:
        """Record the glyphs of ``run`` (a run object seen before is skipped: shaped lines are cached)."""
        if id(run) in self._runs:
            return
        self._runs.add(id(run))
        texts = self.texts
        for glyph in run.glyphs:
            text = "\ufffd" if glyph.gid == 0 else unicode_text(run, glyph.text)
            old = texts.get(glyph.gid)
            # a zero-width joiner shown as a space glyph must not make every space extract as a joiner
            if old is None or (old != text and _weak(old) and not _weak(text)):
                texts[glyph.gid] = text


def _weak(text: str) -> bool:
    return all(is_invisible(c) for c in text)


@dataclass(frozen=True)
class EmbeddedFont:
    """A face subset for one PDF part: its font dictionary and the old -> new glyph id map."""

    face: Face
    tree: dict[str, Value]
    new_gid: dict[int, int]
    texts: dict[int, str]


# one object shared by every font of a PDF part (the adapters convert a shared value once)
_IDENTITY: dict[str, Value] = {"Registry": "Adobe", "Ordering": "Identity", "Supplement": 0}


def _tag(face: Face, gids: list[int]) -> str:
    digest = hashlib.sha256(f"{face.key}:{gids}".encode()).digest()
    return "".join(chr(ord("A") + b % 26) for b in digest[:6])


@functools.lru_cache(maxsize=64)
def _program(face: Face, gids: tuple[int, ...]) -> tuple[bytes, int, dict[int, int]]:
    """The subset of ``face`` to ``gids``, compressed, with its uncompressed length and the glyph renumbering.

    Kept per process: a room's cover (every cache hit renders one) and its body share the glyphs of the room's
    names from one snapshot to the next, and a CJK subset costs milliseconds. Same input, same bytes.
    """
    program, new_gid = _subset(face, list(gids))
    return zlib.compress(program, 9), len(program), new_gid


def _subset(face: Face, gids: list[int]) -> tuple[bytes, dict[int, int]]:
    """The font program reduced to ``gids`` (plus ``.notdef``) and the glyph renumbering."""
    subset_input = hb.SubsetInput()
    subset_input.glyph_set.update(gids)
    subset_input.flags = _FLAGS | (hb.SubsetFlags.CFF_IDENTITY_CHARSET if face.cff else 0)
    # for the CFF face only the CFF table is embedded: skip subsetting the others (cmap alone costs ~1 ms)
    drop = [t for t in face.hb_face.table_tags if t not in _CFF_KEEP] if face.cff else _DROP
    for tag in drop:
        subset_input.drop_table_tag_set.add(int.from_bytes(tag.encode("ascii"), "big"))
    plan = hb.SubsetPlan(face.hb_face, subset_input)
    mapping = dict(plan.old_to_new_glyph_mapping.items())
    result = plan.execute()
    data = result.reference_table("CFF ").data if face.cff else result.blob.data
    return bytes(data), mapping


def _widths(widths: list[float]) -> tuple[int, list[Value]]:
    """``/DW`` (the most common whole width) and a ``/W`` array listing only the other glyphs.

    borb visits every number of a document once per indirect object (quadratic), so a short ``/W`` matters: with
    Noto Sans CJK nearly every glyph is one em wide and ``/W`` is almost empty.

    >>> _widths([500.0, 1000.0, 1000.0, 1000.0, 250.0, 300.0])
    (1000, [0, [500.0], 4, [250.0, 300.0]])
    >>> _widths([636.23, 636.23, 500.0])
    (500, [0, [636.23, 636.23]])
    """
    counts: dict[float, int] = {}
    for width in widths:
        if width.is_integer():  # poppler ignores a fractional /DW (and then uses 1000)
            counts[width] = counts.get(width, 0) + 1
    default = max(counts, key=lambda w: (counts[w], w)) if counts else 1000.0
    array: list[Value] = []
    run: list[Value] = []
    for gid, width in enumerate(widths):
        if width == default:
            run = []
            continue
        if not run:
            run = []
            array += [gid, run]
        run.append(width)
    return int(default), array


def _to_unicode(texts: dict[int, str]) -> bytes:
    """A ToUnicode CMap for 2-byte codes (the subset's glyph ids)."""
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
    pairs = sorted(texts.items())
    for i in range(0, len(pairs), 100):
        block = pairs[i : i + 100]
        lines.append(f"{len(block)} beginbfchar")
        lines += [f"<{code:04X}> <{text.encode('utf-16-be').hex().upper()}>" for code, text in block]
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return ("\n".join(lines) + "\n").encode("ascii")


def embed(use: GlyphUse) -> EmbeddedFont:
    """Build the subset font program and the Type0 font dictionary for the glyphs in ``use``."""
    face = use.face
    gids = sorted({0, *use.texts})
    program, length, new_gid = _program(face, tuple(gids))
    base = Name(f"{_tag(face, gids)}+{face.ps_name}")
    descriptor: dict[str, Value] = {
        "Type": Name("FontDescriptor"),
        "FontName": base,
        "Flags": 4,
        "FontBBox": list(face.bbox),
        "ItalicAngle": 0,
        "Ascent": face.ascent,
        "Descent": face.descent,
        "CapHeight": face.cap_height,
        "StemV": 120 if "Bold" in face.key else 80,
    }
    if face.cff:
        descriptor["FontFile3"] = Stream({"Subtype": Name("CIDFontType0C")}, program)
    else:
        descriptor["FontFile2"] = Stream({"Length1": length}, program)
    default_width, widths = _widths([pdf_width(face, old) for old in sorted(new_gid, key=new_gid.__getitem__)])
    cid_font: dict[str, Value] = {
        "Type": Name("Font"),
        "Subtype": Name("CIDFontType0" if face.cff else "CIDFontType2"),
        "BaseFont": base,
        "CIDSystemInfo": _IDENTITY,
        "FontDescriptor": descriptor,
        "DW": default_width,
        "W": widths,
    }
    if not face.cff:
        cid_font["CIDToGIDMap"] = Name("Identity")
    texts = {new_gid[old]: text for old, text in use.texts.items() if text}
    tree: dict[str, Value] = {
        "Type": Name("Font"),
        "Subtype": Name("Type0"),
        "BaseFont": base,
        "Encoding": Name("Identity-H"),
        "DescendantFonts": [cid_font],
        "ToUnicode": Stream.compressed(_to_unicode(texts)),
    }
    return EmbeddedFont(face, tree, new_gid, use.texts)
