"""Test inputs for included documents: hostile and odd PDFs (built with pypdf or by hand), PNG and JPEG files."""

from __future__ import annotations

import io
import struct
import subprocess
import zlib
from pathlib import Path

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    RectangleObject,
    TextStringObject,
)

from sts_snapshots.domain.report_model import AppendixItem, IncludedFile, ReportModel
from sts_snapshots.report.evidence import Limits


def raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF of ``objects`` (object n is objects[n-1]; 1 is the catalog) with a correct xref table."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def amplified_pdf() -> bytes:
    """About 2 KB whose page tree names one page 27 x 19 x 193 = 99,003 times."""
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Count 99003 /Kids [" + b"3 0 R " * 27 + b"] >>",
        b"<< /Type /Pages /Count 3667 /Parent 2 0 R /Kids [" + b"4 0 R " * 19 + b"] >>",
        b"<< /Type /Pages /Count 193 /Parent 3 0 R /Kids [" + b"5 0 R " * 193 + b"] >>",
        b"<< /Type /Page /Parent 4 0 R /MediaBox [0 0 200 200] /Contents 6 0 R >>",
        b"<< /Length 0 >>\nstream\n\nendstream",
    ])


def _js(code: str) -> DictionaryObject:
    return DictionaryObject({NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject(code)})


def hostile_pdf() -> bytes:
    """Two pages full of active content; the second rotated 90° with a crop box offset from its media box."""
    writer = PdfWriter()
    first = writer.add_blank_page(300, 400)
    second = writer.add_blank_page(612, 792)
    for page, text in ((first, "HOSTILE PAGE ONE"), (second, "ROTATED PAGE TWO")):
        font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                                 NameObject("/BaseFont"): NameObject("/Helvetica")})
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})})
        from pypdf.generic import DecodedStreamObject

        content = DecodedStreamObject()
        content.set_data(f"BT /F1 14 Tf 120 200 Td ({text}) Tj ET 0 0 1 rg 0 0 40 40 re f".encode())
        page[NameObject("/Contents")] = writer._add_object(content)
        page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): _js("app.alert('page open')")})
        link = DictionaryObject({
            NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): RectangleObject((10, 10, 100, 30)), NameObject("/A"): _js("app.alert('click')"),
        })
        launch = DictionaryObject({
            NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): RectangleObject((10, 40, 100, 60)),
            NameObject("/A"): DictionaryObject({NameObject("/S"): NameObject("/Launch"),
                                                NameObject("/F"): TextStringObject("cmd.exe")}),
        })
        page[NameObject("/Annots")] = ArrayObject([writer._add_object(link), writer._add_object(launch)])
    second[NameObject("/Rotate")] = NumberObject(90)
    second[NameObject("/CropBox")] = ArrayObject([FloatObject(v) for v in (50, 60, 562, 732)])
    names = DictionaryObject({NameObject("/Names"): ArrayObject(
        [TextStringObject("init"), writer._add_object(_js("app.alert('document open')"))])})
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): names})
    writer._root_object[NameObject("/OpenAction")] = _js("app.alert('open action')")
    writer._root_object[NameObject("/AA")] = DictionaryObject({NameObject("/WC"): _js("app.alert('close')")})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _filter(row: bytes, prev: bytes, bpp: int, kind: int) -> bytes:
    out = bytearray()
    for x, v in enumerate(row):
        a = row[x - bpp] if x >= bpp else 0
        b = prev[x]
        c = prev[x - bpp] if x >= bpp else 0
        if kind == 0:
            pred = 0
        elif kind == 1:
            pred = a
        elif kind == 2:
            pred = b
        elif kind == 3:
            pred = (a + b) >> 1
        else:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
        out.append((v - pred) & 0xFF)
    return bytes([kind]) + bytes(out)


def png(width: int, height: int, alpha: bool) -> bytes:
    """A colourful gradient (RGB or RGBA with a transparent corner), rows filtered with every PNG filter type."""
    bpp = 4 if alpha else 3
    rows, prev = [], bytes(width * bpp)
    for y in range(height):
        row = bytearray()
        for x in range(width):
            row += bytes((x * 255 // width, y * 255 // height, 160))
            if alpha:
                row.append(0 if x < width // 4 and y < height // 4 else 255)
        rows.append(_filter(bytes(row), prev, bpp, y % 5))
        prev = bytes(row)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 6 if alpha else 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows)))
            + chunk(b"IEND", b""))


def jpeg(tmp: Path) -> bytes:
    """A real JPEG: a PNG gradient page rendered by pdftoppm."""
    from sts_snapshots.report.images import image_page

    (tmp / "src.pdf").write_bytes(image_page(png(120, 80, False), lambda: None))
    subprocess.run(["pdftoppm", "-r", "30", "-jpeg", "-singlefile", str(tmp / "src.pdf"), str(tmp / "src")],
                   check=True)
    return (tmp / "src.jpg").read_bytes()


def included(path: Path, kind: str, status: str = "approved", document: str = "Q88 questionnaire",
             limits: Limits | None = None) -> tuple[IncludedFile, AppendixItem]:
    """The model entry and the appendix item of one stored file."""
    limits = limits or Limits()
    file = IncludedFile(document=document, group="Mother vessel — MT Solo", vessel="MT Solo", status=status,
                        version=3, uploaded_by="master@solo.example", uploaded_at="2026-11-20T09:00:00+00:00",
                        file_name=path.name, sha256="0" * 64, size=path.stat().st_size if path.exists() else 0,
                        mime="application/pdf", file_id=path.name, kind=kind,  # type: ignore[typeddict-item]
                        limit_pages=limits.pages, limit_total_pages=limits.total_pages, limit_bytes=limits.bytes,
                        limit_seconds=int(limits.seconds), first_page=None, last_page=None, not_included=None)
    item = AppendixItem(path=str(path), name=path.name, kind=kind, title=f"{document} ({path.name})",  # type: ignore[typeddict-item]
                        attachment=f"MT Solo - {document} - v3 - {path.name}",
                        label=f"{document} — v3 — {path.name}", status=status)
    return file, item


def with_files(model: ReportModel, entries: list[tuple[IncludedFile, AppendixItem]]) -> ReportModel:
    return {**model, "included_files": [f for f, _ in entries], "content_key": "k" * 64}
