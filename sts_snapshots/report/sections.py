"""Body sections built from lists: documents per group, approvals, recent activity, included documents."""

from __future__ import annotations

from typing import Any

from sts_snapshots.report import theme
from sts_snapshots.report.canvas import Line, wrap
from sts_snapshots.report.layout import Flow, Table, fit_columns
from sts_snapshots.report.styles import Styles

Model = dict[str, Any]
Outline = list[dict[str, Any]]


def table_or_empty(flow: Flow, styles: Styles, table: Table, empty: str) -> None:
    """Paint ``table``, or a muted sentence when it has no rows."""
    if table.rows:
        flow.table(table)
    else:
        flow.lines(wrap(empty, styles.small, theme.CONTENT_W))


def _status_cell(table: Table, index: int, styles: Styles, status: str) -> list[Line]:
    colour = theme.STATUS_COLOUR.get(status, theme.GREY)
    return table.cell(index, (theme.status_label(status), styles.badge, colour))


def _document_row(table: Table, styles: Styles, doc: Model) -> None:
    requirement = "Required" if doc.get("required") else "Optional"
    criticality = doc.get("criticality")
    meta = " · ".join(str(x) for x in (doc.get("type_code"), doc.get("category")) if x)
    if doc.get("version") is not None:
        upload = [
            (f"Version {doc['version']}", styles.body),
            (str(doc.get("uploaded_by") or ""), styles.small),
            (theme.fmt_datetime(doc.get("uploaded_at")) if doc.get("uploaded_at") else "", styles.small),
            (str(doc.get("file_name") or ""), styles.small),
        ]
    else:
        upload = [("No file uploaded", styles.small)]
    expiry: list[tuple[str, Any]] = [(doc.get("expires_on") or "—", styles.body)]
    if doc.get("expired"):
        expiry.append(("EXPIRED", styles.alert))
    elif doc.get("expiring_soon"):
        expiry.append(("Expiring soon", styles.warn))
    table.add(
        table.cell(
            0,
            (str(doc.get("type_name") or doc.get("type_code") or "Document"), styles.strong),
            (meta, styles.small),
            (f"{requirement} · {criticality} criticality" if criticality else requirement, styles.small),
        ),
        _status_cell(table, 1, styles, str(doc.get("status") or "missing")),
        table.cell(2, *upload),
        table.cell(3, *expiry),
        table.cell(4, (str(doc.get("notes") or "").strip() or "—", styles.body)),
    )


def documents(flow: Flow, styles: Styles, model: Model, outline: Outline) -> None:
    """Section: one table per document group, in the order groups first appear."""
    r = model.get("readiness") or {}
    summary = (
        f"{r.get('approved', 0)} of {r.get('required', 0)} required documents approved · "
        f"{r.get('under_review', 0)} under review · {r.get('missing', 0)} missing · {r.get('rejected', 0)} rejected · "
        f"{r.get('expired', 0)} expired · {r.get('expiring_soon', 0)} expiring soon"
    )
    flow.lines(wrap(summary, styles.body, theme.CONTENT_W))
    groups: dict[str, list[Model]] = {}
    for doc in model.get("documents") or []:
        groups.setdefault(str(doc.get("group") or "Documents"), []).append(doc)
    if not groups:
        flow.lines(wrap("No documents in this room.", styles.small, theme.CONTENT_W))
    spec = [("Document", 25), ("Status", 13), ("Version / upload", 22), ("Expires", 12), ("Notes", 28)]
    for group, docs in groups.items():
        table = Table(fit_columns(spec), styles.table_head)
        for doc in docs:
            _document_row(table, styles, doc)
        flow.gap(10)
        flow.table(table, lead=wrap(group, styles.group, theme.CONTENT_W))
        outline.append({"title": group, "page": flow.table_start_page, "level": 1})


def approvals(flow: Flow, styles: Styles, model: Model, outline: Outline) -> None:
    """Section: approval status per party."""
    spec = [("Party", 21), ("Role", 19), ("Status", 13), ("Comment", 29), ("Updated", 18)]
    table = Table(fit_columns(spec), styles.table_head)
    for item in model.get("approvals") or []:
        table.add(
            table.cell(0, (theme.text_or_dash(item.get("party_name")), styles.strong)),
            table.cell(1, (theme.text_or_dash(item.get("party_role_label")), styles.body)),
            _status_cell(table, 2, styles, str(item.get("status") or "pending")),
            table.cell(3, (str(item.get("comment") or "").strip() or "—", styles.body)),
            table.cell(4, (theme.fmt_datetime(item.get("updated_at")), styles.small)),
        )
    table_or_empty(flow, styles, table, "No approvals requested.")


def activity(flow: Flow, styles: Styles, model: Model, outline: Outline) -> None:
    """Section: the most recent activity entries, newest first."""
    spec = [("Time", 18), ("Actor", 20), ("Action", 20), ("Details", 42)]
    table = Table(fit_columns(spec), styles.table_head)
    for item in model.get("activity") or []:
        table.add(
            table.cell(0, (theme.fmt_datetime(item.get("at")), styles.small)),
            table.cell(1, (theme.text_or_dash(item.get("actor")), styles.body)),
            table.cell(2, (theme.text_or_dash(item.get("action")), styles.strong)),
            table.cell(3, (str(item.get("details") or "").strip() or "—", styles.body)),
        )
    table_or_empty(flow, styles, table, "No activity recorded.")


def included_files(flow: Flow, styles: Styles, model: Model, outline: Outline) -> None:
    """Section: index of the files bundled with this snapshot, with their full SHA-256."""
    flow.lines(
        wrap(
            "These files are part of this snapshot: PDF files follow this report as appended pages, other files "
            "are embedded as PDF attachments. The SHA-256 digest identifies each file exactly.",
            styles.small,
            theme.CONTENT_W,
        )
    )
    flow.gap(4)
    spec = [("Document", 32), ("File name", 38), ("Size", 12, "right"), ("Included as", 18)]
    table = Table(fit_columns(spec), styles.table_head)
    for index, item in enumerate(model.get("included_files") or []):
        fill = theme.ZEBRA if index % 2 else theme.WHITE
        kind = "Appended pages" if item.get("kind") == "pdf" else "Attachment"
        table.add(
            table.cell(
                0, (theme.text_or_dash(item.get("document")), styles.strong), (item.get("group") or "", styles.small)
            ),
            table.cell(
                1, (theme.text_or_dash(item.get("file_name")), styles.body), (item.get("mime") or "", styles.small)
            ),
            table.cell(2, (theme.fmt_size(item.get("size")), styles.body)),
            table.cell(3, (kind, styles.body)),
            fill=fill,
            rule=False,
        )
        table.add(table.cell(None, (f"SHA-256  {item.get('sha256') or '—'}", styles.tiny)), fill=fill)
    table_or_empty(flow, styles, table, "No files included.")
