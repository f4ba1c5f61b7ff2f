"""Pure text helpers for the pages: dates in UTC, durations, relative times.

Parsing is the domain's (:mod:`sts_snapshots.domain.time`), and so is the size format
(:func:`sts_snapshots.domain.labels.format_size`); this module only decides how the pages write moments.
"""

from __future__ import annotations

from datetime import UTC, datetime

from ...domain.time import parse_moment, stored_date, utcnow


def when(value: str | None, empty: str = "—") -> str:
    """A date-time as crews read it on the radio log: day, month, year, 24 h clock, UTC.

    >>> when("2026-12-03T06:00:00+00:00")
    '03 Dec 2026 06:00 UTC'
    >>> when(None)
    '—'
    """
    moment = parse_moment(value)
    return moment.astimezone(UTC).strftime("%d %b %Y %H:%M UTC") if moment else empty


def day(value: str | None, empty: str = "—") -> str:
    """A date without time.

    >>> day("2026-01-20"), day("someday")
    ('20 Jan 2026', '—')
    """
    stored = stored_date(value)
    return stored.strftime("%d %b %Y") if stored else empty


def relative(value: str | None, now: datetime | None = None) -> str:
    """How far a moment is from now, in the largest sensible unit.

    >>> base = datetime(2026, 1, 1, 12, tzinfo=UTC)
    >>> relative("2026-01-06T12:00Z", base), relative("2026-01-01T11:59:30Z", base)
    ('in 5 days', 'just now')
    >>> relative("2026-01-01T09:00Z", base), relative("2026-01-01T12:10Z", base)
    ('3 h ago', 'in 10 min')
    """
    moment = parse_moment(value)
    if moment is None:
        return ""
    seconds = (moment - (now or utcnow())).total_seconds()
    size = abs(seconds)
    if size < 60:
        return "just now"
    if size < 3600:
        text = f"{int(size // 60)} min"
    elif size < 86400 * 2:
        text = f"{int(size // 3600)} h"
    else:
        text = f"{int(size // 86400)} days"
    return f"in {text}" if seconds > 0 else f"{text} ago"


def duration(ms: float | None) -> str:
    """Milliseconds as ms or seconds.

    >>> duration(85.2), duration(7350.2), duration(None)
    ('85 ms', '7.4 s', '—')
    """
    if ms is None:
        return "—"
    return f"{ms:.0f} ms" if ms < 1000 else f"{ms / 1000:.1f} s"
