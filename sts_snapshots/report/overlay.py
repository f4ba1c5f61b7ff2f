"""Text painted over finished PDF pages (page stamps), through pypdf.

The contract the assembly relies on: :func:`text_width` measures, :func:`overlay_text` paints every stamp of a
file at once (so one font subset serves all of them). INTERIM: this first version still uses the non-embedded
Helvetica (ASCII only); the text engine replaces it with the report's own embedded fonts and shaping.
"""

from __future__ import annotations

from dataclasses import dataclass

from borb.pdf.font.simple_font.helvetica.helvetica import Helvetica
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject


@dataclass(frozen=True)
class OverlayText:
    """One line of text on a page: baseline at (x, baseline) in the page's own coordinates (points).

    ``align`` "right"/"center" place it inside [x, x + width]; ``color`` is RGB in 0..1.
    """

    x: float
    baseline: float
    text: str
    size: float
    bold: bool = False
    color: tuple[float, float, float] = (0.37, 0.42, 0.48)
    align: str = "left"
    width: float = 0.0


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Painted width of ``text`` at ``size`` points."""
    return float(Helvetica().get_width(text=_ascii(text), font_size=size))


def _ascii(text: str) -> str:
    return text.encode("ascii", "replace").decode("ascii")


def _pdf_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def overlay_text(writer: PdfWriter, stamps: dict[int, list[OverlayText]]) -> None:
    """Paint ``stamps`` (page index -> lines) over the pages of ``writer``; each page's own content is kept intact."""
    font = writer._add_object(DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica"), NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
    }))
    for index, lines in stamps.items():
        page = writer.pages[index]
        ops = []
        for line in lines:
            text = _ascii(line.text)
            x = line.x
            if line.align != "left":
                w = text_width(text, line.size, line.bold)
                x += (line.width - w) if line.align == "right" else (line.width - w) / 2
            r, g, b = line.color
            ops.append(f"BT /STSStamp {line.size} Tf {r:.3f} {g:.3f} {b:.3f} rg {x:.2f} {line.baseline:.2f} Td "
                       f"({_pdf_string(text)}) Tj ET")
        resources = page.get("/Resources")
        resources = resources.get_object() if resources is not None else DictionaryObject()
        fonts = resources.get("/Font")
        fonts = fonts.get_object() if fonts is not None else DictionaryObject()
        fonts[NameObject("/STSStamp")] = font
        resources[NameObject("/Font")] = fonts
        page[NameObject("/Resources")] = resources
        before, after = DecodedStreamObject(), DecodedStreamObject()
        before.set_data(b"q\n")
        after.set_data(("\nQ\nq\n" + "\n".join(ops) + "\nQ\n").encode("ascii"))
        contents = page.get("/Contents")
        existing = [] if contents is None else (
            list(contents.get_object()) if isinstance(contents.get_object(), ArrayObject) else [contents])
        page[NameObject("/Contents")] = ArrayObject(
            [writer._add_object(before), *existing, writer._add_object(after)])
