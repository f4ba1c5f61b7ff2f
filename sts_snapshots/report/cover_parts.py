"""Blocks of the cover page: readiness banner, count tiles, label/value lists, items needing attention."""

from __future__ import annotations

from typing import Literal, NamedTuple

from borb.pdf import Color

from sts_snapshots.domain.checklist_format import SIDE_LABELS
from sts_snapshots.domain.labels import status_label
from sts_snapshots.domain.records import ReadinessCounts
from sts_snapshots.domain.report_model import ReportModel
from sts_snapshots.report import contents, theme
from sts_snapshots.report.canvas import Line, PageCanvas, Style, wrap
from sts_snapshots.report.checklists import transfer_pair
from sts_snapshots.report.composed import Composed, Text, Value, concat, cut
from sts_snapshots.report.styles import Styles

BANNER_H = 64
TILE_H = 54


def clip(lines: list[Line], count: int, more: Line | None = None) -> list[Line]:
    """Keep at most ``count`` lines, marking the cut with an ellipsis (the body repeats the full text).

    With ``more`` (a pointer such as "continued in 1. Room information"), the last of the ``count`` lines is that
    pointer, so the page says where the rest is.
    """
    if len(lines) <= count:
        return lines
    keep = count - 1 if more is not None else count
    last = lines[keep - 1]
    shown = concat(cut(last.content, 0, len(last.text.rstrip(" .,;"))), "…")
    kept = [*lines[: keep - 1], Line.of(shown, last.style, last.badge)]
    return [*kept, more] if more is not None else kept


def pointer(styles: Styles, text: str) -> Line:
    """A muted one-line note on the cover saying where the rest of a cut value is."""
    return Line(text, styles.small)


def value_lines(styles: Styles, text: Text, width: float, count: int, see: str | None) -> list[Line]:
    """A cover value wrapped to ``width``, at most ``count`` lines; a cut one says it continues in ``see``."""
    lines = wrap(text, Style(styles.fonts[0], 9.5, theme.INK), width)
    return clip(lines, count, pointer(styles, f"(continued in {see})") if see else None)


def entry_lines(styles: Styles, entries: list[Text], width: float, budget: int, see: str) -> list[Line]:
    """One wrapped entry after another within ``budget`` lines; those that do not fit are counted, with a pointer
    (four vessels in three lines: two named, then ``+2 more — see 3. Vessels``)."""
    style = Style(styles.fonts[0], 9.5, theme.INK)
    wrapped = [wrap(entry, style, width) for entry in entries]
    if sum(len(w) for w in wrapped) <= budget:
        return [line for w in wrapped for line in w]
    lines: list[Line] = []
    for index, entry in enumerate(wrapped):
        if len(lines) + len(entry) > budget - 1:
            return [*lines, pointer(styles, f"+{len(entries) - index} more — see {see}")]
        lines += entry
    return lines


def banner(canvas: PageCanvas, styles: Styles, top: float, readiness: ReadinessCounts) -> float:
    ready, required, approved = readiness["ready"], readiness["required"], readiness["approved"]
    x, w = theme.MARGIN_X, theme.CONTENT_W
    canvas.rect(x, top - BANNER_H, w, BANNER_H, fill=theme.GREEN if ready else theme.RED)
    verdict = "READY FOR OPERATION" if ready else "NOT READY"
    canvas.text(x + 18, top - 34, verdict, Style(styles.fonts[1], 24, theme.WHITE))
    short = readiness["expires_before_end"]
    lists, signed = readiness["checklists_required"], readiness["checklists_signed"]
    if ready:
        detail = f"All {required} required documents approved and valid through the operation"
    else:
        detail = f"{approved} of {required} required documents approved — {max(required - approved, 0)} outstanding"
        if short:
            detail += f" · {short} lapse{'s' if short == 1 else ''} before the end of the operation"
    if lists:
        detail += f" · {signed} of {lists} pre-transfer checklists signed off"
    # two lines at most, clear of the count on the right
    lines = clip(wrap(detail, Style(styles.fonts[0], 9, theme.WHITE), w - 130), 2)
    canvas.lines(x + 18, top - 42, lines, w - 130)
    canvas.text(x, top - 34, f"{approved}/{required}", Style(styles.fonts[1], 22, theme.WHITE), "right", w - 18)
    return top - BANNER_H


# The readiness counts the tiles show, in order.
TileKey = Literal["approved", "under_review", "missing", "rejected", "expired", "expires_before_end", "expiring_soon"]


def tiles(canvas: PageCanvas, styles: Styles, top: float, readiness: ReadinessCounts) -> float:
    tiles: list[tuple[TileKey, Color, Color]] = [
        ("approved", theme.GREEN, theme.GREEN_TINT),
        ("under_review", theme.AMBER, theme.AMBER_TINT),
        ("missing", theme.GREY, theme.ZEBRA),
        ("rejected", theme.RED, theme.RED_TINT),
        ("expired", theme.RED, theme.RED_TINT),
        ("expires_before_end", theme.RED, theme.RED_TINT),
        ("expiring_soon", theme.AMBER, theme.AMBER_TINT),
    ]
    gap = 7
    width = (theme.CONTENT_W - gap * (len(tiles) - 1)) / len(tiles)
    for i, (key, colour, tint) in enumerate(tiles):
        x = theme.MARGIN_X + i * (width + gap)
        count = readiness[key]
        # a zero count is good news: draw it quietly so the eye goes to what needs attention
        fill, ink = (tint, colour) if count or key == "approved" else (theme.ZEBRA, theme.MUTED)
        canvas.rect(x, top - TILE_H, width, TILE_H, fill=fill)
        canvas.rect(x, top - 3, width, 3, fill=ink)
        canvas.text(x, top - 30, str(count), Style(styles.fonts[1], 20, ink), "center", width)
        canvas.text(x, top - 45, status_label(key), Style(styles.fonts[0], 7.5, theme.INK), "center", width)
    return top - TILE_H


def facts_block(
    canvas: PageCanvas, styles: Styles, x: float, top: float, width: float, title: str,
    rows: list[tuple[str, list[Line]]],
) -> float:
    """A titled list of label / value rows (values wrapped and clipped by the caller); returns the y reached."""
    canvas.text(x, top - 10, title.upper(), Style(styles.fonts[1], 8, theme.NAVY))
    canvas.hline(x, x + width, top - 15, theme.NAVY, 0.8)
    y = top - 22
    for label, lines in rows:
        canvas.text(x, y - 7, label, styles.label)
        y = canvas.lines(x, y - 10, lines, width)
        y -= 7
    return y


_ORDER = {"rejected": 0, "expired": 1, "missing": 2, "under_review": 3}


def _pending_documents(model: ReportModel) -> list[tuple[str, Text]]:
    """(status, description) of required documents not approved, worst first, then those expiring soon."""
    items: list[tuple[int, str, Text]] = []
    for doc in model["documents"]:
        status = "expired" if doc["expired"] else doc["status"] or "missing"
        group = doc["group"].split(" — ")[0]
        # the type and the group are the room's own words: each an isolate in a left-to-right line
        what = Composed.of(Value(doc["type_name"] or doc["type_code"]), *((" · ", Value(group)) if group else ()))
        if doc["required"] and status != "approved":
            items.append((_ORDER.get(status, 4), status, what))
        elif doc["expires_before_end"]:
            items.append((1, "expires_before_end", Composed.of(what, f" · {doc['operation_note']}")))
        elif doc["expiring_soon"]:
            items.append((5, "expiring_soon", Composed.of(what, f" · expires {doc['expires_on'] or 'soon'}")))
    return [(status, what) for _, status, what in sorted(items, key=lambda item: item[0])]


class Entry(NamedTuple):
    """A line of a badge list: a coloured ``status`` label (``label`` instead of the status's own when given) and
    ``text`` clipped to ``lines``; an entry without a status is a small heading over the entries after it."""

    status: str
    text: Text
    lines: int = 1
    label: str | None = None


CHECKLIST_BADGES = {"open": "Not signed", "signing": "Partly signed"}


def _to_sign(names: list[str | Value]) -> Composed:
    """Who has still to sign a partly signed checklist (ships by their names, isolated).

    >>> _to_sign([Value("MT Bora")]).text, _to_sign([Value("MT Bora"), "the POAC"]).text
    ('MT Bora to sign', 'MT Bora and the POAC to sign')
    """
    if len(names) > 1:
        return Composed.of(Composed.join(", ", names[:-1]), " and ", names[-1], " to sign")
    return Composed.of(names[0], " to sign")


def _pending_checklists(model: ReportModel, section: str) -> list[Entry]:
    """The checklists due before transfer whose latest round is not signed off, under a heading per transfer pair:
    number and title, badged "Not signed" or "Partly signed" with the ships (by name) or the POAC still to sign."""
    entries: list[Entry] = []
    pair = ""
    for c in model["checklists"]:
        if not c["before_transfer"] or not c["latest"] or c["state"] == "signed_off":
            continue
        if c["pair"] != pair:
            pair = c["pair"]
            entries.append(Entry("", Composed.of("Checklists of ", transfer_pair(c), f" · see {section}"), 2))
        names: dict[str, str | Value] = {"mother": Value(c["mother"]), "daughter": Value(c["daughter"]),
                                         "poac": "the POAC"}
        signed = {s["side"] for s in c["signoffs"]}
        missing = [names.get(side, side) for side in c["sign_off"] if SIDE_LABELS.get(side, side) not in signed]
        what = Composed.of(f"{c['number']}. ", Value(c["title"]), *((" · ", _to_sign(missing)) if signed else ()))
        entries.append(Entry(c["state"], what, 2, CHECKLIST_BADGES.get(c["state"])))
    return entries


def _badge_list(
    canvas: PageCanvas,
    styles: Styles,
    x: float,
    top: float,
    width: float,
    bottom: float,
    items: list[Entry],
    empty: str,
    section: str,
) -> None:
    """Per entry: a coloured status label, then the text clipped to the entry's lines; "+ N more" if out of
    room (headings are not counted)."""
    label_w = 62
    y = top
    text_style = Style(styles.fonts[0], 8.5, theme.INK)
    if not items:
        canvas.lines(x, y, wrap(empty, styles.small, width), width)
        return
    for index, entry in enumerate(items):
        if not entry.status:
            lines = clip(wrap(entry.text, styles.small, width), entry.lines)
        else:
            lines = clip(wrap(entry.text, text_style, width - label_w - 6), entry.lines)
        # a heading needs room for an entry under it too
        needed = len(lines) + 1 + (0 if entry.status else 1)
        if y - needed * 13 < bottom and index < len(items) - 1:
            left = sum(1 for e in items[index:] if e.status)
            canvas.lines(x, y, wrap(f"+ {left} more — see {section}", styles.small, width), width)
            return
        if not entry.status:
            canvas.lines(x, y - 1.5, lines, width)
            y -= 11 * len(lines)
            continue
        colour = theme.STATUS_COLOUR.get(entry.status, theme.AMBER)
        canvas.lines(x, y, [Line(entry.label or status_label(entry.status), styles.badge, colour)], label_w)
        canvas.lines(x + label_w + 6, y - 1.5, lines, width)
        y -= 13 * len(lines)


def attention(canvas: PageCanvas, styles: Styles, model: ReportModel, top: float, bottom: float) -> None:
    """Two lists under the facts: parties' approvals, and what requires attention: the required documents still
    outstanding and the checklists due before transfer that are not signed off.

    Each heading names the body section with the details; an approvals list the requester left out says so.
    """
    column = (theme.CONTENT_W - 24) / 2
    left, right = theme.MARGIN_X, theme.MARGIN_X + column + 24
    heading = Style(styles.fonts[1], 8, theme.NAVY)
    with_approvals = model["options"]["include_approvals"]
    documents_section = contents.see(model, contents.DOCUMENTS)
    approvals_section = contents.see(model, contents.APPROVALS) if with_approvals else ""
    for x, title, section in ((left, "Approvals", approvals_section), (right, "Requires attention", documents_section)):
        canvas.text(x, top - 10, title.upper(), heading)
        if section:
            canvas.text(x, top - 10, f"details in {section}", styles.small, "right", column)
        canvas.hline(x, x + column, top - 15, theme.NAVY, 0.8)
    if with_approvals:
        approvals = [
            Entry(a["status"] or "pending", Composed.of(Value(a["party_name"] or "—"), " · ", a["party_role_label"]))
            for a in model["approvals"]
        ]
        _badge_list(canvas, styles, left, top - 22, column, bottom, approvals, "No approvals requested.",
                    approvals_section)
    else:
        left_out = "Approvals are left out of this snapshot at the requester's choice."
        canvas.lines(left, top - 22, wrap(left_out, styles.small, column), column)
    all_clear = "All required documents are approved and none expire soon" + (
        ", and the checklists due before transfer are signed off." if model["checklists"] else ".")
    # checklists first: they are few, gate the transfer in order, and the cover names them nowhere else (the tiles
    # count the documents)
    checklists = _pending_checklists(model, contents.see(model, contents.CHECKLISTS))
    # open merge conflicts of room packs first (issue 19): until an admin chooses, the values shown are this side's
    # a conflict line is made by the sync layer: drawn left to right like every composed line, its values as they come
    conflicts = [Entry("rejected", Composed.of(line), 1, "Conflict") for line in model.get("conflicts") or []]
    pending = [*conflicts, *checklists, *(Entry(status, what) for status, what in _pending_documents(model))]
    _badge_list(canvas, styles, right, top - 22, column, bottom, pending, all_clear, documents_section)
