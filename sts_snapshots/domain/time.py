"""Time as the app stores it: ISO 8601 in UTC, to the second; the one parser of stored and typed moments."""

from __future__ import annotations

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def now_iso() -> str:
    return utcnow().isoformat(timespec="seconds")


def parse_datetime(value: str, name: str) -> datetime:
    """An ISO 8601 date-time (a trailing ``Z`` and a naive value mean UTC), or ValueError naming ``name``.

    >>> parse_datetime("2026-12-03T06:00Z", "sts_eta").isoformat()
    '2026-12-03T06:00:00+00:00'
    >>> parse_datetime("soon", "sts_eta")
    Traceback (most recent call last):
    ...
    ValueError: sts_eta must be an ISO 8601 date-time, e.g. 2026-12-03T06:00Z
    """
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{name} must be an ISO 8601 date-time, e.g. 2026-12-03T06:00Z") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_moment(value: str | None) -> datetime | None:
    """Like :func:`parse_datetime`, for display: None for empty or unreadable input.

    >>> parse_moment("2026-12-03T06:00").isoformat()
    '2026-12-03T06:00:00+00:00'
    >>> parse_moment("soon") is None
    True
    """
    if not value:
        return None
    try:
        return parse_datetime(value, "value")
    except ValueError:
        return None


def parse_date(value: str) -> date:
    """An ISO date (``2027-01-31``); a date-time is cut to its date.

    >>> parse_date("2027-01-31T10:00:00Z")
    datetime.date(2027, 1, 31)
    """
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)") from None
