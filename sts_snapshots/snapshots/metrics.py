"""Generation and API metrics, kept cheap to record as history grows.

Records are buffered in memory and flushed in batches into TinyDB files per hour under
``uploads/.metrics``: ``metrics-YYYYMMDDHH.json``, then ``metrics-YYYYMMDDHH-0001.json`` and so on
once a file holds ``part_records`` records (default :data:`PART_RECORDS`). A flush rewrites at most one
such part, so recording costs the same however much history there is, even within one busy hour; a
summary reads only the files of its period; old metrics go by deleting whole files.
"""

from __future__ import annotations

import functools
import logging
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from ..domain.ids import new_id
from ..domain.time import parse_datetime, utcnow
from ..store import Database

SHARD_FORMAT = "%Y%m%d%H"
PART_RECORDS = 2000  # records per file: a flush rewrites one file of at most this many
MAX_BUFFERED = 100_000  # records kept in memory while the disk refuses them
RETRY_AFTER_S = 5.0  # after a failed flush, requests do not ask for another one sooner
log = logging.getLogger(__name__)


def percentiles(values: list[float]) -> dict[str, float | int]:
    """count/min/max/mean/p50/p95/p99 (nearest-rank) of ``values``.

    >>> percentiles([10, 20, 30, 40])["p50"]
    20
    >>> percentiles([])["count"]
    0
    """
    if not values:
        return {"count": 0, "min": 0, "max": 0, "mean": 0, "p50": 0, "p95": 0, "p99": 0}
    ordered = sorted(values)

    def rank(p: float) -> float:
        return ordered[max(0, min(len(ordered) - 1, int(-(-p * len(ordered) // 100)) - 1))]

    return {"count": len(ordered), "min": ordered[0], "max": ordered[-1],
            "mean": round(statistics.fmean(ordered), 2), "p50": rank(50), "p95": rank(95), "p99": rank(99)}


class MetricsRecorder:
    def __init__(self, folder: Path | None, flush_every: int = 200, part_records: int = PART_RECORDS) -> None:
        self.folder = folder
        self.flush_every = flush_every
        self.part_records = part_records
        self._buffer: list[dict[str, Any]] = []
        self._memory_shards: dict[str, list[dict[str, Any]]] = {}
        self._parts: dict[str, tuple[int, int]] = {}  # hour -> (latest part number, records in it)
        self._lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self._failed_at: float | None = None
        self._writing: list[dict[str, Any]] = []
        self.listeners: list[Callable[[dict[str, Any]], None]] = []  # e.g. the Prometheus exporter

    def record_generation(self, *, duration_ms: float, was_cached: bool, size: int, pages: int, room_id: str = "",
                          status: str = "completed") -> None:
        """Record one generation; a full buffer is flushed at once (callers are job threads)."""
        if self._add({"kind": "generation", "duration_ms": round(duration_ms, 2), "was_cached": was_cached,
                      "size": size, "pages": pages, "room_id": room_id, "status": status}):
            self.flush()

    def record_request(self, *, route: str, method: str, status_code: int, duration_ms: float) -> bool:
        """Record one API request; never writes (it runs on the event loop).

        :return: :meth:`wants_flush`: the caller should run :meth:`flush` off the event loop.
        """
        self._add({"kind": "request", "route": route, "method": method, "status_code": status_code,
                   "duration_ms": round(duration_ms, 3)})
        return self.wants_flush()

    def _add(self, record: dict[str, Any]) -> bool:
        record |= {"id": new_id(), "at": utcnow().isoformat(timespec="microseconds")}
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
            by_shard: dict[str, list[dict[str, Any]]] = {}
            for record in batch:
                by_shard.setdefault(_shard_name(parse_datetime(record["at"], "at")), []).append(record)
            done = 0
            try:
                for name, records in by_shard.items():
                    for stored in self._append(name, records):
                        done += stored
            except Exception as exc:  # metrics must never break the caller: kept and retried
                unwritten = [r for rs in by_shard.values() for r in rs][done:]
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

    def _append(self, hour: str, records: list[dict[str, Any]]) -> Iterator[int]:
        """Store ``records`` of ``hour``, yielding how many each step stored (so a failure knows what is left)."""
        if self.folder is None:
            self._memory_shards.setdefault(hour, []).extend(records)
            yield len(records)
            return
        folder = self.folder
        part, count = self._parts.get(hour) or _latest_part(folder, hour)
        while records:
            if count >= self.part_records:
                part, count = part + 1, 0
            room = self.part_records - count
            chunk, records = records[:room], records[room:]
            db = Database(part_path(folder, hour, part))
            try:
                db.table("metrics").insert_many(chunk)
            finally:
                db.close()
            count += len(chunk)
            self._parts[hour] = (part, count)
            yield len(chunk)

    def records(self, since: datetime, kind: str | None = None) -> list[dict[str, Any]]:
        first = _shard_name(since)
        # Without waiting for a flush: what is in memory is taken before and after reading the files, so a batch
        # moving from memory to a file meanwhile is seen at least once, and the ids drop the second sighting.
        with self._lock:
            found = [*self._buffer, *self._writing]
        for name, loader in self._shards():
            if name >= first:
                found += loader()
        with self._lock:
            found += [*self._buffer, *self._writing]
        unique = {r["id"]: r for r in found}.values()
        return [r for r in unique if parse_datetime(r["at"], "at") >= since and (kind is None or r["kind"] == kind)]

    def _shards(self) -> list[tuple[str, Callable[[], list[dict[str, Any]]]]]:
        if self.folder is None:
            return [(name, functools.partial(list, recs)) for name, recs in sorted(self._memory_shards.items())]
        return [(_hour_of(path), functools.partial(_load_shard, path))
                for path in sorted(self.folder.glob("metrics-*.json"))]

    def clear_old_metrics(self, hours: float = 168) -> int:
        """Delete metrics older than ``hours``; returns how many records went."""
        self.flush()
        cutoff = utcnow() - timedelta(hours=hours)
        removed = 0
        boundary = _shard_name(cutoff)
        if self.folder is None:
            for name in list(self._memory_shards):
                keep = [r for r in self._memory_shards[name] if parse_datetime(r["at"], "at") >= cutoff]
                removed += len(self._memory_shards[name]) - len(keep)
                self._memory_shards[name] = keep
            return removed
        for path in sorted(self.folder.glob("metrics-*.json")):
            name = _hour_of(path)
            if name < boundary:
                self._parts.pop(name, None)
                removed += Database(path).table("metrics").count()
                path.unlink()
                path.with_name(path.name + ".lock").unlink(missing_ok=True)
            elif name == boundary:
                removed += Database(path).table("metrics").remove_where(
                    lambda r: parse_datetime(r["at"], "at") < cutoff)
        return removed

    def summary(self, hours: float, cache: dict[str, Any], tasks: dict[str, int]) -> dict[str, Any]:
        since = utcnow() - timedelta(hours=hours)
        records = self.records(since)
        gens = [r for r in records if r["kind"] == "generation" and r.get("status", "completed") == "completed"]
        cached = sum(1 for r in gens if r["was_cached"])
        api: dict[str, Any] = {"total_requests": 0, "routes": {}, "by_status_code": {}}
        latencies: list[float] = []
        for r in (r for r in records if r["kind"] == "request"):
            key = f"{r['method']} {r['route']}"
            api["routes"].setdefault(key, []).append(r["duration_ms"])
            code = str(r["status_code"])
            api["by_status_code"][code] = api["by_status_code"].get(code, 0) + 1
            latencies.append(r["duration_ms"])
        api["total_requests"] = len(latencies)
        api["latency_ms"] = percentiles(latencies)
        api["routes"] = {k: percentiles(v) for k, v in sorted(api["routes"].items())}
        return {
            "timestamp": utcnow().isoformat(timespec="seconds"),
            "period_hours": hours,
            "pdf_generation": {
                "total_generations": len(gens), "cached_count": cached, "generated_count": len(gens) - cached,
                "failed_count": sum(1 for r in records if r["kind"] == "generation" and r.get("status") == "failed"),
                "cache_hit_rate_percent": round(100 * cached / len(gens), 1) if gens else 0.0,
                "duration_ms": percentiles([r["duration_ms"] for r in gens]),
                "pages_total": sum(r["pages"] for r in gens),
            },
            "api_performance": api,
            "cache": cache,
            "tasks": {**tasks, "pending_queue": tasks.get("pending", 0)},
        }


def _hour_of(path: Path) -> str:
    """``metrics-2026112902-0003.json`` -> ``2026112902``."""
    return path.stem.removeprefix("metrics-")[:10]


def part_path(folder: Path, hour: str, part: int) -> Path:
    return folder / (f"metrics-{hour}.json" if part == 0 else f"metrics-{hour}-{part:04d}.json")


def _latest_part(folder: Path, hour: str) -> tuple[int, int]:
    """The newest part of ``hour`` on disk and how many records it holds (``(0, 0)`` if none)."""
    parts = [int(p.stem.rpartition("-")[2]) if p.stem.count("-") == 2 else 0
             for p in folder.glob(f"metrics-{hour}*.json")]
    if not parts:
        return 0, 0
    part = max(parts)
    return part, Database(part_path(folder, hour, part)).table("metrics").count()


def _load_shard(path: Path) -> list[dict[str, Any]]:
    return Database(path).table("metrics").all()


def _shard_name(moment: datetime) -> str:
    return moment.astimezone(utcnow().tzinfo).strftime(SHARD_FORMAT)
