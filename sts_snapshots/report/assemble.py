"""Final snapshot PDF: cover + cached body, page stamps, bookmarks, appended PDFs and file attachments (pypdf)."""

from __future__ import annotations

import io
import json
from datetime import UTC
from pathlib import Path
from typing import Any

from borb.pdf.font.simple_font.helvetica.helvetica import Helvetica
from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, IndirectObject, NameObject

from sts_snapshots.domain.report_model import AppendixItem, SnapshotFacts
from sts_snapshots.domain.time import parse_moment
from sts_snapshots.report.body import OUTLINE_KEY

STAMP_SIZE = 7.5
STAMP_BASELINE = 24  # inside the 15 mm the body and cover leave free, below their own footer


def _stamp_text(facts: SnapshotFacts, number: int, total: int) -> str:
    """The footer stamped on report pages (ASCII only: it uses the non-embedded Helvetica).

    >>> _stamp_text({"snapshot_id": "7c1e"}, 2, 9)
    'Snapshot 7c1e  |  Page 2 of 9'
    """
    snapshot = facts["snapshot_id"].encode("ascii", "replace").decode("ascii")
    return f"Snapshot {snapshot}  |  Page {number} of {total}"


def _pdf_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _stamp_page(text: str, width: float, height: float) -> PageObject:
    """A transparent page holding only the stamp, to be merged over a report page."""
    text_w = Helvetica().get_width(text=text, font_size=STAMP_SIZE)
    x = (width - text_w) / 2
    page = PageObject.create_blank_page(width=width, height=height)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/FSTSStamp"): font})}
    )
    content = DecodedStreamObject()
    content.set_data(
        f"q BT /FSTSStamp {STAMP_SIZE} Tf 0.37 0.42 0.48 rg {x:.2f} {STAMP_BASELINE} Td "
        f"({_pdf_string(text)}) Tj ET Q".encode("ascii")
    )
    page[NameObject("/Contents")] = content
    return page


def _body_outline(reader: PdfReader) -> list[dict[str, Any]]:
    """Section -> page map that render_body stored in the document info (empty for foreign PDFs)."""
    info = reader.trailer.get("/Info")
    raw = info.get_object().get(f"/{OUTLINE_KEY}") if info is not None else None
    if raw is None:
        return []
    data = getattr(raw, "original_bytes", None) or str(raw).encode("latin-1")
    try:
        entries = json.loads(data.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        return []
    return [e for e in entries if isinstance(e, dict) and "title" in e and "page" in e]


def _add_bookmarks(writer: PdfWriter, body: PdfReader, cover_pages: int) -> None:
    writer.add_outline_item(title="Cover", page_number=0)
    parent: IndirectObject | None = None
    number = 0
    for entry in _body_outline(body):
        page = cover_pages + int(entry["page"])
        if entry.get("level", 0) == 0:
            number += 1
            parent = writer.add_outline_item(title=f"{number}. {entry['title']}", page_number=page)
        else:
            writer.add_outline_item(title=str(entry["title"]), page_number=page, parent=parent)


def _read_pdf(item: AppendixItem) -> PdfReader:
    """Open an appendix PDF, turning every failure into a ValueError that names the file."""
    label = item["name"] or item["path"]
    try:
        reader = PdfReader(Path(item["path"]), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValueError("it is encrypted")
        if len(reader.pages) == 0:
            raise ValueError("it has no pages")
        return reader
    except Exception as exc:
        raise ValueError(f"Cannot include {label!r} in the snapshot: not a readable PDF ({exc})") from exc


def _pdf_date(generated_at: str) -> str | None:
    """'2026-11-28 14:05:12 UTC' -> 'D:20261128140512Z' (None if the format is unexpected).

    >>> _pdf_date("2026-11-28 14:05:12 UTC")
    'D:20261128140512Z'
    >>> _pdf_date("soon") is None
    True
    """
    moment = parse_moment(generated_at.removesuffix(" UTC"))
    return moment.astimezone(UTC).strftime("D:%Y%m%d%H%M%SZ") if moment else None


def assemble(
    cover_pdf: bytes, body_pdf: bytes, facts: SnapshotFacts, appendix: list[AppendixItem]
) -> tuple[bytes, int]:
    """Join cover and body, stamp every report page, add bookmarks, then append/attach the included files.

    :param cover_pdf: output of ``render_cover``.
    :param body_pdf: output of ``render_body``.
    :param facts: the snapshot's facts (its id, title, time and author).
    :param appendix: the files to add after the report, in order.
    :return: (PDF bytes, total page count).
    :raises ValueError: if an appendix PDF cannot be read, or an appendix file is missing.
    """
    cover = PdfReader(io.BytesIO(cover_pdf))
    body = PdfReader(io.BytesIO(body_pdf))
    writer = PdfWriter()
    writer.append(cover, import_outline=False)
    writer.append(body, import_outline=False)
    report_pages = len(writer.pages)
    for index, page in enumerate(writer.pages):
        box = page.mediabox
        page.merge_page(_stamp_page(_stamp_text(facts, index + 1, report_pages), float(box.width), float(box.height)))
    _add_bookmarks(writer, body, len(cover.pages))

    used_names: set[str] = set()
    for item in appendix:
        if item["kind"] == "pdf":
            reader = _read_pdf(item)
            start = len(writer.pages)
            writer.append(reader, import_outline=False)
            # top level, after the report's sections: each included file is a document of its own
            writer.add_outline_item(title=item["title"] or item["name"], page_number=start)
        else:
            try:
                data = Path(item["path"]).read_bytes()
            except OSError as exc:
                raise ValueError(f"Cannot attach {item['name']!r} to the snapshot: {exc}") from exc
            filename = item["name"] or Path(item["path"]).name
            stem, dot, ext = filename.rpartition(".")
            n = 2
            while filename in used_names:  # attachment names must be unique in the PDF name tree
                filename = f"{stem} ({n}).{ext}" if dot else f"{ext} ({n})"
                n += 1
            used_names.add(filename)
            writer.add_attachment(filename, data)

    metadata = {
        "/Title": facts["title"] or "STS Clearance Snapshot",
        "/Author": facts["generated_by"],
        "/Subject": f"STS clearance snapshot {facts['snapshot_id']}".strip(),
        "/Creator": "STS Snapshots",
        # borb's AGPL terms ask that the producer line keeps naming borb
        "/Producer": "borb (borb.pdf) and pypdf",
    }
    created = _pdf_date(facts["generated_at"])
    if created:
        metadata["/CreationDate"] = created
    writer.add_metadata(metadata)
    writer.page_mode = "/UseOutlines"
    # cover and body each embed the same DejaVu subsets: keep one copy
    writer.compress_identical_objects()  # defaults: drop duplicates and orphans
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), len(writer.pages)
