"""The metrics on real files: bounded writes within a busy hour, nothing lost when the disk refuses, the files
of an existing data folder read as they are, and the summary's figures."""

from __future__ import annotations

import ast
import json
import shutil
import threading
from datetime import datetime, timedelta
from pathlib import Path

import sts_snapshots.metrics
from sts_snapshots.domain.time import utcnow
from sts_snapshots.metrics.recorder import MetricsRecorder


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


def test_the_summary_on_known_data(tmp_path: Path) -> None:
    metrics = MetricsRecorder(tmp_path, flush_every=3)
    for ms, cached in [(100, False), (200, False), (10, True), (20, True)]:
        metrics.record_generation(duration_ms=ms, was_cached=cached, size=1000, pages=4)
    for ms, code in [(5, 200), (7, 200), (9, 404)]:
        metrics.record_request(route="/api/v1/rooms/{room_id}", method="GET", status_code=code, duration_ms=ms)
    assert list(tmp_path.glob("metrics-*.json"))  # flushed in batches into hourly shards
    summary = metrics.summary(1, cache={}, tasks={"pending": 2})
    gen = summary["pdf_generation"]
    assert (gen["total_generations"], gen["cached_count"], gen["generated_count"]) == (4, 2, 2)
    assert gen["cache_hit_rate_percent"] == 50.0 and gen["duration_ms"]["max"] == 200
    assert gen["duration_ms"]["p50"] == 20 and gen["duration_ms"]["mean"] == 82.5
    route = summary["api_performance"]["routes"]["GET /api/v1/rooms/{room_id}"]
    assert route["count"] == 3 and route["p95"] == 9
    assert summary["api_performance"]["by_status_code"] == {"200": 2, "404": 1}
    assert summary["tasks"]["pending_queue"] == 2
    assert metrics.clear_old_metrics(hours=0) == 7 and metrics.summary(1, {}, {})["pdf_generation"][
        "total_generations"] == 0


def _old_file(path: Path, records: list[dict[str, object]]) -> None:
    """A metrics file as the recorder has always written it: a TinyDB document, compact JSON."""
    table = {str(n): record for n, record in enumerate(records, start=1)}
    path.write_text(json.dumps({"metrics": table}, separators=(",", ":")))


def test_the_metrics_files_of_an_existing_data_folder_are_read_and_continued(tmp_path: Path) -> None:
    now = utcnow()
    hour, at = now.strftime("%Y%m%d%H"), now.replace(minute=0, second=0).isoformat(timespec="microseconds")
    old_hour, old_at = (now - timedelta(days=10)).strftime("%Y%m%d%H"), (now - timedelta(days=10)).isoformat()

    def generation(n: int, **extra: object) -> dict[str, object]:
        return {"kind": "generation", "duration_ms": 100.0 * n, "was_cached": n == 1, "size": 9, "pages": n,
                "room_id": "r1", **extra, "id": f"g{n}", "at": at}

    def request(n: int, code: int) -> dict[str, object]:
        return {"kind": "request", "route": "/api/v1/rooms", "method": "GET", "status_code": code,
                "duration_ms": float(n), "id": f"q{n}", "at": at}

    folder = tmp_path / "uploads" / ".metrics"
    folder.mkdir(parents=True)
    _old_file(folder / f"metrics-{hour}.json", [generation(1, status="completed"), generation(2), request(1, 200)])
    _old_file(folder / f"metrics-{hour}-0001.json", [generation(3, status="failed")])
    _old_file(folder / f"metrics-{old_hour}.json", [{**request(9, 200), "id": "old", "at": old_at}])
    (folder / f"metrics-{old_hour}.json.lock").touch()
    full_part = (folder / f"metrics-{hour}.json").read_bytes()

    metrics = MetricsRecorder(folder, part_records=3)
    summary = metrics.summary(1, {"misses": 1}, {"pending": 1})
    gen, api = summary["pdf_generation"], summary["api_performance"]
    assert (gen["total_generations"], gen["cached_count"], gen["failed_count"], gen["pages_total"]) == (2, 1, 1, 3)
    assert gen["duration_ms"]["mean"] == 150.0 and summary["cache"] == {"misses": 1}
    assert (api["total_requests"], api["by_status_code"]) == (1, {"200": 1})
    assert metrics.summary(24 * 11, {}, {})["api_performance"]["total_requests"] == 2

    metrics.record_request(route="/api/v1/rooms", method="GET", status_code=404, duration_ms=4)
    assert metrics.flush() == 1
    assert (folder / f"metrics-{hour}.json").read_bytes() == full_part  # a full part is never rewritten
    continued = json.loads((folder / f"metrics-{hour}-0001.json").read_bytes())["metrics"]
    assert continued["1"]["id"] == "g3" and len(continued) == 2
    assert continued["2"]["status_code"] == 404 and list(continued["2"]) == [
        "kind", "route", "method", "status_code", "duration_ms", "id", "at"]
    assert metrics.clear_old_metrics(hours=168) == 1
    assert sorted(p.name for p in folder.glob("metrics-*.json")) == [f"metrics-{hour}-0001.json",
                                                                    f"metrics-{hour}.json"]
    assert not (folder / f"metrics-{old_hour}.json.lock").exists()


PACKAGE = ("sts_snapshots", "metrics")
ALLOWED_BELOW = {"domain", "store", "settings", "datadir", "metrics"}


def imported_modules(source: str) -> list[str]:
    """The modules a module of the metrics package imports, relative imports made absolute."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = PACKAGE[:len(PACKAGE) + 1 - node.level] if node.level else ()
            found.append(".".join([*base, *([node.module] if node.module else [])]))
    return found


def test_the_metrics_package_imports_only_from_the_layers_below_it() -> None:
    package = Path(sts_snapshots.metrics.__file__).parent
    ours = [(module.name, name) for module in sorted(package.glob("*.py"))
            for name in imported_modules(module.read_text()) if name.split(".")[0] == PACKAGE[0]]
    assert ours  # the check sees the package's own imports
    layer_of = {name: name.partition(".")[2].partition(".")[0] for _, name in ours}  # sts_snapshots.<layer>.x
    assert [(module, name) for module, name in ours if layer_of[name] not in ALLOWED_BELOW] == []
