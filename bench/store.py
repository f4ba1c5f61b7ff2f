"""Item 4: the metrics store. Cost of recording one metric, and of ``summary(hours=1)``, as history grows.

Uses ``MetricsRecorder`` directly on a temporary folder (no server). History is written into the hourly
files the recorder itself writes (``metrics-YYYYMMDDHH.json``, then ``-0001`` … parts of 2,000 records),
in two layouts:

- ``spread``: the history spread evenly over the last 7 days (the default retention), as a server that
  records requests all day would leave it;
- ``current hour``: all of it inside the current hour (the worst case: e.g. 100 k requests in one hour).
"""

from __future__ import annotations

import random
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from sts_snapshots.domain.ids import new_id
from sts_snapshots.domain.time import utcnow
from sts_snapshots.metrics.hourly import HourlyStore, hour_of
from sts_snapshots.metrics.recorder import MetricsRecorder
from sts_snapshots.metrics.records import Metric

from .machine import describe_machine
from .report import Section, Target, table
from .stats import median, pct

ROUTES = ("/api/v1/rooms/{room_id}/snapshots", "/api/v1/snapshots/tasks/{task_id}", "/api/v1/rooms")
LAYOUTS = ("spread", "current hour")


def _record(at: Any, rng: random.Random) -> Metric:
    if rng.random() < 0.05:
        return {"kind": "generation", "duration_ms": round(rng.uniform(300, 3000), 2), "was_cached": rng.random() < 0.6,
                "size": 400_000, "pages": 8, "room_id": "r" * 32, "status": "completed", "id": new_id(),
                "at": at.isoformat(timespec="microseconds")}
    return {"kind": "request", "route": rng.choice(ROUTES), "method": "GET", "status_code": 200,
            "duration_ms": round(rng.uniform(2, 40), 3), "id": new_id(), "at": at.isoformat(timespec="microseconds")}


def write_history(folder: Path, count: int, layout: str, seed: int = 7) -> None:
    """``count`` records in hourly files of ``PART_RECORDS``, written with the app's own ``HourlyStore``."""
    rng = random.Random(seed)
    now = utcnow()
    if layout == "spread":
        span, start = timedelta(days=7), now - timedelta(days=7)
    else:
        start = now.replace(minute=0, second=0, microsecond=0)
        span = max(now - start, timedelta(seconds=1))
    shards: dict[str, list[Metric]] = {}
    for i in range(count):
        at = start + span * (i / max(count, 1))
        shards.setdefault(hour_of(at), []).append(_record(at, rng))
    store = HourlyStore(folder)
    for name, records in shards.items():
        for _ in store.append(name, records):
            pass


def measure_store(folder: Path, history: int, layout: str, record_count: int = 1000,
                  summaries: int = 3) -> dict[str, Any]:
    """Time ``record_count`` ``record_request`` calls (flushes included, every 200th) and ``summary(1)``."""
    write_history(folder, history, layout)
    recorder = MetricsRecorder(folder)
    calls = []
    for i in range(record_count):
        started = time.perf_counter()
        if recorder.record_request(route=ROUTES[i % len(ROUTES)], method="GET", status_code=200, duration_ms=5.0):
            recorder.flush()  # the server does this in a thread after the response; timed here as its cost
        calls.append(time.perf_counter() - started)
    started = time.perf_counter()
    recorder.flush()
    calls[-1] += time.perf_counter() - started
    flushes = sorted(calls)[-max(1, record_count // recorder.flush_every):]
    summary_times, in_window = [], 0
    for _ in range(summaries):
        started = time.perf_counter()
        result = recorder.summary(1, {}, {})
        summary_times.append(time.perf_counter() - started)
        in_window = result["api_performance"]["total_requests"] + result["pdf_generation"]["total_generations"]
    disk = sum(p.stat().st_size for p in folder.glob("metrics-*.json"))
    return {"history": history, "layout": layout, "record_mean_s": sum(calls) / len(calls),
            "record_p50_s": pct(calls, 50), "flush_s": median(flushes), "summary_s": median(summary_times),
            "summary_records": in_window, "disk_mb": disk / 1e6}


def run(quick: bool = False) -> Section:
    sizes = (1_000, 10_000) if quick else (1_000, 10_000, 100_000)
    rows, results = [], []
    for layout in LAYOUTS:
        for size in sizes:
            with tempfile.TemporaryDirectory(prefix="bench-metrics-") as tmp:
                r = measure_store(Path(tmp), size, layout, record_count=400 if quick else 1000,
                                  summaries=1 if quick else 3)
            results.append(r)
            rows.append([f"{size:,}", layout, f"{r['disk_mb']:.1f} MB", f"{r['record_mean_s'] * 1e6:.0f} µs",
                         f"{r['record_p50_s'] * 1e6:.1f} µs", f"{r['flush_s'] * 1000:.1f} ms",
                         f"{r['summary_s'] * 1000:.0f} ms", f"{r['summary_records']:,}"])
    spread = [r for r in results if r["layout"] == "spread"]
    worst = [r for r in results if r["layout"] != "spread"]
    growth = spread[-1]["record_mean_s"] / spread[0]["record_mean_s"]
    worst_growth = worst[-1]["record_mean_s"] / worst[0]["record_mean_s"]
    body = (
        "`MetricsRecorder` used directly on a temporary folder. *record* = one `record_request()` call; the "
        "recorder buffers in memory and every 200th call flushes the batch into the current hour's newest file "
        "of at most 2,000 records (TinyDB: read it, append, rewrite it atomically with fsync; the server does "
        "this in a thread after the response), so the *mean* is the amortised "
        "cost including flushes, *p50* the typical call, *flush* one batch write. `summary(hours=1)` reads "
        "the shards of the last hour (plus the previous one, as the window straddles it).\n\n"
        + table(["Records on disk", "Layout", "Disk", "Record: mean (amortised)", "Record: p50",
                 "Flush of 200", "summary(hours=1)", "Records in the hour"], rows)
        + "\n\nRecording cost as history grows from "
        f"{spread[0]['history']:,} to {spread[-1]['history']:,} records: ×{growth:.2f} with the history spread "
        f"over 7 days, ×{worst_growth:.2f} when all of it is in the current hour (a flush rewrites one "
        "file of at most 2,000 records, however much history the hour already holds).")
    targets = [Target("recording cost flat as history grows (spread over 7 days)",
                      f"×{growth:.2f} from {spread[0]['history']:,} to {spread[-1]['history']:,} records",
                      "met" if growth < 2 else "**missed**",
                      "hourly shards: older history is never rewritten" if growth < 2 else
                      "the flush rewrites more than the current hour"),
               Target("… worst case: all history in the current hour", f"×{worst_growth:.2f}",
                      "met" if worst_growth < 2 else "**missed**",
                      "a flush rewrites one file of at most 2,000 records" if worst_growth < 2 else
                      "the flush rewrites more than one part of the current hour")]
    return Section("store", "4. Store: metrics recording and summary", body, describe_machine(), targets, quick,
                   {"results": results})
