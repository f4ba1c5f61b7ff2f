"""Pure text helpers for the pages: dates in UTC, sizes, durations, relative times."""

from __future__ import annotations

from datetime import UTC, date, datetime


def parse_moment(value: str | None) -> datetime | None:
    """An ISO date-time (naive means UTC) or None for empty or unreadable input.

    >>> parse_moment("2026-12-03T06:00").isoformat()
    '2026-12-03T06:00:00+00:00'
    >>> parse_moment("soon") is None
    True
    """
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


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

    >>> day("2026-01-20")
    '20 Jan 2026'
    """
    if not value:
        return empty
    try:
        return date.fromisoformat(str(value)[:10]).strftime("%d %b %Y")
    except ValueError:
        return empty


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
    seconds = (moment - (now or datetime.now(UTC))).total_seconds()
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


def days_until(value: str | None, today: date) -> int | None:
    """Whole days from ``today`` to a date (negative when past).

    >>> days_until("2026-01-11", date(2026, 1, 1))
    10
    """
    if not value:
        return None
    try:
        return (date.fromisoformat(str(value)[:10]) - today).days
    except ValueError:
        return None


def size(num_bytes: int | float | None) -> str:
    """A byte count in B, KB or MB.

    >>> size(512), size(20_480), size(3_500_000), size(None)
    ('512 B', '20 KB', '3.3 MB', '—')
    """
    if num_bytes is None:
        return "—"
    if num_bytes < 1024:
        return f"{int(num_bytes)} B"
    if num_bytes < 1024 * 1024:
        return f"{num_bytes / 1024:.0f} KB"
    return f"{num_bytes / 1024 / 1024:.1f} MB"


def duration(ms: float | None) -> str:
    """Milliseconds as ms or seconds.

    >>> duration(85.2), duration(7350.2), duration(None)
    ('85 ms', '7.4 s', '—')
    """
    if ms is None:
        return "—"
    return f"{ms:.0f} ms" if ms < 1000 else f"{ms / 1000:.1f} s"
