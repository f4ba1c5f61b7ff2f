"""The operation window: from the STS ETA for the room's planned hours; documents must be valid through its end."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from typing_extensions import TypedDict

from .time import parse_moment

# Hours an operation is planned to take when the room does not say (rooms from before the field existed too).
DEFAULT_PLANNED_HOURS = 48
MAX_PLANNED_HOURS = 24 * 60


class WindowView(TypedDict):
    """The window as the API answers it and the report prints it.

    ``basis`` is ``eta`` (``start`` is the STS ETA, ``end`` ETA + ``planned_hours``, both ISO 8601 in the ETA's
    UTC offset) or ``today`` (no ETA: documents are judged against ``start``, today's date, and ``end`` is None).
    ``label`` is the window in words (``ETA + 48 h``).
    """

    basis: str
    start: str
    end: str | None
    planned_hours: int
    label: str


def planned_hours_of(room: Mapping[str, Any]) -> int:
    """The room's planned duration in hours; a room stored before the field existed has the default.

    >>> planned_hours_of({}), planned_hours_of({"planned_hours": 72})
    (48, 72)
    """
    hours = room.get("planned_hours")
    return int(hours) if isinstance(hours, int) and hours > 0 else DEFAULT_PLANNED_HOURS


@dataclass(frozen=True)
class OperationWindow:
    """From ``eta`` (None: not set, so today) for ``hours``; ``today`` is the clock's date (UTC)."""

    today: date
    eta: datetime | None
    hours: int = DEFAULT_PLANNED_HOURS

    @classmethod
    def of(cls, room: Mapping[str, Any], today: date) -> OperationWindow:
        return cls(today, parse_moment(room.get("sts_eta")), planned_hours_of(room))

    @property
    def end(self) -> datetime | None:
        return self.eta + timedelta(hours=self.hours) if self.eta else None

    @property
    def start_date(self) -> date:
        """The day the window starts, in the ETA's UTC offset; today without an ETA."""
        return self.eta.date() if self.eta else self.today

    @property
    def label(self) -> str:
        return f"ETA + {self.hours} h" if self.eta else f"no STS ETA set: judged against today, {self.today}"

    def shortfall_days(self, expires_on: date | None) -> int:
        """Whole days by which a document valid through the end of ``expires_on`` (in the ETA's offset) falls
        short of the window's end; 0 when it is valid for the whole operation or there is no ETA.

        >>> w = OperationWindow(date(2026, 11, 1), datetime.fromisoformat("2026-12-03T06:00+01:00"), 48)
        >>> [w.shortfall_days(date(2026, 12, day)) for day in (5, 4, 3)]
        [0, 1, 2]
        """
        end = self.end
        if end is None or expires_on is None:
            return 0
        valid_through = datetime.combine(expires_on + timedelta(days=1), time(0), tzinfo=end.tzinfo)
        if valid_through >= end:
            return 0
        return -(-(end - valid_through) // timedelta(days=1))  # a part of a day short is a day short

    def view(self) -> WindowView:
        end = self.end
        return WindowView(basis="eta" if self.eta else "today",
                          start=self.eta.isoformat(timespec="minutes") if self.eta else self.today.isoformat(),
                          end=end.isoformat(timespec="minutes") if end else None, planned_hours=self.hours,
                          label=self.label)


def shortfall_text(days: int, hours: int) -> str:
    """The sentence the room page and the report print for a document that lapses during the operation.

    >>> shortfall_text(2, 48)
    'expires 2 days before the end of the operation (ETA + 48 h)'
    >>> shortfall_text(1, 72)
    'expires 1 day before the end of the operation (ETA + 72 h)'
    """
    return f"expires {days} day{'s' if days != 1 else ''} before the end of the operation (ETA + {hours} h)"


def window_text(view: WindowView) -> str:
    """The window in one line, in the ETA's own UTC offset (the one expiry dates are read in).

    >>> window_text(OperationWindow(date(2030, 6, 1), datetime.fromisoformat("2030-06-10T06:00+02:00")).view())
    'ETA + 48 h: 2030-06-10 06:00 to 2030-06-12 06:00 (UTC+02:00); documents must be valid through its end'
    >>> window_text(OperationWindow(date(2030, 6, 1), None).view())
    'No STS ETA set: documents are judged against today, 2030-06-01'
    """
    if view["end"] is None:
        return f"No STS ETA set: documents are judged against today, {view['start']}"
    start, end = datetime.fromisoformat(view["start"]), datetime.fromisoformat(view["end"])
    offset = start.strftime("%z")
    zone = f"UTC{offset[:3]}:{offset[3:]}" if offset not in ("", "+0000") else "UTC"
    return (f"{view['label']}: {start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} ({zone}); "
            "documents must be valid through its end")
