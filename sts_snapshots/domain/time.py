"""Time as the app stores it: ISO 8601 in UTC, to the second; the one parser of stored and typed moments."""

from __future__ import annotations

from datetime import UTC, date, datetime

# What the app stores, prints and compares: a moment outside these years (0001 or 9999 with a UTC offset) would
# overflow when it is turned to UTC, and break every page and snapshot that shows it.
FIRST_YEAR, LAST_YEAR = 1900, 2200


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
    _check_year(parsed.year, name)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _check_year(year: int, name: str) -> None:
    """ValueError naming ``name`` unless ``year`` is one the app can keep.

    >>> _check_year(9999, "sts_eta")
    Traceback (most recent call last):
    ...
    ValueError: sts_eta must be in the years 1900 to 2200
    """
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"{name} must be in the years {FIRST_YEAR} to {LAST_YEAR}")


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
    """An ISO date (``2027-01-31``) of the years the app keeps; a date-time is cut to its date.

    >>> parse_date("2027-01-31T10:00:00Z")
    datetime.date(2027, 1, 31)
    """
    try:
        parsed = date.fromisoformat(str(value)[:10])
    except ValueError:
        raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)") from None
    _check_year(parsed.year, "the date")
    return parsed


def stored_date(value: str | None) -> date | None:
    """A date read back from a store, leniently: None when it cannot be read (a record from an older version may
    hold what :func:`parse_date` refuses today, and a page must still show the rest).

    >>> stored_date("0001-01-01"), stored_date("soon"), stored_date(None)
    (datetime.date(1, 1, 1), None, None)
    """
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None
