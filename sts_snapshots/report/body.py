"""The report body: every page except the cover. Depends only on the model, so it can be cached by content key."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from borb.pdf.primitives import hexstr, name

from sts_snapshots.domain.labels import status_label
from sts_snapshots.domain.report_model import ReportModel
from sts_snapshots.domain.window import window_text
from sts_snapshots.report import checklists, contents, evidence_index, sections, theme
from sts_snapshots.report.borb_setup import clear_borb_caches, new_document, write_document
from sts_snapshots.report.canvas import PageCanvas, wrap
from sts_snapshots.report.fonts import default_fonts_dir
from sts_snapshots.report.layout import PAD_X, Flow, Table, fit_columns
from sts_snapshots.report.sections import Outline
from sts_snapshots.report.styles import Styles, make_styles

# Document-info key under which the body carries its section -> page map for assemble()'s bookmarks.
OUTLINE_KEY = "STSOutline"
# Points of a section's start kept with its heading: its intro lines, a table's caption, header and first row.
KEEP_UNDER_HEADING = {contents.DOCUMENTS: 190, contents.CHECKLISTS: 120, contents.EVIDENCE: 110,
                      contents.ACTIVITY: 80, contents.INCLUDED: 90}


def _decorator(model: ReportModel, styles: Styles) -> Callable[[PageCanvas], None]:
    """Running header and footer painted on every body page.

    The page number is not the body's: the assembly stamps "Page X of Y" of the whole file below the footer.
    """
    title = model["room"]["title"]
    key = model["content_key"][:12]
    left = "STS Clearance Snapshot"
    # the running title shares the line with the left label: cut it with an ellipsis if needed
    room_w = theme.CONTENT_W - styles.running_strong.font.width(left, styles.running_strong.size) - 24
    font, size = styles.body.font, styles.body.size
    if font.width(title, size) > room_w:
        while title and font.width(title + "…", size) > room_w:
            title = title[:-1]
        title += "…"

    def decorate(canvas: PageCanvas) -> None:
        canvas.text(theme.MARGIN_X, theme.HEADER_BASELINE, left, styles.running_strong)
        canvas.text(theme.MARGIN_X, theme.HEADER_BASELINE, title, styles.body, align="right", width=theme.CONTENT_W)
        canvas.hline(theme.MARGIN_X, theme.PAGE_W - theme.MARGIN_X, theme.HEADER_RULE_Y, theme.NAVY, 0.8)
        canvas.hline(theme.MARGIN_X, theme.PAGE_W - theme.MARGIN_X, theme.FOOTER_RULE_Y, theme.RULE, 0.5)
        canvas.text(theme.MARGIN_X, theme.FOOTER_BASELINE, theme.CONFIDENTIAL, styles.running)
        canvas.text(
            theme.MARGIN_X,
            theme.FOOTER_BASELINE,
            f"Content key {key}",
            styles.running,
            align="right",
            width=theme.CONTENT_W,
        )

    return decorate


def _room_information(flow: Flow, styles: Styles, model: ReportModel, outline: Outline) -> None:
    """Section: room information."""
    room = model["room"]
    readiness = model["readiness"]
    verdict = "Ready for operation" if readiness["ready"] else "Not ready"
    summary = f"{verdict} — {readiness['approved']} of {readiness['required']} required documents approved"
    if readiness["expires_before_end"]:
        summary += f", {readiness['expires_before_end']} of them lapsing before the end of the operation"
    if readiness["checklists_required"]:
        summary += (f"; {readiness['checklists_signed']} of {readiness['checklists_required']} pre-transfer "
                    "checklists signed off")
    pairs = [
        ("Room", room["title"]),
        ("Status", status_label(room["status"])),
        ("Location", room["location"]),
        ("STS ETA", theme.fmt_datetime(room["sts_eta"]) if room["sts_eta"] else "Not set"),
        ("Operation window", window_text(model["operation_window"])),
        ("Cargo type", room["cargo_type"]),
        ("Cargo quantity", room["cargo_quantity"]),
        ("Created", theme.fmt_datetime(room["created_at"])),
        ("Created by", room["created_by"]),
        ("Readiness", summary),
        ("Room ID", room["id"]),
        ("Report contents", _report_contents(model)),
    ]
    table = Table(fit_columns([("", 13), ("", 37), ("", 13), ("", 37)]), styles.table_head)
    for i in range(0, len(pairs), 2):
        cells = []
        for j, (label, value) in enumerate(pairs[i : i + 2]):
            cells.append(table.cell(2 * j, (label, styles.label)))
            cells.append(table.cell(2 * j + 1, (theme.text_or_dash(value), styles.body)))
        while len(cells) < 4:
            cells.append([])
        table.add(*cells)
    flow.table(table)
    description = room["description"].strip()
    if description:
        flow.gap(8)
        inner = theme.CONTENT_W - 2 * PAD_X
        flow.heading(wrap("Description", styles.label, inner), keep=12, indent=PAD_X)
        flow.lines(wrap(description, styles.body, inner), x=theme.MARGIN_X + PAD_X, width=inner)


def _report_contents(model: ReportModel) -> str:
    """What this report holds of the room's record, and what the requester left out."""
    left_out = contents.left_out(model)
    parts = [f"{' and '.join(left_out).capitalize()} left out at the requester's choice" if left_out
             else "Every section"]
    if model["options"]["include_activity"] and len(model["activity"]) < model["activity_total"]:
        parts.append(f"activity log cut to the newest {len(model['activity'])} of {model['activity_total']} "
                     f"entries (see {contents.see(model, contents.ACTIVITY)})")
    parts.append("document files included" if model["included_files"] else "document files not included")
    return "; ".join(parts) + "."


def _parties(flow: Flow, styles: Styles, model: ReportModel, outline: Outline) -> None:
    """Section: parties."""
    table = Table(fit_columns([("Role", 23), ("Name", 23), ("Company", 25), ("Email", 29)]), styles.table_head)
    for party in model["parties"]:
        table.add(
            table.cell(0, (party["role_label"] or party["role"] or "—", styles.strong)),
            table.cell(1, (theme.text_or_dash(party["name"]), styles.body)),
            table.cell(2, (theme.text_or_dash(party["company"]), styles.body)),
            table.cell(3, (theme.text_or_dash(party["email"]), styles.body)),
        )
    sections.table_or_empty(flow, styles, table, "No parties recorded.")


def _vessels(flow: Flow, styles: Styles, model: ReportModel, outline: Outline) -> None:
    """Section: vessels."""
    spec = [
        ("Vessel", 24),
        ("IMO", 11),
        ("Flag", 14),
        ("Type", 17),
        ("Role", 12),
        ("DWT", 11, "right"),
        ("Length", 11, "right"),
    ]
    table = Table(fit_columns(spec), styles.table_head)
    for vessel in model["vessels"]:
        table.add(
            table.cell(0, (theme.text_or_dash(vessel["name"]), styles.strong)),
            table.cell(1, (theme.text_or_dash(vessel["imo"]), styles.body)),
            table.cell(2, (theme.text_or_dash(vessel["flag"]), styles.body)),
            table.cell(3, (theme.text_or_dash(vessel["vessel_type"]), styles.body)),
            table.cell(4, (vessel["role"].capitalize() or "—", styles.body)),
            table.cell(5, (theme.fmt_number(vessel["dwt"], "t"), styles.body)),
            table.cell(6, (theme.fmt_number(vessel["length_m"], "m"), styles.body)),
        )
    sections.table_or_empty(flow, styles, table, "No vessels recorded.")


def render_body(model: ReportModel, fonts_dir: Path | None = None) -> bytes:
    """Render all report pages except the cover.

    The output depends only on ``model`` (no clock, no random ids), so it can be cached by ``content_key``.

    :param model: the snapshot's report model (:mod:`sts_snapshots.domain.report_model`).
    :param fonts_dir: folder holding DejaVuSans.ttf and DejaVuSans-Bold.ttf.
    :return: PDF bytes.
    """
    styles = make_styles(fonts_dir or default_fonts_dir())
    doc = new_document()
    flow = Flow(doc, styles.fonts, _decorator(model, styles))
    outline: Outline = []
    builders = {
        contents.ROOM: _room_information,
        contents.PARTIES: _parties,
        contents.VESSELS: _vessels,
        contents.DOCUMENTS: sections.documents,
        contents.APPROVALS: sections.approvals,
        contents.CHECKLISTS: checklists.checklists,
        contents.EVIDENCE: sections.evidence,
        contents.INCLUDED: evidence_index.included_files,
        contents.ACTIVITY: sections.activity,
    }
    for number, title in enumerate(contents.section_titles(model), start=1):
        build = builders[title]
        flow.gap(14)
        heading = wrap(f"{number}. {title}", styles.section, theme.CONTENT_W)
        flow.heading(heading, keep=KEEP_UNDER_HEADING.get(title, 60), rule=theme.NAVY)
        outline.append({"title": title, "page": flow.page_count - 1, "level": 0})
        build(flow, styles, model, outline)
    # hex-encoded ASCII JSON: borb writes str values unescaped, so keep the text out of PDF string syntax
    payload = json.dumps(outline, ensure_ascii=True, separators=(",", ":")).encode("ascii")
    doc["Trailer"]["Info"][name(OUTLINE_KEY)] = hexstr(payload.hex().upper())
    try:
        return write_document(doc, seed=model["content_key"])
    finally:
        clear_borb_caches()
