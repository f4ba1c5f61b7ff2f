"""Body section "Included documents": every bundled file, its status, its digest and where it is in the file."""

from __future__ import annotations

from borb.pdf import Color

from sts_snapshots.domain.labels import format_size, status_label
from sts_snapshots.domain.report_model import IncludedFile, ReportModel
from sts_snapshots.report import theme
from sts_snapshots.report.canvas import Style, wrap
from sts_snapshots.report.composed import Composed, Value
from sts_snapshots.report.layout import Flow, Table, fit_columns
from sts_snapshots.report.sections import Outline, table_or_empty
from sts_snapshots.report.styles import Styles


def placement(file: IncludedFile) -> str:
    """Where the file is in the snapshot, or why it is not.

    >>> placement({"kind": "pdf", "first_page": 12, "last_page": 15, "not_included": None})
    'Pages 12–15'
    >>> placement({"kind": "image", "first_page": 9, "last_page": 9, "not_included": None})
    'Page 9, and attached'
    >>> placement({"kind": "pdf", "first_page": None, "last_page": None, "not_included": "it is encrypted"})
    'Not included: it is encrypted'
    """
    if file["not_included"]:
        return f"Not included: {file['not_included']}"
    first, last = file["first_page"], file["last_page"]
    if file["kind"] == "attachment":
        return "Attached (not shown as pages)"
    if first is None or last is None:
        return "Appended pages" if file["kind"] == "pdf" else "Own page, and attached"
    pages = f"Page {first}" if first == last else f"Pages {first}–{last}"
    return pages + (", and attached" if file["kind"] == "image" else "")


def included_files(flow: Flow, styles: Styles, model: ReportModel, outline: Outline) -> None:
    """Section: index of the files bundled with this snapshot, with their status and full SHA-256."""
    files = model["included_files"]
    limits = files[0] if files else None
    intro = (
        "The latest version of each document is part of this snapshot: PDF pages and PNG/JPEG images follow this "
        "report, each page stamped with the document, its status and the snapshot's page number; other files are "
        "embedded as PDF attachments. A document that is not approved is included but marked on every page: it is "
        "not accepted as evidence. The SHA-256 digest identifies each file exactly."
    )
    if limits is not None:
        intro += (
            f" Limits: {limits['limit_pages']} pages per file, {limits['limit_total_pages']} pages in all, "
            f"{format_size(limits['limit_bytes'])} and {limits['limit_seconds']} s of reading per file."
        )
    flow.lines(wrap(intro, styles.small, theme.CONTENT_W))
    flow.gap(4)
    spec = [("Document", 27), ("File", 31), ("Status", 14), ("In this file", 28)]
    table = Table(fit_columns(spec), styles.table_head)
    for index, item in enumerate(files):
        fill = theme.ZEBRA if index % 2 else theme.WHITE
        status = item["status"] or "missing"
        colour = theme.STATUS_COLOUR.get(status, theme.GREY)
        status_parts: list[tuple[str, Style] | tuple[str, Style, Color]] = [
            (status_label(status), styles.badge, colour)]
        if status != "approved":
            status_parts.append(("Not approved: not accepted as evidence", styles.alert))
        where = placement(item)
        table.add(
            table.cell(0, (theme.text_or_dash(item["document"]), styles.strong), (item["group"], styles.small)),
            table.cell(1, (theme.text_or_dash(item["file_name"]), styles.body),
                       (Composed.of(f"Version {item['version']} · {format_size(item['size'])} · ",
                                    Value(item["mime"])), styles.small),
                       (Composed.of("Uploaded by ", Value(item["uploaded_by"])), styles.small),
                       (theme.fmt_datetime(item["uploaded_at"]) if item["uploaded_at"] else "", styles.small)),
            table.cell(2, *status_parts),
            table.cell(3, (where, styles.alert if item["not_included"] else styles.body)),
            fill=fill,
            rule=False,
        )
        table.add(table.cell(None, (f"SHA-256  {item['sha256'] or '—'}", styles.tiny)), fill=fill)
    table_or_empty(flow, styles, table, "No files included.")
