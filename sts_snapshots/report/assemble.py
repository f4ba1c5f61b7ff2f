"""Final snapshot PDF: cover + cached body, included pages and attachments, page stamps, bookmarks (pypdf)."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from datetime import UTC
from typing import Any

from pypdf import PdfReader, PdfWriter
from pypdf.generic import IndirectObject, RectangleObject

from sts_snapshots.domain.report_model import AppendixItem, SnapshotFacts
from sts_snapshots.domain.time import parse_moment
from sts_snapshots.report import theme
from sts_snapshots.report.body import OUTLINE_KEY
from sts_snapshots.report.canvas import PageContent
from sts_snapshots.report.evidence import Prepared
from sts_snapshots.report.overlay import OverlayText, overlay_text
from sts_snapshots.report.pypdf_page import paint_page
from sts_snapshots.report.stamps import STAMP_SIZE, appended_stamps, frame_page, not_approved, unique_name

# The cover is one page (draw_cover); the body's pages follow it.
COVER_PAGES = 1
# The report's own pages are stamped inside the 15 mm the body and cover leave free, below their own footer.
REPORT_STAMP_BASELINE = 24


def _stamp_text(facts: SnapshotFacts, number: int, total: int) -> str:
    """The stamp line every page carries.

    >>> _stamp_text({"snapshot_id": "7c1e"}, 2, 9)
    'Snapshot 7c1e  |  Page 2 of 9'
    """
    return f"Snapshot {facts['snapshot_id']}  |  Page {number} of {total}"


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
    cover: PageContent, body_pdf: bytes, facts: SnapshotFacts, appendix: Sequence[Prepared]
) -> tuple[bytes, int]:
    """Paint the cover, join the body, append/attach the included files, stamp every page, add bookmarks and
    metadata.

    :param cover: output of ``draw_cover`` (painted here as the first page).
    :param body_pdf: output of ``render_body``.
    :param facts: the snapshot's facts (its id, title, time and author).
    :param appendix: the included files as :func:`~sts_snapshots.report.evidence.prepare` left them, in order;
        a file left out adds nothing.
    :return: (PDF bytes, total page count).
    """
    body = PdfReader(io.BytesIO(body_pdf))
    writer = PdfWriter()
    paint_page(writer, cover, theme.PAGE_W, theme.PAGE_H)
    writer.append(body, import_outline=False)
    report_pages = len(writer.pages)
    _add_bookmarks(writer, body, COVER_PAGES)

    frames: list[tuple[int, AppendixItem, RectangleObject]] = []
    used_names: set[str] = set()
    for prepared in appendix:
        item = prepared.item
        if prepared.pdf is not None:
            start = len(writer.pages)
            writer.append(PdfReader(io.BytesIO(prepared.pdf)), import_outline=False)
            for index in range(start, len(writer.pages)):
                frames.append((index, item, frame_page(writer, writer.pages[index], not_approved(item["status"]))))
            # top level, after the report's sections: each included file is a document of its own
            writer.add_outline_item(title=item["title"] or item["name"], page_number=start)
        if prepared.attach is not None:
            writer.add_attachment(unique_name(item["attachment"] or item["name"], used_names), prepared.attach)

    total = len(writer.pages)
    stamps: dict[int, list[OverlayText]] = {}
    for index in range(report_pages):
        box = writer.pages[index].mediabox
        stamps[index] = [OverlayText(float(box.left), REPORT_STAMP_BASELINE, _stamp_text(facts, index + 1, total),
                                     STAMP_SIZE, align="center", width=float(box.width))]
    for index, item, box in frames:
        stamps[index] = appended_stamps(box, _stamp_text(facts, index + 1, total), item)
    overlay_text(writer, stamps)

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
    return out.getvalue(), total
