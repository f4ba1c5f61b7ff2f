"""Page geometry, colours and value formatting shared by the cover and the body of the report.

Status labels and file sizes come from :mod:`sts_snapshots.domain.labels`, and moments are read by
:mod:`sts_snapshots.domain.time`, so the PDF says what the pages say.
"""

from __future__ import annotations

from datetime import UTC

from borb.pdf import HexColor

from sts_snapshots.domain.time import parse_moment

# A4 in points. borb's Page is 595 x 842 by default.
PAGE_W = 595
PAGE_H = 842
MARGIN_X = 42  # ~15 mm
CONTENT_W = PAGE_W - 2 * MARGIN_X
HEADER_BASELINE = 806
HEADER_RULE_Y = 796
CONTENT_TOP = 780
CONTENT_BOTTOM = 80
FOOTER_RULE_Y = 68
FOOTER_BASELINE = 56
# assemble() stamps "Snapshot ... | Page X of Y" below this line; nothing of ours goes lower (15 mm).
STAMP_ZONE = 43

NAVY = HexColor("#16324F")
INK = HexColor("#1F2933")
MUTED = HexColor("#5F6B7A")
RULE = HexColor("#C5CDD6")
ZEBRA = HexColor("#F3F5F8")
HEAD_FILL = HexColor("#E3E9F0")
WHITE = HexColor("#FFFFFF")
GREEN = HexColor("#1E7B34")
AMBER = HexColor("#B26A00")
RED = HexColor("#B3261E")
GREY = HexColor("#6B7280")
GREEN_TINT = HexColor("#E6F4EA")
RED_TINT = HexColor("#FCE8E6")
AMBER_TINT = HexColor("#FFF4E0")

# A status's label is domain.labels.status_label's; only its colour in the PDF is the report's own.
STATUS_COLOUR = {
    "approved": GREEN,
    "under_review": AMBER,
    "missing": GREY,
    "rejected": RED,
    "expired": RED,
    "pending": AMBER,
    "expires_before_end": RED,
    "open": GREY,
    "signing": AMBER,
    "signed_off": GREEN,
}

CONFIDENTIAL = "Confidential — prepared for the parties to this STS operation"


def fmt_datetime(value: str | None, seconds: bool = False) -> str:
    """Format an ISO timestamp as ``YYYY-MM-DD HH:MM UTC`` (with ``:SS`` if ``seconds``); unparsable text is
    returned unchanged.

    >>> fmt_datetime("2026-12-03T08:00:00+02:00")
    '2026-12-03 06:00 UTC'
    >>> fmt_datetime("2026-12-03T06:00:00")
    '2026-12-03 06:00 UTC'
    >>> fmt_datetime("2026-12-03T06:00:07Z", seconds=True)
    '2026-12-03 06:00:07 UTC'
    >>> fmt_datetime(None)
    '—'
    >>> fmt_datetime("soon")
    'soon'
    """
    if not value:
        return "—"
    moment = parse_moment(value)
    if moment is None:
        return value
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC" if seconds else "%Y-%m-%d %H:%M UTC")


def fmt_number(value: float | int | None, unit: str = "") -> str:
    """Thousands-separated number with an optional unit, ``—`` when missing.

    >>> fmt_number(115000, "t")
    '115,000 t'
    >>> fmt_number(249.9, "m")
    '249.9 m'
    >>> fmt_number(None)
    '—'
    """
    if value is None:
        return "—"
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return f"{text} {unit}".rstrip()


def text_or_dash(value: object) -> str:
    """``str(value)``, or an em dash for None/empty.

    >>> text_or_dash("")
    '—'
    >>> text_or_dash(3)
    '3'
    """
    if value is None or value == "":
        return "—"
    return str(value)
