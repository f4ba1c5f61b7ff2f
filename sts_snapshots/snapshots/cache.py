"""Dual-layer cache of rendered report bodies: an LRU in memory bounded by bytes, and files on disk.

Keys are content keys (see :mod:`.content_key`), so an entry can never be stale: a changed room has
another key. A missing or corrupt disk file is a miss, and its index entry is dropped.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from datetime import timedelta
from pathlib import Path

from typing_extensions import TypedDict

from ..datadir.atomic import atomic_write_bytes
from ..domain.time import now_iso, parse_datetime, utcnow
from ..store import DatabaseLike, TableLike

MB = 1024 * 1024


class CacheEntry(TypedDict):
    """One body on disk, in ``index.json``."""

    id: str
    size: int
    sha256: str
    created_at: str
    last_used: str


class CacheStats(TypedDict):
    """The cache's figures, as the metrics summary and the dashboard show them."""

    memory_entries: int
    memory_used_mb: float
    memory_limit_mb: float
    memory_hits: int
    disk_hits: int
    misses: int
    evictions: int
    total_requests: int
    hit_rate_percent: float
    disk_entries: int
    disk_used_mb: float
    disk_limit_mb: float


class PdfCache:
    def __init__(self, folder: Path, index_db: DatabaseLike, memory_limit_mb: int, disk_limit_mb: int) -> None:
        self.folder = folder
        self._index: TableLike[CacheEntry] = index_db.table("entries")
        self.memory_limit = memory_limit_mb * MB
        self.disk_limit = disk_limit_mb * MB
        self._memory: OrderedDict[str, bytes] = OrderedDict()
        self._memory_bytes = 0
        self._lock = threading.Lock()
        self.stats_counters = {"memory_hits": 0, "disk_hits": 0, "misses": 0, "evictions": 0}

    # -- lookups ----------------------------------------------------------------------------------
    def get(self, key: str) -> tuple[bytes, str] | None:
        """``(body, "memory"|"disk")`` or None on a miss."""
        with self._lock:
            if key in self._memory:
                self._memory.move_to_end(key)
                self.stats_counters["memory_hits"] += 1
                return self._memory[key], "memory"
        data = self._read_disk(key)
        with self._lock:
            if data is None:
                self.stats_counters["misses"] += 1
                return None
            self.stats_counters["disk_hits"] += 1
            self._remember(key, data)
        return data, "disk"

    def put(self, key: str, data: bytes) -> None:
        with self._lock:
            self._remember(key, data)
        atomic_write_bytes(self._path(key), data)
        # two jobs of one unchanged room may both miss and both store: the index entry is replaced at once
        self._index.upsert({"id": key, "size": len(data), "sha256": hashlib.sha256(data).hexdigest(),
                           "created_at": now_iso(), "last_used": now_iso()})
        self._evict_disk()

    # -- maintenance ------------------------------------------------------------------------------
    def clear_old_entries(self, hours: float = 72) -> int:
        """Drop entries created more than ``hours`` ago from both layers; returns how many."""
        cutoff = utcnow() - timedelta(hours=hours)
        old = [e["id"] for e in self._index.all() if parse_datetime(e["created_at"], "created_at") < cutoff]
        for key in old:
            self._drop(key)
        return len(old)

    def clear(self) -> int:
        keys = [e["id"] for e in self._index.all()]
        for key in keys:
            self._drop(key)
        with self._lock:
            self._memory.clear()
            self._memory_bytes = 0
        return len(keys)

    def stats(self) -> CacheStats:
        entries = self._index.all()
        with self._lock:
            counters = dict(self.stats_counters)
            memory_entries, memory_bytes = len(self._memory), self._memory_bytes
        hits = counters["memory_hits"] + counters["disk_hits"]
        total = hits + counters["misses"]
        return {
            "memory_entries": memory_entries,
            "memory_used_mb": round(memory_bytes / MB, 3),
            "memory_limit_mb": round(self.memory_limit / MB, 3),
            "memory_hits": counters["memory_hits"], "disk_hits": counters["disk_hits"],
            "misses": counters["misses"], "evictions": counters["evictions"],
            "total_requests": total,
            "hit_rate_percent": round(100 * hits / total, 1) if total else 0.0,
            "disk_entries": len(entries),
            "disk_used_mb": round(sum(e["size"] for e in entries) / MB, 3),
            "disk_limit_mb": round(self.disk_limit / MB, 3),
        }

    # -- internals --------------------------------------------------------------------------------
    def _path(self, key: str) -> Path:
        return self.folder / f"{key}.pdf"

    def _read_disk(self, key: str) -> bytes | None:
        entry = self._index.get(key)
        if entry is None:
            return None
        try:
            data = self._path(key).read_bytes()
        except OSError:
            data = None
        if data is None or hashlib.sha256(data).hexdigest() != entry["sha256"]:
            self._drop(key)  # repaired: the next generation writes it anew
            return None
        self._index.update(key, {"last_used": now_iso()})
        return data

    def _remember(self, key: str, data: bytes) -> None:
        if len(data) > self.memory_limit:
            return
        if key in self._memory:
            self._memory_bytes -= len(self._memory.pop(key))
        self._memory[key] = data
        self._memory_bytes += len(data)
        while self._memory_bytes > self.memory_limit:
            _, evicted = self._memory.popitem(last=False)
            self._memory_bytes -= len(evicted)
            self.stats_counters["evictions"] += 1

    def _evict_disk(self) -> None:
        entries = sorted(self._index.all(), key=lambda e: e.get("last_used") or e["created_at"])
        used = sum(e["size"] for e in entries)
        while entries and used > self.disk_limit:
            victim = entries.pop(0)
            used -= victim["size"]
            self._drop(victim["id"], memory=False)
            with self._lock:
                self.stats_counters["evictions"] += 1

    def _drop(self, key: str, memory: bool = True) -> None:
        self._index.remove(key)
        self._path(key).unlink(missing_ok=True)
        if memory:
            with self._lock:
                if key in self._memory:
                    self._memory_bytes -= len(self._memory.pop(key))
