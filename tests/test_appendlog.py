"""The append-only log's contract, on both backends, and what a crash in the middle of an append leaves."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from sts_snapshots.store import AppendLog


@pytest.fixture(params=["memory", "file"])
def log(request: pytest.FixtureRequest, tmp_path: Path) -> AppendLog:
    return AppendLog(None if request.param == "memory" else tmp_path / "audit")


def test_records_come_back_in_order_per_key(log: AppendLog) -> None:
    assert log.read("room1") == []
    for n in range(3):
        log.append("room1", {"id": f"e{n}", "n": n, "text": "Ørsted ⇄ 東京"})
    log.append("room2", {"id": "x"})
    assert [r["n"] for r in log.read("room1")] == [0, 1, 2]
    assert log.read("room1")[0]["text"] == "Ørsted ⇄ 東京"
    assert [r["id"] for r in log.read("room2")] == ["x"]


def test_returns_copies(log: AppendLog) -> None:
    log.append("k", {"id": "a", "tags": ["x"]})
    log.read("k")[0]["tags"].append("changed")
    assert log.read("k") == [{"id": "a", "tags": ["x"]}]


def test_appends_from_many_threads_are_all_kept(log: AppendLog) -> None:
    threads = [threading.Thread(target=lambda n=n: log.append("k", {"id": str(n)})) for n in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(int(r["id"]) for r in log.read("k")) == list(range(32))


def test_a_key_that_is_not_a_plain_id_is_refused(log: AppendLog) -> None:
    with pytest.raises(ValueError, match="not a log key"):
        log.append("../escape", {"id": "a"})


def test_a_line_cut_off_by_a_crash_is_skipped_and_the_next_append_starts_anew(tmp_path: Path) -> None:
    log = AppendLog(tmp_path)
    log.append("k", {"id": "a"})
    with open(tmp_path / "k.jsonl", "ab") as handle:
        handle.write(b'{"id": "cut')  # the process died in the middle of this write
    assert [r["id"] for r in log.read("k")] == ["a"]
    log.append("k", {"id": "b"})
    assert [r["id"] for r in log.read("k")] == ["a", "b"]
    assert log.files() == [tmp_path / "k.jsonl"]
