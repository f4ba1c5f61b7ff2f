"""The metrics store on real files: bounded writes within a busy hour, nothing lost when the disk refuses."""

from __future__ import annotations

import shutil
import threading
from datetime import datetime, timedelta
from pathlib import Path

from sts_snapshots.domain.time import utcnow
from sts_snapshots.snapshots.metrics import MetricsRecorder


def _request(metrics: MetricsRecorder, ms: float) -> bool:
    return metrics.record_request(route="/api/v1/rooms", method="GET", status_code=200, duration_ms=ms)


def test_a_busy_hour_is_split_into_parts_that_are_never_rewritten(tmp_path: Path) -> None:
    metrics = MetricsRecorder(tmp_path, flush_every=3, part_records=5)
    for i in range(12):
        if _request(metrics, i):
            metrics.flush()
    hour = next(tmp_path.glob("metrics-??????????.json")).stem.removeprefix("metrics-")
    parts = [tmp_path / f"metrics-{hour}{suffix}.json" for suffix in ("", "-0001", "-0002")]
    assert sorted(tmp_path.glob("metrics-*.json")) == sorted(parts)  # 5 + 5 + 2 records
    first_parts = {f: f.read_bytes() for f in parts[:2]}
    # a restarted server goes on in the newest part, and never touches the full ones
    again = MetricsRecorder(tmp_path, flush_every=3, part_records=5)
    for i in range(6):
        if _request(again, 100 + i):
            again.flush()
    assert all(f.read_bytes() == raw for f, raw in first_parts.items())
    summary = again.summary(1, cache={}, tasks={})
    assert summary["api_performance"]["total_requests"] == 18
    assert summary["api_performance"]["latency_ms"]["max"] == 105
    assert again.clear_old_metrics(hours=0) == 18
    assert again.summary(1, {}, {})["api_performance"]["total_requests"] == 0


def test_recording_a_request_never_writes_it_only_says_when_to_flush(tmp_path: Path) -> None:
    metrics = MetricsRecorder(tmp_path, flush_every=2)
    assert _request(metrics, 1) is False and _request(metrics, 2) is True
    assert not list(tmp_path.glob("metrics-*.json"))  # the server flushes in a thread, after the response
    assert metrics.flush() == 2 and len(list(tmp_path.glob("metrics-*.json"))) == 1


def test_a_flush_the_disk_refuses_keeps_the_records_for_the_next_one(tmp_path: Path) -> None:
    folder = tmp_path / "metrics"
    metrics = MetricsRecorder(folder, flush_every=100)
    for i in range(4):
        _request(metrics, i)
    folder.write_text("not a folder")  # the metrics folder is gone and a file is in its way
    assert metrics.flush() == 0
    assert metrics.summary(1, {}, {})["api_performance"]["total_requests"] == 4  # still counted, from memory
    folder.unlink()
    folder.mkdir()
    _request(metrics, 9)
    assert metrics.flush() == 5
    shutil.copytree(folder, tmp_path / "copy")
    assert MetricsRecorder(tmp_path / "copy").summary(1, {}, {})["api_performance"]["total_requests"] == 5


def test_a_flush_that_fails_half_way_writes_nothing_twice(tmp_path: Path) -> None:
    metrics = MetricsRecorder(tmp_path, flush_every=2, part_records=3)
    _request(metrics, 0)
    assert metrics.flush() == 1  # part 0 holds 1 of 3
    hour = metrics.records(metrics_since_start())[0]["at"]
    blocker = tmp_path / f"metrics-{_hour(hour)}-0001.json"
    blocker.mkdir()  # the next part cannot be written
    for i in range(1, 5):
        _request(metrics, i)
    assert metrics.flush() == 2  # two fill part 0, the other two fail
    assert metrics.wants_flush() is False  # no flush storm right after a failure
    blocker.rmdir()
    assert metrics.flush() == 2
    summary = MetricsRecorder(tmp_path).summary(1, {}, {})["api_performance"]
    assert summary["total_requests"] == 5 and summary["latency_ms"]["max"] == 4


def metrics_since_start() -> datetime:
    return utcnow() - timedelta(hours=1)


def _hour(at: str) -> str:
    return datetime.fromisoformat(at).strftime("%Y%m%d%H")


def test_a_summary_during_flushes_counts_every_record_once(tmp_path: Path) -> None:
    metrics = MetricsRecorder(tmp_path, flush_every=25, part_records=100)
    started = recorded = 0  # requests begun, requests fully recorded (and flushed when due)
    done = threading.Event()

    def record() -> None:
        nonlocal started, recorded
        for i in range(600):
            started += 1
            if _request(metrics, i):
                metrics.flush()
            recorded += 1
        done.set()

    writer = threading.Thread(target=record)
    writer.start()
    checks = 0
    while not done.is_set() or checks < 3:
        before = recorded
        total = metrics.summary(1, {}, {})["api_performance"]["total_requests"]
        assert before <= total <= started, (before, total, started)
        checks += 1
    writer.join(30)
    assert metrics.summary(1, {}, {})["api_performance"]["total_requests"] == 600 and checks > 3
