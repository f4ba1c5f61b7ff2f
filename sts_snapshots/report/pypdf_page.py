"""A page drawn with the report's canvas, written straight into a pypdf writer (the cover).

The cover is one page of the report's own drawing operators and shaped text (:class:`~.canvas.PageContent`):
borb would only serialise it, and the assembly would then parse it back. Painted here, the assembled file gets
the page directly: the same operators, one subset font per face (:func:`~.textops.embed_fonts`), the same font
dictionaries (:mod:`~.pdffonts`, through :func:`~.pdftree.to_pypdf`), named ``F1``, ``F2``... as borb's are.
"""

from __future__ import annotations

import io

from pypdf import PageObject, PdfWriter
from pypdf.generic import DictionaryObject, NameObject, PdfObject

from sts_snapshots.report.canvas import PageContent
from sts_snapshots.report.pdftree import Stream, Value, to_pypdf
from sts_snapshots.report.textops import TextWriter, embed_fonts


def paint_page(writer: PdfWriter, content: PageContent, width: float, height: float) -> PageObject:
    """Add a ``width`` x ``height`` page painting ``content`` to ``writer``; returns the page."""
    page = writer.add_blank_page(width, height)
    fonts = embed_fonts(content.pieces())
    names = {face: f"F{number}" for number, face in enumerate(fonts, start=1)}
    memo: dict[int, tuple[Value, PdfObject]] = {}
    page_fonts = DictionaryObject({NameObject("/" + names[face]): to_pypdf(font.tree, writer, memo)
                                   for face, font in fonts.items()})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): page_fonts})
    data = content.data(TextWriter(fonts, names))
    page[NameObject("/Contents")] = to_pypdf(Stream.compressed(data), writer, memo)
    return page


def page_pdf(content: PageContent, width: float, height: float) -> bytes:
    """A one-page PDF of ``content`` (the cover on its own, as tests and the bench read it)."""
    writer = PdfWriter()
    paint_page(writer, content, width, height)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
