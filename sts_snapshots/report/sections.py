"""Body sections built from lists: documents per group, approvals, evidence hashes, included documents, activity."""

from __future__ import annotations

from typing import Any

from borb.pdf import Color

from sts_snapshots.domain.activity_text import describe_parts
from sts_snapshots.domain.labels import status_label
from sts_snapshots.domain.report_model import ReportApproval, ReportDocument, ReportModel
from sts_snapshots.domain.urls import API_PREFIX
from sts_snapshots.domain.window import window_text
from sts_snapshots.report import contents, theme
from sts_snapshots.report.canvas import Line, Style, wrap
from sts_snapshots.report.composed import Composed, Text, Value
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


def status_cell(table: Table, index: int, styles: Styles, status: str) -> list[Line]:
    colour = theme.STATUS_COLOUR.get(status, theme.GREY)
    return table.cell(index, (status_label(status), styles.badge, colour))


SHORT_HASH = 12


def _reviewed(doc: ReportDocument, styles: Styles) -> list[tuple[str, Style]]:
    """Who set the document's current status and when; a review not on record says so."""
    if doc["reviewed_by"] or doc["reviewed_at"]:
        return [(doc["reviewed_by"] or "Reviewer not recorded", styles.body),
                (theme.fmt_datetime(doc["reviewed_at"]) if doc["reviewed_at"] else "Time not recorded", styles.small)]
    if doc["status"] in ("approved", "rejected", "expired"):
        return [("Not recorded", styles.small)]
    return [("Not reviewed yet", styles.small)]


def _document_row(table: Table, styles: Styles, doc: ReportDocument, fill: Color) -> None:
    requirement = "Required" if doc["required"] else "Optional"
    criticality = doc["criticality"]
    meta = Composed.join(" · ", [Value(x) for x in (doc["type_code"], doc["category"]) if x])
    upload: list[tuple[Text, Style]]
    if doc["version"] is not None:
        upload = [
            (f"Version {doc['version']}", styles.strong),
            (doc["file_name"] or "", styles.body),
            (f"SHA-256 {doc['sha256'][:SHORT_HASH]}…" if doc["sha256"] else "SHA-256 not recorded", styles.small),
            (Composed.of("Uploaded by ", Value(doc["uploaded_by"] or "not recorded")), styles.small),
            (theme.fmt_datetime(doc["uploaded_at"]) if doc["uploaded_at"] else "", styles.small),
        ]
    else:
        upload = [("No file uploaded", styles.small)]
    expiry: list[tuple[Text, Style]] = [(doc["expires_on"] or "—", styles.body)]
    if doc["expired"]:
        expiry.append(("EXPIRED", styles.alert))
    elif doc["operation_note"]:
        expiry.append((doc["operation_note"].capitalize(), styles.alert))
    elif doc["expiring_soon"]:
        expiry.append(("Expiring soon", styles.warn))
    notes = doc["notes"].strip()
    table.add(
        table.cell(
            0,
            (doc["type_name"] or doc["type_code"] or "Document", styles.strong),
            (meta, styles.small),
            (Composed.of(f"{requirement} · ", Value(criticality), " criticality") if criticality else requirement,
             styles.small),
        ),
        status_cell(table, 1, styles, doc["status"] or "missing"),
        table.cell(2, *upload),
        table.cell(3, *_reviewed(doc, styles)),
        table.cell(4, *expiry),
        fill=fill,
        rule=not notes,
    )
    if notes:
        table.add(table.cell(None, (Composed.of("Notes: ", Value(notes)), styles.body)), fill=fill)


def documents(flow: Flow, styles: Styles, model: ReportModel, outline: Outline) -> None:
    """Section: one table per document group, in the order groups first appear."""
    r = model["readiness"]
    summary = (
        f"{r['approved']} of {r['required']} required documents approved · "
        f"{r['under_review']} under review · {r['missing']} missing · {r['rejected']} rejected · "
        f"{r['expired']} expired · {r['expires_before_end']} lapsing before the end of the operation · "
        f"{r['expiring_soon']} expiring soon"
    )
    flow.lines(wrap(summary, styles.body, theme.CONTENT_W))
    flow.lines(wrap(f"Operation window: {window_text(model['operation_window'])}.", styles.small, theme.CONTENT_W))
    flow.lines(wrap(f"Each row shows the current version (its SHA-256 shortened to {SHORT_HASH} digits; "
                    f"every digest in full in {contents.see(model, contents.EVIDENCE)}), who uploaded it and who "
                    "reviewed it.", styles.small, theme.CONTENT_W))
    groups: dict[str, list[ReportDocument]] = {}
    for doc in model["documents"]:
        groups.setdefault(doc["group"] or "Documents", []).append(doc)
    if not groups:
        flow.lines(wrap("No documents in this room.", styles.small, theme.CONTENT_W))
    spec = [("Document", 24), ("Status", 12), ("Current version", 28), ("Reviewed by", 24), ("Expires", 12)]
    for group, docs in groups.items():
        table = Table(fit_columns(spec), styles.table_head)
        for index, doc in enumerate(docs):
            _document_row(table, styles, doc, theme.ZEBRA if index % 2 else theme.WHITE)
        flow.gap(10)
        flow.table(table, lead=wrap(group, styles.group, theme.CONTENT_W))
        outline.append({"title": group, "page": flow.table_start_page, "level": 1})


def _set_by(item: ReportApproval, styles: Styles) -> list[tuple[str, Style]]:
    """The account that set an approval, and whether it is the party's own."""
    if not item["updated_by"]:
        return [("Not set yet" if item["status"] == "pending" else "Not recorded", styles.small)]
    own = item["party_email"] and item["updated_by"] == item["party_email"]
    return [(item["updated_by"], styles.body), ("the party itself" if own else "on the party's behalf", styles.small)]


def approvals(flow: Flow, styles: Styles, model: ReportModel, outline: Outline) -> None:
    """Section: approval status per party, with who set it and when."""
    spec = [("Party", 23), ("Status", 12), ("Set by", 24), ("When", 19), ("Comment", 22)]
    table = Table(fit_columns(spec), styles.table_head)
    for item in model["approvals"]:
        when = theme.fmt_datetime(item["updated_at"])
        table.add(
            table.cell(0, (theme.text_or_dash(item["party_name"]), styles.strong),
                       (item["party_role_label"], styles.small)),
            status_cell(table, 1, styles, item["status"] or "pending"),
            table.cell(2, *_set_by(item, styles)),
            table.cell(3, (when, styles.small) if item["updated_by"] else (f"Requested {when}", styles.small)),
            table.cell(4, (item["comment"].strip() or "—", styles.body)),
        )
    table_or_empty(flow, styles, table, "No approvals requested.")


def evidence(flow: Flow, styles: Styles, model: ReportModel, outline: Outline) -> None:
    """Section: the full SHA-256 of every document's current version, whether or not the files are included."""
    with_file = [d for d in model["documents"] if d["version"] is not None]
    without = len(model["documents"]) - len(with_file)
    intro = ("The SHA-256 digest of each document's current version identifies the file exactly: hashing a copy "
             "of the file must give the same digest.")
    if not model["included_files"]:
        intro += " The files are not included in this snapshot; they are kept in the STS room."
    if without:
        intro += f" {without} document{'s have' if without != 1 else ' has'} no uploaded file and so no digest."
    flow.lines(wrap(intro, styles.small, theme.CONTENT_W))
    flow.gap(4)
    spec = [("Document", 36), ("Version", 9), ("File name", 35), ("Uploaded", 20)]
    table = Table(fit_columns(spec), styles.table_head)
    for index, doc in enumerate(with_file):
        fill = theme.ZEBRA if index % 2 else theme.WHITE
        table.add(
            table.cell(0, (doc["type_name"] or doc["type_code"], styles.strong), (doc["group"], styles.small)),
            table.cell(1, (str(doc["version"]), styles.body)),
            table.cell(2, (theme.text_or_dash(doc["file_name"]), styles.body)),
            table.cell(3, (theme.fmt_datetime(doc["uploaded_at"]), styles.small)),
            fill=fill,
            rule=False,
        )
        table.add(table.cell(None, (f"SHA-256  {doc['sha256'] or 'not recorded'}", styles.tiny)), fill=fill)
    table_or_empty(flow, styles, table, "No document has an uploaded file.")


def activity(flow: Flow, styles: Styles, model: ReportModel, outline: Outline) -> None:
    """Appendix: the room's activity log, newest first, in full unless it is longer than the report's limit."""
    shown, total = len(model["activity"]), model["activity_total"]
    room_id = model["room"]["id"]
    if shown < total:
        intro = (f"The newest {shown} of {total} entries, newest first. {total - shown} older entries are left out "
                 f"(the report prints at most {model['options']['activity_limit']}, the setting "
                 f"report_activity_limit); the whole log is at GET {API_PREFIX}/rooms/{room_id}/activity "
                 "(pages of up to 500 entries with limit and offset).")
    else:
        intro = (f"All {total} entries of the room's activity log, newest first. Snapshot events (created, "
                 "generated, downloaded) are not part of the room's record and are listed by the API only.")
    intro += " Times are UTC."
    flow.lines(wrap(intro, styles.small, theme.CONTENT_W))
    flow.gap(4)
    spec = [("Time (UTC)", 17), ("Actor", 23), ("Action", 16), ("What", 44)]
    table = Table(fit_columns(spec), styles.table_head)
    for item in model["activity"]:
        table.add(
            table.cell(0, (theme.fmt_datetime(item["at"], seconds=True).removesuffix(" UTC"), styles.small)),
            table.cell(1, (theme.text_or_dash(item["actor"]), styles.small)),
            table.cell(2, (theme.text_or_dash(item["action"]), styles.small)),
            table.cell(3, (_what(item["action"], item["details"]), styles.small)),
        )
    table_or_empty(flow, styles, table, "No activity recorded.")


def _what(action: str, details: str) -> Composed | str:
    """An activity entry's details as a left-to-right sentence, each typed value isolated (an Arabic name first)."""
    parts = [(text, typed) for text, typed in describe_parts(action, details) if text]
    if not parts:
        return "—"
    return Composed.of(*(Value(text) if typed else text for text, typed in parts))
