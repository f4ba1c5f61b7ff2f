"""Text painted over finished PDF pages (page stamps), through pypdf, with the report's own text engine.

The contract the assembly relies on: :func:`text_width` measures, :func:`overlay_text` paints every stamp of a
file at once, so one font subset per face serves all of them. Shaping, font fallback, bidi and the font
dictionaries are the same as in the report pages (:mod:`~.textops`, :mod:`~.pdffonts`); only the adapter to
pypdf objects differs. A stamped page may be a foreign PDF: its own content is wrapped in ``q``/``Q``, and its
resources (possibly indirect, shared or inherited) are copied, never modified, with the stamp fonts added under
names it does not use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pypdf import PageObject, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, PdfObject

from sts_snapshots.report.composed import Composed
from sts_snapshots.report.faces import Face
from sts_snapshots.report.fonts import MeasuredFont, default_fonts_dir, load_fonts
from sts_snapshots.report.pdftree import Stream, Value, to_pypdf
from sts_snapshots.report.shaping import shape
from sts_snapshots.report.textops import TextPiece, TextWriter, embed_fonts


@dataclass(frozen=True)
class OverlayText:
    """One line of text on a page: baseline at (x, baseline) in the page's own coordinates (points).

    ``align`` "right"/"center" place it inside [x, x + width]; ``color`` is RGB in 0..1.
    """

    x: float
    baseline: float
    text: str | Composed  # a composed line keeps each user value a bidi isolate
    size: float
    bold: bool = False
    color: tuple[float, float, float] = (0.37, 0.42, 0.48)
    align: str = "left"
    width: float = 0.0


def _font(bold: bool) -> MeasuredFont:
    return load_fonts(default_fonts_dir())[1 if bold else 0]


def _space(text: str) -> str:
    return re.sub(r"\s", " ", text)


def _clean(text: str | Composed) -> str | Composed:
    return text.map(_space) if isinstance(text, Composed) else _space(text)


def text_width(text: str | Composed, size: float, bold: bool = False) -> float:
    """Painted width of ``text`` at ``size`` points (shaped, with the report's fonts)."""
    return shape(_font(bold), _clean(text)).width * size / 1000


def _piece(line: OverlayText) -> TextPiece:
    shaped = shape(_font(line.bold), _clean(line.text))
    x = line.x
    if line.align != "left":
        w = shaped.width * line.size / 1000
        x += (line.width - w) if line.align == "right" else (line.width - w) / 2
    r, g, b = line.color
    return TextPiece(round(x, 2), round(line.baseline, 2), line.size, f"{r:.3f} {g:.3f} {b:.3f}", shaped)


def _resources(page: PageObject) -> DictionaryObject:
    """The page's resources, following inheritance from the page tree (empty if there are none)."""
    node: PdfObject | None = page
    while node is not None:
        node = node.get_object()
        assert isinstance(node, DictionaryObject)
        resources = node.get("/Resources")
        if resources is not None:
            found = resources.get_object()
            return found if isinstance(found, DictionaryObject) else DictionaryObject()
        node = node.get("/Parent")
    return DictionaryObject()


def _font_names(faces: list[Face], taken: set[str]) -> dict[Face, str]:
    """A resource name per face that none of the stamped pages already uses."""
    names: dict[Face, str] = {}
    for face in faces:
        base = "STS" + re.sub(r"[^A-Za-z0-9]", "", face.key)
        candidate, number = base, 1
        while "/" + candidate in taken:
            number += 1
            candidate = f"{base}{number}"
        taken.add("/" + candidate)
        names[face] = candidate
    return names


def _contents(page: PageObject) -> list[PdfObject]:
    contents = page.get("/Contents")
    if contents is None:
        return []
    resolved = contents.get_object()
    return list(resolved) if isinstance(resolved, ArrayObject) else [contents]


def overlay_text(writer: PdfWriter, stamps: dict[int, list[OverlayText]]) -> None:
    """Paint ``stamps`` (page index -> lines) over the pages of ``writer``; each page's own content is kept intact."""
    pieces = {index: [_piece(line) for line in lines] for index, lines in stamps.items() if lines}
    fonts = embed_fonts(piece for page_pieces in pieces.values() for piece in page_pieces)
    if not fonts:
        return
    resources = {index: _resources(writer.pages[index]) for index in pieces}
    taken: set[str] = set()
    for found in resources.values():
        page_fonts = found.get("/Font")
        if page_fonts is not None:
            taken.update(str(key) for key in page_fonts.get_object())
    names = _font_names(list(fonts), taken)
    text = TextWriter(fonts, names)
    memo: dict[int, tuple[Value, PdfObject]] = {}
    font_objects = {face: to_pypdf(font.tree, writer, memo) for face, font in fonts.items()}
    before = to_pypdf(Stream.compressed(b"q\n"), writer, memo)
    for index, page_pieces in pieces.items():
        page = writer.pages[index]
        copied = DictionaryObject(resources[index])
        page_fonts = copied.get("/Font")
        page_fonts = DictionaryObject(page_fonts.get_object()) if page_fonts is not None else DictionaryObject()
        for face in dict.fromkeys(run.face for piece in page_pieces for run in piece.shaped.runs):
            page_fonts[NameObject("/" + names[face])] = font_objects[face]
        copied[NameObject("/Font")] = page_fonts
        page[NameObject("/Resources")] = copied
        ops = "\nQ\nq\n" + "".join(text.ops(piece) for piece in page_pieces) + "Q\n"
        after = to_pypdf(Stream.compressed(ops.encode("latin-1")), writer, memo)
        page[NameObject("/Contents")] = ArrayObject([before, *_contents(page), after])
