"""The metrics recorder: cheap to call from request handlers and jobs, written to the hourly store in batches.

Records are buffered in memory and flushed every ``flush_every`` records (and every 5 s by the scheduler)
into :class:`~sts_snapshots.metrics.hourly.HourlyStore`. Reads see the buffer too, so nothing recorded is
missing from a summary while it waits for the disk.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from ..domain.ids import new_id
from ..domain.time import parse_datetime, utcnow
from .hourly import PART_RECORDS, HourlyStore, hour_of
from .records import GenerationMetric, Metric, RequestMetric
from .summary import MetricsSummary, summarize

MAX_BUFFERED = 100_000  # records kept in memory while the disk refuses them
RETRY_AFTER_S = 5.0  # after a failed flush, requests do not ask for another one sooner
log = logging.getLogger(__name__)


def _now() -> str:
    """The moment a record is made: ISO 8601 in UTC, to the microsecond."""
    return utcnow().isoformat(timespec="microseconds")


class MetricsRecorder:
    """The app's one recorder; with ``folder`` None everything stays in memory (``build_app(in_memory=True)``).

    :param cluster: the folder of every node's metrics folder (the distributed mode's, ``folder`` is one of them):
        reads and summaries take in the other nodes' records too (as flushed: up to 5 s behind); each node writes
        only its own folder.
    """

    def __init__(self, folder: Path | None, flush_every: int = 200, part_records: int = PART_RECORDS,
                 cluster: Path | None = None) -> None:
        self.folder = folder
        self.flush_every = flush_every
        self.store = HourlyStore(folder, part_records)
        self.cluster = cluster
        self._peers: dict[Path, HourlyStore] = {}
        self._buffer: list[Metric] = []
        self._lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self._failed_at: float | None = None
        self._writing: list[Metric] = []
        self.listeners: list[Callable[[Metric], None]] = []  # e.g. the Prometheus exporter

    def record_generation(self, *, duration_ms: float, was_cached: bool, size: int, pages: int, room_id: str = "",
                          status: str = "completed") -> None:
        """Record one generation; a full buffer is flushed at once (callers are job threads)."""
        if self._add(GenerationMetric(kind="generation", duration_ms=round(duration_ms, 2), was_cached=was_cached,
                                      size=size, pages=pages, room_id=room_id, status=status, id=new_id(),
                                      at=_now())):
            self.flush()

    def record_request(self, *, route: str, method: str, status_code: int, duration_ms: float) -> bool:
        """Record one API request; never writes (it runs on the event loop).

        :return: :meth:`wants_flush`: the caller should run :meth:`flush` off the event loop.
        """
        self._add(RequestMetric(kind="request", route=route, method=method, status_code=status_code,
                                duration_ms=round(duration_ms, 3), id=new_id(), at=_now()))
        return self.wants_flush()

    def _add(self, record: Metric) -> bool:
        for listener in self.listeners:
            listener(record)
        with self._lock:
            self._buffer.append(record)
            return len(self._buffer) >= self.flush_every

    def flush(self) -> int:
        """Write buffered records to their hourly files; returns how many.

        If the disk refuses (full, folder gone, a damaged file), the records not written go back into the
        buffer for the next flush, which waits :data:`RETRY_AFTER_S` (the buffer keeps at most
        :data:`MAX_BUFFERED` records, dropping the oldest).
        """
        with self._flush_lock:
            with self._lock:
                batch, self._buffer = self._buffer, []
                self._writing = batch  # still seen by records() until it is on disk
            by_hour: dict[str, list[Metric]] = {}
            for record in batch:
                by_hour.setdefault(hour_of(parse_datetime(record["at"], "at")), []).append(record)
            done = 0
            try:
                for hour, records in by_hour.items():
                    for stored in self.store.append(hour, records):
                        done += stored
            except Exception as exc:  # metrics must never break the caller: kept and retried
                unwritten = [r for rs in by_hour.values() for r in rs][done:]
                self._failed_at = time.monotonic()
                with self._lock:
                    self._buffer[:0] = unwritten
                    self._writing = []
                    dropped = max(0, len(self._buffer) - MAX_BUFFERED)
                    del self._buffer[:dropped]
                log.warning("Could not write %d metric records (kept for the next flush%s): %s", len(unwritten),
                            f"; the {dropped} oldest dropped" if dropped else "", exc)
                return done
            self._failed_at = None
            with self._lock:
                self._writing = []
            return len(batch)

    def wants_flush(self) -> bool:
        """The buffer is full, no flush is running, and the last one did not just fail."""
        with self._lock:
            full = len(self._buffer) >= self.flush_every
        recent_failure = self._failed_at is not None and time.monotonic() - self._failed_at < RETRY_AFTER_S
        return full and not self._flush_lock.locked() and not recent_failure

    def records(self, since: datetime, kind: str | None = None) -> list[Metric]:
        """Every record made since ``since`` (of ``kind``, if given), whether flushed yet or not."""
        # Without waiting for a flush: what is in memory is taken before and after reading the files, so a batch
        # moving from memory to a file meanwhile is seen at least once, and the ids drop the second sighting.
        with self._lock:
            found = [*self._buffer, *self._writing]
        found += self.store.since(hour_of(since))
        for peer in self.peers():
            found += peer.since(hour_of(since))
        with self._lock:
            found += [*self._buffer, *self._writing]
        unique = {r["id"]: r for r in found}.values()
        return [r for r in unique if parse_datetime(r["at"], "at") >= since and (kind is None or r["kind"] == kind)]

    def peers(self) -> list[HourlyStore]:
        """The other nodes' stores (read only), one per folder in ``cluster``."""
        if self.cluster is None or self.folder is None:
            return []
        try:
            folders = sorted(p for p in self.cluster.iterdir() if p.is_dir() and p != self.folder)
        except FileNotFoundError:
            return []
        for folder in folders:
            if folder not in self._peers:
                self._peers[folder] = HourlyStore(folder, self.store.part_records)
        return [self._peers[folder] for folder in folders]

    def clear_old_metrics(self, hours: float = 168) -> int:
        """Delete metrics older than ``hours``; returns how many records went. Of other nodes (one gone for good
        leaves its folder behind), only whole hours: their current file is theirs to write."""
        self.flush()
        cutoff = utcnow() - timedelta(hours=hours)
        removed = self.store.remove_before(cutoff)
        for peer in self.peers():
            removed += peer.remove_before(cutoff, whole_hours_only=True)
        return removed

    def summary(self, hours: float, cache: Mapping[str, Any], tasks: dict[str, int]) -> MetricsSummary:
        """The admin summary of the last ``hours`` (``GET /api/v1/snapshots/metrics/summary``)."""
        return summarize(self.records(utcnow() - timedelta(hours=hours)), hours, cache, tasks)
