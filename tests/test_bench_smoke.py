"""The benchmark code must not rot: run the store benchmark at a tiny size through its own function."""

from __future__ import annotations

from pathlib import Path

from bench.report import Section, render
from bench.store import measure_store


def test_store_benchmark_runs_at_a_tiny_size(tmp_path: Path) -> None:
    result = measure_store(tmp_path, history=300, layout="spread", record_count=250, summaries=1)
    assert result["history"] == 300
    assert result["record_mean_s"] > 0 and result["summary_s"] > 0
    assert result["summary_records"] >= 250  # everything just recorded is inside the last hour
    assert list(tmp_path.glob("metrics-*.json"))


def test_benchmarks_markdown_names_the_machine_and_the_targets() -> None:
    from bench.machine import describe_machine
    from bench.report import Target

    section = Section("store", "4. Store", "body", describe_machine(), [Target("flat", "×1.1", "met")])
    text = render({"store": section})
    assert "## Targets" in text and "| 4 | flat | ×1.1 | met |" in text
    assert describe_machine()["cores"] in text


def test_bench_doctests() -> None:
    import doctest

    from bench import machine, report, stats

    for module in (machine, report, stats):
        failed, _ = doctest.testmod(module)
        assert failed == 0, module.__name__


def test_profile_counts_each_frame_once_per_stack(tmp_path: Path) -> None:
    from bench.profile import top_frames

    raw = tmp_path / "raw.txt"
    raw.write_text("thread (1): Main;a (m.py:1);b (m.py:2);a (m.py:1) 3\nthread (2): W;b (m.py:2) 2\n")
    assert top_frames(raw) == [(5, "b (m.py:2)"), (3, "a (m.py:1)")]
