"""The metrics on disk: one TinyDB file per hour, split into parts, on :class:`~sts_snapshots.store.ShardedTable`.

Under ``uploads/.metrics``: ``metrics-YYYYMMDDHH.json``, then ``metrics-YYYYMMDDHH-0001.json`` and so on once
a file holds ``part_records`` records (default :data:`PART_RECORDS`). A write rewrites at most one such part,
so recording costs the same however much history there is, even within one busy hour; a summary reads only
the files of its period; old metrics go by deleting whole files.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from ..domain.time import parse_datetime
from ..store import ShardedTable
from .records import Metric

TABLE = "metrics"
PREFIX = "metrics-"
HOUR_FORMAT = "%Y%m%d%H"
PART_RECORDS = 2000  # records per file: a flush rewrites one file of at most this many


def hour_of(moment: datetime) -> str:
    """The hour (UTC) whose files hold the records of ``moment``.

    >>> from datetime import timedelta, timezone
    >>> hour_of(datetime(2026, 12, 1, 23, 30, tzinfo=timezone(timedelta(hours=2))))
    '2026120121'
    """
    return moment.astimezone(UTC).strftime(HOUR_FORMAT)


def part_key(hour: str, part: int) -> str:
    """The shard key (file name without ``.json``) of part ``part`` of ``hour``.

    >>> part_key("2026120121", 0), part_key("2026120121", 1)
    ('metrics-2026120121', 'metrics-2026120121-0001')
    """
    return f"{PREFIX}{hour}" if part == 0 else f"{PREFIX}{hour}-{part:04d}"


def split_key(key: str) -> tuple[str, int]:
    """The hour and part number of a shard key: the inverse of :func:`part_key`.

    >>> split_key("metrics-2026120121"), split_key("metrics-2026120121-0001")
    (('2026120121', 0), ('2026120121', 1))
    """
    return key.removeprefix(PREFIX)[:10], int(key.rpartition("-")[2]) if key.count("-") == 2 else 0


class HourlyStore:
    """Metric records by hour, in parts of at most ``part_records``; in memory when ``folder`` is None."""

    def __init__(self, folder: Path | None, part_records: int = PART_RECORDS) -> None:
        # Not kept open: every part of a week's history, parsed, would stay in memory.
        self._shards = ShardedTable(folder, TABLE, keep_open=False)
        self.part_records = part_records
        self._parts: dict[str, tuple[int, int]] = {}  # hour -> (latest part number, records in it)

    def append(self, hour: str, records: list[Metric]) -> Iterator[int]:
        """Store ``records`` of ``hour``, yielding how many each step stored (so a failure knows what is left)."""
        part, count = self._parts.get(hour) or self._latest_part(hour)
        while records:
            if count >= self.part_records:
                part, count = part + 1, 0
            room = self.part_records - count
            chunk, records = records[:room], records[room:]
            self._shards.shard(part_key(hour, part)).insert_many(chunk)
            count += len(chunk)
            self._parts[hour] = (part, count)
            yield len(chunk)

    def _latest_part(self, hour: str) -> tuple[int, int]:
        """The newest part of ``hour`` in the store and how many records it holds (``(0, 0)`` if none)."""
        parts = [split_key(key)[1] for key in self._shards.keys(part_key(hour, 0))]
        if not parts:
            return 0, 0
        part = max(parts)
        return part, self._shards.shard(part_key(hour, part)).count()

    def since(self, first_hour: str) -> list[Metric]:
        """Every record stored under ``first_hour`` or a later hour, hour by hour and part by part."""
        found: list[Metric] = []
        for key in self._shards.keys(PREFIX):
            if split_key(key)[0] >= first_hour:
                found += self._shards.shard(key).all()
        return found

    def remove_before(self, cutoff: datetime, *, whole_hours_only: bool = False) -> int:
        """Delete the records from before ``cutoff``: older hours whole, ``cutoff``'s own hour record by record
        (unless ``whole_hours_only``: another node's store, whose files only it may rewrite).

        :return: how many records went.
        """
        boundary = hour_of(cutoff)
        removed = 0
        for key in self._shards.keys(PREFIX):
            hour = split_key(key)[0]
            if hour < boundary:
                self._parts.pop(hour, None)
                removed += self._shards.shard(key).count()
                self._shards.drop(key)
            elif hour == boundary and not whole_hours_only:
                removed += self._shards.shard(key).remove_where(lambda r: parse_datetime(r["at"], "at") < cutoff)
        return removed
