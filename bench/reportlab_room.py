"""The same room rendered by a plain ReportLab script of similar layout: cover, then paginated tables.

This is the comparison the issue asks for (the original backend used ReportLab): same report model, A4,
DejaVu Sans embedded, running header, "Page X of Y" footer, a cover with the readiness summary, and the
room, parties, vessels, documents (header row repeated on every page), approvals and activity tables.
It is a benchmark yardstick, not a second report implementation: the styling is plain.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

STATUS_COLOURS = {"approved": "#1e7e34", "rejected": "#b02a37", "expired": "#b02a37", "under_review": "#b8860b",
                  "missing": "#6c757d"}
_registered: set[str] = set()


def register_fonts(fonts_dir: Path) -> None:
    if "DejaVu" not in _registered:
        pdfmetrics.registerFont(TTFont("DejaVu", str(fonts_dir / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont("DejaVu-Bold", str(fonts_dir / "DejaVuSans-Bold.ttf")))
        _registered.add("DejaVu")


class _NumberedCanvas(rl_canvas.Canvas):
    """Defers page output so the footer can say "Page X of Y" (ReportLab's usual recipe)."""

    room_title = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._saved: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._saved.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._saved)
        for state in self._saved:
            self.__dict__.update(state)
            self.setFont("DejaVu", 8)
            self.drawString(18 * mm, 287 * mm, "STS Clearance Snapshot")
            self.drawRightString(192 * mm, 287 * mm, self.room_title[:90])
            self.line(18 * mm, 285 * mm, 192 * mm, 285 * mm)
            self.drawString(18 * mm, 10 * mm, "Confidential: for the parties of this STS operation only.")
            self.drawRightString(192 * mm, 10 * mm, f"Page {self._pageNumber} of {total}")
            super().showPage()
        super().save()


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName="DejaVu", fontSize=8.5, leading=11)
    return {"body": base, "cell": ParagraphStyle("cell", parent=base, fontSize=7.5, leading=9.5),
            "h1": ParagraphStyle("h1", parent=base, fontName="DejaVu-Bold", fontSize=20, leading=26),
            "h2": ParagraphStyle("h2", parent=base, fontName="DejaVu-Bold", fontSize=13, leading=18, spaceBefore=8,
                                 spaceAfter=4)}


def _table(rows: list[list[Any]], widths: list[float], extra: list[Any] | None = None) -> Table:
    table = Table(rows, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, 0), "DejaVu-Bold", 8), ("FONT", (0, 1), (-1, -1), "DejaVu", 7.5),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#1f3a5f")), ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#c8d0da")), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f3f6f9")]), *(extra or [])]))
    return table


def _p(text: Any, style: ParagraphStyle) -> Paragraph:
    value = "—" if text in (None, "") else str(text)
    return Paragraph(value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"), style)


def _cover(model: dict[str, Any], facts: dict[str, Any], st: dict[str, ParagraphStyle]) -> list[Flowable]:
    room, ready = model["room"], model["readiness"]
    story: list[Flowable] = [Spacer(1, 20 * mm), Paragraph("STS Clearance Snapshot", st["h1"]),
                             _p(room["title"], st["h2"])]
    rows = [["Location", room.get("location")], ["STS ETA", room.get("sts_eta")], ["Snapshot", facts["title"]],
            ["Generated", f"{facts['generated_at']} by {facts['generated_by']}"],
            ["Snapshot id", facts["snapshot_id"]], ["Content key", facts["content_key"][:16]]]
    story.append(_table([["Fact", "Value"]] + [[k, _p(v, st["cell"])] for k, v in rows], [40, 134]))
    story.append(Spacer(1, 8 * mm))
    summary = [[k.replace("_", " ").capitalize(), str(v)] for k, v in ready.items() if not isinstance(v, dict | list)]
    story.append(_table([["Readiness", ""], *summary], [80, 94]))
    story.append(PageBreak())
    return story


def render_reportlab(model: dict[str, Any], facts: dict[str, Any], fonts_dir: Path) -> tuple[bytes, int]:
    """(PDF bytes, page count) of ``model`` rendered with ReportLab."""
    register_fonts(fonts_dir)
    st = _styles()
    cell = st["cell"]
    story = _cover(model, facts, st)
    room = model["room"]
    story += [Paragraph("Room information", st["h2"]),
              _table([["Field", "Value"]] + [[k.replace("_", " ").capitalize(), _p(room.get(k), cell)]
                                             for k in ("location", "sts_eta", "cargo_type", "cargo_quantity",
                                                       "status", "description", "created_by")], [40, 134])]
    story += [Paragraph("Parties", st["h2"]), _table(
        [["Role", "Name", "Company", "Email"]]
        + [[p["role_label"], _p(p["name"], cell), _p(p["company"], cell), _p(p["email"], cell)]
           for p in model["parties"]], [36, 42, 50, 46])]
    story += [Paragraph("Vessels", st["h2"]), _table(
        [["Name", "IMO", "Flag", "Type", "Role", "DWT"]]
        + [[_p(v["name"], cell), v["imo"], _p(v["flag"], cell), _p(v["vessel_type"], cell), v["role"],
            str(v.get("dwt") or "—")] for v in model["vessels"]], [38, 20, 24, 52, 18, 22])]
    rows: list[list[Any]] = [["Group", "Document", "Status", "Version", "Expires", "Notes"]]
    extra = []
    for i, d in enumerate(model["documents"], start=1):
        version = f"v{d['version']} {d['uploaded_by'] or ''}" if d["version"] else "—"
        rows.append([_p(d["group"], cell), _p(d["type_name"], cell), d["status"].replace("_", " "),
                     _p(version, cell), d["expires_on"] or "—", _p(d["notes"], cell)])
        extra.append(("TEXTCOLOR", (2, i), (2, i), colors.HexColor(STATUS_COLOURS.get(d["status"], "#000000"))))
    story += [Paragraph("Documents status", st["h2"]), _table(rows, [30, 34, 18, 30, 18, 44], extra)]
    story += [Paragraph("Approvals", st["h2"]), _table(
        [["Party", "Role", "Status", "Comment"]]
        + [[_p(a["party_name"], cell), a["party_role_label"], a["status"], _p(a["comment"], cell)]
           for a in model["approvals"]], [40, 36, 20, 78])]
    story += [Paragraph("Recent activity", st["h2"]), _table(
        [["At", "Who", "What", "Details"]]
        + [[a["at"][:16], _p(a["actor"], cell), a["action"], _p(a["details"], cell)] for a in model["activity"]],
        [26, 44, 30, 74])]
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm,
                            bottomMargin=16 * mm, title=facts["title"])
    canvas_class = type("RoomCanvas", (_NumberedCanvas,), {"room_title": str(room.get("title") or "")})
    doc.build(story, canvasmaker=canvas_class)
    data = out.getvalue()
    return data, len(PdfReader(io.BytesIO(data)).pages)
