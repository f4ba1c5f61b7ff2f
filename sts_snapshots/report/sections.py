"""Body sections built from lists: documents per group, approvals, recent activity, included documents."""

from __future__ import annotations

from typing import Any

from sts_snapshots.domain.labels import status_label
from sts_snapshots.domain.report_model import ReportDocument, ReportModel
from sts_snapshots.report import theme
from sts_snapshots.report.canvas import Line, Style, wrap
from sts_snapshots.report.layout import Flow, Table, fit_columns
from sts_snapshots.report.styles import Styles

# Bookmark entries (title, page, level): JSON the body stores in the PDF and assemble() reads back.
Outline = list[dict[str, Any]]


def table_or_empty(flow: Flow, styles: Styles, table: Table, empty: str) -> None:
    """Paint ``table``, or a muted sentence when it has no rows."""
    if table.rows:
        flow.table(table)
    else:
        flow.lines(wrap(empty, styles.small, theme.CONTENT_W))


def _status_cell(table: Table, index: int, styles: Styles, status: str) -> list[Line]:
    colour = theme.STATUS_COLOUR.get(status, theme.GREY)
    return table.cell(index, (status_label(status), styles.badge, colour))


def _document_row(table: Table, styles: Styles, doc: ReportDocument) -> None:
    requirement = "Required" if doc["required"] else "Optional"
    criticality = doc["criticality"]
    meta = " · ".join(x for x in (doc["type_code"], doc["category"]) if x)
    if doc["version"] is not None:
        upload = [
            (f"Version {doc['version']}", styles.body),
            (doc["uploaded_by"] or "", styles.small),
            (theme.fmt_datetime(doc["uploaded_at"]) if doc["uploaded_at"] else "", styles.small),
            (doc["file_name"] or "", styles.small),
        ]
    else:
        upload = [("No file uploaded", styles.small)]
    expiry: list[tuple[str, Style]] = [(doc["expires_on"] or "—", styles.body)]
    if doc["expired"]:
        expiry.append(("EXPIRED", styles.alert))
    elif doc["expiring_soon"]:
        expiry.append(("Expiring soon", styles.warn))
    table.add(
        table.cell(
            0,
            (doc["type_name"] or doc["type_code"] or "Document", styles.strong),
            (meta, styles.small),
            (f"{requirement} · {criticality} criticality" if criticality else requirement, styles.small),
        ),
        _status_cell(table, 1, styles, doc["status"] or "missing"),
        table.cell(2, *upload),
        table.cell(3, *expiry),
        table.cell(4, (doc["notes"].strip() or "—", styles.body)),
    )


def documents(flow: Flow, styles: Styles, model: ReportModel, outline: Outline) -> None:
    """Section: one table per document group, in the order groups first appear."""
    r = model["readiness"]
    summary = (
        f"{r['approved']} of {r['required']} required documents approved · "
        f"{r['under_review']} under review · {r['missing']} missing · {r['rejected']} rejected · "
        f"{r['expired']} expired · {r['expiring_soon']} expiring soon"
    )
    flow.lines(wrap(summary, styles.body, theme.CONTENT_W))
    groups: dict[str, list[ReportDocument]] = {}
    for doc in model["documents"]:
        groups.setdefault(doc["group"] or "Documents", []).append(doc)
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


def approvals(flow: Flow, styles: Styles, model: ReportModel, outline: Outline) -> None:
    """Section: approval status per party."""
    spec = [("Party", 21), ("Role", 19), ("Status", 13), ("Comment", 29), ("Updated", 18)]
    table = Table(fit_columns(spec), styles.table_head)
    for item in model["approvals"]:
        table.add(
            table.cell(0, (theme.text_or_dash(item["party_name"]), styles.strong)),
            table.cell(1, (theme.text_or_dash(item["party_role_label"]), styles.body)),
            _status_cell(table, 2, styles, item["status"] or "pending"),
            table.cell(3, (item["comment"].strip() or "—", styles.body)),
            table.cell(4, (theme.fmt_datetime(item["updated_at"]), styles.small)),
        )
    table_or_empty(flow, styles, table, "No approvals requested.")


def activity(flow: Flow, styles: Styles, model: ReportModel, outline: Outline) -> None:
    """Section: the most recent activity entries, newest first."""
    spec = [("Time", 18), ("Actor", 20), ("Action", 20), ("Details", 42)]
    table = Table(fit_columns(spec), styles.table_head)
    for item in model["activity"]:
        table.add(
            table.cell(0, (theme.fmt_datetime(item["at"]), styles.small)),
            table.cell(1, (theme.text_or_dash(item["actor"]), styles.body)),
            table.cell(2, (theme.text_or_dash(item["action"]), styles.strong)),
            table.cell(3, (item["details"].strip() or "—", styles.body)),
        )
    table_or_empty(flow, styles, table, "No activity recorded.")
