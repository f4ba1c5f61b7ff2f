"""The cover: one A4 page with the operation, the readiness verdict at a glance and the snapshot's identity."""

from __future__ import annotations

from pathlib import Path

from sts_snapshots.domain.labels import status_label
from sts_snapshots.domain.report_model import ReportModel, SnapshotFacts
from sts_snapshots.domain.window import window_text
from sts_snapshots.report import contents, theme
from sts_snapshots.report.canvas import Line, PageCanvas, PageContent, Style, wrap
from sts_snapshots.report.composed import Composed, Text, Value
from sts_snapshots.report.cover_conflicts import conflicts_note
from sts_snapshots.report.cover_parts import (
    attention,
    banner,
    clip,
    entry_lines,
    facts_block,
    pointer,
    tiles,
    value_lines,
)
from sts_snapshots.report.fonts import default_fonts_dir
from sts_snapshots.report.pypdf_page import page_pdf
from sts_snapshots.report.styles import Styles, make_styles

BAND_H = 96
# Lines the vessels may take in the cover's operation facts; more vessels are counted and pointed to the body.
VESSEL_LINES = 8


def _vessel_rows(model: ReportModel, styles: Styles, width: float) -> list[tuple[str, list[Line]]]:
    """A row per vessel role (mother first), one entry per vessel with its IMO number and flag."""
    see = contents.see(model, contents.VESSELS)
    by_role: dict[str, list[Text]] = {}
    for v in model["vessels"]:
        flag = (" · ", Value(v["flag"])) if v["flag"] else ()
        # name, IMO number and flag left to right whatever the name's script (each value an isolate)
        entry = Composed.of(Value(v["name"]), " · IMO ", Value(v["imo"]), *flag)
        by_role.setdefault(v["role"] or "other", []).append(entry)
    if not by_role:
        return [("Vessels", value_lines(styles, "None recorded", width, 1, None))]
    rows: list[tuple[str, list[Line]]] = []
    budget = VESSEL_LINES
    for role, entries in sorted(by_role.items(), key=lambda item: item[0] != "mother"):
        label = f"{role.capitalize()} vessel" + (f"s ({len(entries)})" if len(entries) > 1 else "")
        lines = entry_lines(styles, entries, width, max(budget, 2), see)
        budget -= len(lines)
        rows.append((label, lines))
    return rows


def render_cover(model: ReportModel, facts: SnapshotFacts, fonts_dir: Path | None = None) -> bytes:
    """The per-snapshot cover on its own: exactly one A4 page (:func:`draw_cover`, written as a PDF).

    :return: PDF bytes.
    """
    return page_pdf(draw_cover(model, facts, fonts_dir), theme.PAGE_W, theme.PAGE_H)


def draw_cover(model: ReportModel, facts: SnapshotFacts, fonts_dir: Path | None = None) -> PageContent:
    """Draw the per-snapshot cover, one A4 page, which the assembly paints as the file's first page.

    Not written through borb: the page is the report's own operators and shaped text, painted straight into the
    assembled file (:func:`~.pypdf_page.paint_page`), which saves a cache hit borb's serialisation and the parse back.

    :param model: the snapshot's report model (room, vessels, readiness...).
    :param facts: the snapshot's id, title, time and author.
    :param fonts_dir: folder holding the DejaVu Sans files.
    :return: the page's content (operators and text), theme.PAGE_W x theme.PAGE_H points.
    """
    styles = make_styles(fonts_dir or default_fonts_dir())
    room = model["room"]
    readiness = model["readiness"]
    canvas = PageCanvas({}, styles.fonts)
    regular, bold = styles.fonts
    w = theme.CONTENT_W

    canvas.rect(0, theme.PAGE_H - BAND_H, theme.PAGE_W, BAND_H, fill=theme.NAVY)
    canvas.text(theme.MARGIN_X, theme.PAGE_H - 50, "STS Clearance Snapshot", Style(bold, 24, theme.WHITE))
    canvas.text(
        theme.MARGIN_X, theme.PAGE_H - 70, "Ship-to-ship transfer clearance record", Style(regular, 10, theme.HEAD_FILL)
    )

    room_section = contents.see(model, contents.ROOM)
    more = pointer(styles, f"(continued in {room_section})")
    y: float = theme.PAGE_H - BAND_H - 22
    title = clip(wrap(room["title"] or "Untitled room", Style(bold, 18, theme.INK, 1.25), w), 3, more)
    y = canvas.lines(theme.MARGIN_X, y, title, w)
    eta = f"STS ETA {theme.fmt_datetime(room['sts_eta'])}" if room["sts_eta"] else "STS ETA not set"
    where = Composed.join(" · ", [Value(room["location"]), eta] if room["location"] else [eta])
    y = canvas.lines(theme.MARGIN_X, y - 2, clip(wrap(where, Style(regular, 10, theme.MUTED), w), 2, more), w)

    y = banner(canvas, styles, y - 16, readiness)
    y = conflicts_note(canvas, styles, y, model)  # merge conflicts still open (issue 19): nothing when none
    y = tiles(canvas, styles, y - 8, readiness)

    column = (w - 24) / 2
    cargo_parts = [Value(x) for x in (room["cargo_type"], room["cargo_quantity"]) if x]
    cargo = Composed.join(" — ", cargo_parts) if cargo_parts else "—"
    operation = [
        ("Location", value_lines(styles, theme.text_or_dash(room["location"]), column, 3, room_section)),
        ("STS ETA", value_lines(styles, theme.fmt_datetime(room["sts_eta"]) if room["sts_eta"] else "Not set",
                                column, 3, room_section)),
        ("Operation window", value_lines(styles, window_text(model["operation_window"]), column, 3, None)),
        ("Cargo", value_lines(styles, cargo, column, 3, room_section)),
        *_vessel_rows(model, styles, column),
        ("Room status", value_lines(styles, theme.text_or_dash(status_label(room["status"])), column, 3, None)),
    ]
    # the snapshot's own facts are not in the body: short enough (titles have at most 200 characters) to print whole
    snapshot = [
        (label, value_lines(styles, value, column, 8, None))
        for label, value in (
            ("Snapshot", theme.text_or_dash(facts["title"])),
            ("Generated at", theme.text_or_dash(facts["generated_at"])),
            ("Generated by", theme.text_or_dash(facts["generated_by"])),
            ("Snapshot ID", theme.text_or_dash(facts["snapshot_id"])),
            ("Content key", (model["content_key"] or "—")[:12]),
            ("Signature", facts.get("signed_by") or "Not signed"),
            ("Activity log chain", "\n".join(facts.get("activity_chains") or []) or "No activity yet"),
        )
    ]
    left_end = facts_block(canvas, styles, theme.MARGIN_X, y - 20, column, "Operation", operation)
    right_end = facts_block(canvas, styles, theme.MARGIN_X + column + 24, y - 20, column, "Snapshot", snapshot)
    attention(canvas, styles, model, min(left_end, right_end) - 8, bottom=theme.FOOTER_RULE_Y + 48)

    note = (
        "This snapshot records the state of the STS clearance room at the time shown above: the documents "
        "provided, their review status and the parties' approvals. The following pages give the details; "
        "included files follow the report."
    )
    canvas.lines(theme.MARGIN_X, theme.FOOTER_RULE_Y + 40, wrap(note, styles.small, w), w)
    canvas.hline(theme.MARGIN_X, theme.PAGE_W - theme.MARGIN_X, theme.FOOTER_RULE_Y, theme.RULE, 0.5)
    canvas.text(theme.MARGIN_X, theme.FOOTER_BASELINE, theme.CONFIDENTIAL, styles.running)
    return canvas.content
