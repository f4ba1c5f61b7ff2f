"""Body section: the room's checklists, per transfer pair in the template's order, every round of a repeated
checklist on its own, every item's answer and remarks, and the sign-offs (name, rank, role, time) and re-openings."""

from __future__ import annotations

from sts_snapshots.domain.checklist_format import SIDE_LABELS
from sts_snapshots.domain.checklists import round_title
from sts_snapshots.domain.report_model import ReportChecklist, ReportModel
from sts_snapshots.report import theme
from sts_snapshots.report.canvas import Line, Style, wrap
from sts_snapshots.report.composed import Composed, Value
from sts_snapshots.report.layout import Flow, Table, fit_columns
from sts_snapshots.report.sections import Outline, status_cell
from sts_snapshots.report.styles import Styles

SIDE_NAMES = SIDE_LABELS


def _answer(item_answer: str | None, styles: Styles) -> tuple[str, Style]:
    if item_answer is None:
        return ("Not answered", styles.small)
    return (item_answer.upper() if item_answer in ("yes", "no", "n/a") else item_answer, styles.strong)


def transfer_pair(checklist: ReportChecklist) -> Composed:
    """"Mother / Daughter": the transfer pair of a checklist, each ship's name isolated."""
    return Composed.of(Value(checklist["mother"]), " / ", Value(checklist["daughter"]))


def _signoff_lines(checklist: ReportChecklist, styles: Styles) -> list[tuple[bool, Composed]]:
    """(is a signature, line) per sign-off, side still to sign and re-opening; names and reasons are isolated."""
    lines: list[tuple[bool, Composed]] = []
    signed = {s["side"] for s in checklist["signoffs"]}
    for s in checklist["signoffs"]:
        poac = ("; POAC ", Value(s["poac"])) if s["poac"] else ()
        lines.append((True, Composed.of(
            f"Signed for the {s['side'].lower()}: ", Value(s["name"]), ", ", Value(s["rank"]),
            f" — {theme.fmt_datetime(s['at'])} (by ", Value(s["by"]), ", ", Value(s["party_role"]), *poac, ")")))
    for side in checklist["sign_off"]:
        if SIDE_NAMES.get(side, side) not in signed:
            lines.append((False, Composed.of(f"Not yet signed for the {SIDE_NAMES.get(side, side).lower()}.")))
    for r in checklist["reopenings"]:
        lines.append((False, Composed.of(f"Re-opened {theme.fmt_datetime(r['at'])} by ", Value(r["by"]), ": ",
                                         Value(r["reason"]))))
    return lines


def _facts(checklist: ReportChecklist) -> Composed:
    """The line above a checklist's items: its state, who signs it, and for a round when it was started."""
    facts: list[str | Composed] = [
        f"State: {_state(checklist['state'])}",
        "sign-off by " + " and ".join(SIDE_NAMES.get(s, s).lower() for s in checklist["sign_off"])]
    if checklist["before_transfer"]:
        facts.append("to be signed before transfer")
    if checklist["repeatable"]:
        by = (" by ", Value(checklist["started_by"])) if checklist["started_by"] else ()
        facts.append(Composed.of(f"round {checklist['round']} of {checklist['rounds']}, started "
                                 f"{theme.fmt_datetime(checklist['started_at'])}", *by))
    if checklist["repeat_every_hours"]:
        facts.append(f"repeated every {checklist['repeat_every_hours']} h")
    return Composed.join(" · ", facts)


def _checklist(flow: Flow, styles: Styles, checklist: ReportChecklist, outline: Outline) -> None:
    table = Table(fit_columns([("Item", 8), ("Check", 46), ("Answered by", 16), ("Answer and remarks", 30)]),
                  styles.table_head)
    table.add(table.cell(None, (_facts(checklist), styles.small)), fill=theme.ZEBRA)
    for index, item in enumerate(checklist["items"]):
        answer, style = _answer(item["answer"], styles)
        who: list[tuple[str, Style]] = [(item["side"], styles.body)]
        if item["answered_at"]:
            who.append((theme.fmt_datetime(item["answered_at"]), styles.small))
        table.add(
            table.cell(0, (item["id"], styles.strong)),
            table.cell(1, (item["text"], styles.body), ("Required" if item["required"] else "Optional", styles.small)),
            table.cell(2, *who),
            table.cell(3, (answer, style), (item["remarks"], styles.small)),
            fill=theme.ZEBRA if index % 2 else theme.WHITE,
        )
    for signature, line in _signoff_lines(checklist, styles):
        table.add(table.cell(None, (line, styles.body if signature else styles.small)))
    title = Composed.of(f"{checklist['number']}. ", Value(round_title(checklist)))
    lead = [*wrap(title, styles.group, theme.CONTENT_W)]
    flow.gap(10)
    flow.table(table, lead=lead)
    outline.append({"title": f"{checklist['pair']}: {round_title(checklist)}", "page": flow.table_start_page,
                    "level": 1})


def _state(state: str) -> str:
    return {"open": "open", "signing": "partly signed", "signed_off": "signed off"}.get(state, state)


def checklists(flow: Flow, styles: Styles, model: ReportModel, outline: Outline) -> None:
    """Section: a table per checklist (per round of a repeated one), grouped by transfer pair; a summary table of
    their states first."""
    found = model["checklists"]
    if not found:
        flow.lines(wrap("No checklists: the room has no mother–daughter pair yet, or no checklist set.",
                        styles.small, theme.CONTENT_W))
        return
    flow.lines(wrap(Composed.of("Checklists from the set ", Value(found[0]["template"]), ", signed off per ship in "
                                "order: a checklist is signed only after the one before it. Times are UTC."),
                    styles.small, theme.CONTENT_W))
    summary = Table(fit_columns([("Transfer", 34), ("Checklist", 40), ("State", 26)]), styles.table_head)
    for c in found:
        summary.add(summary.cell(0, (transfer_pair(c), styles.body)),
                    summary.cell(1, (Composed.of(f"{c['number']}. ", Value(round_title(c))), styles.body)),
                    status_cell(summary, 2, styles, c["state"]))
    flow.gap(4)
    flow.table(summary)
    pair = ""
    for c in found:
        if c["pair"] != pair:
            pair = c["pair"]
            flow.gap(8)
            flow.lines([Line.of(Composed.of("Transfer ", transfer_pair(c)), styles.group)])
        _checklist(flow, styles, c, outline)
