"""Results: each item gives a Markdown section and its targets; BENCHMARKS.md is rebuilt from all of them.

Results are kept in ``bench/results.json`` so that rerunning one item (``python -m bench cache``) replaces
only that item's section; every section says when and on what machine it was measured.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .machine import machine_line

REPO = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results.json"
BENCHMARKS = REPO / "BENCHMARKS.md"
ORDER = ("latency", "generation", "cache", "store", "throughput", "memory", "scripts", "distributed", "fleet",
         "packs")


@dataclass
class Target:
    what: str
    measured: str
    verdict: str  # "met", "**missed**" or "n/a"
    why: str = ""


@dataclass
class Section:
    key: str
    title: str
    body: str
    machine: dict[str, str]
    targets: list[Target] = field(default_factory=list)
    quick: bool = False
    data: dict[str, Any] = field(default_factory=dict)

    def markdown(self) -> str:
        quick = " (**--quick run: small sizes, not for comparison**)" if self.quick else ""
        return f"## {self.title}\n\n_Machine: {machine_line(self.machine)}{quick}._\n\n{self.body.strip()}\n"


def table(header: list[str], rows: list[list[Any]]) -> str:
    """A Markdown table.

    >>> print(table(["a", "b"], [[1, 2]]))
    | a | b |
    |---|---|
    | 1 | 2 |
    """
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def load_results(path: Path = RESULTS) -> dict[str, Section]:
    if not path.exists():
        return {}
    raw = json.loads(path.read_text())
    return {key: Section(**{**value, "targets": [Target(**t) for t in value.get("targets", [])]})
            for key, value in raw.items()}


def render(sections: dict[str, Section]) -> str:
    ordered = [sections[key] for key in ORDER if key in sections]
    parts = [
        "# Benchmarks\n",
        "Measured by `python -m bench` (see `bench/`): the real server runs as a subprocess on a free loopback "
        "port with its own temporary data folder, and an HTTP client (httpx, async) drives it. Rerun everything "
        "with `.venv/bin/python -m bench`, or one item with `.venv/bin/python -m bench "
        + "|".join(ORDER) + "`; each run replaces its own section below. The "
        "client runs on the same machine as the server and its workers, so it competes with them for the cores. "
        "Timings are noisy on a small shared machine (each section gives the load average when it finished): "
        "read the ratios and the orders of magnitude, not the last digit.\n",
        "## Targets\n",
        table(["Item", "Target", "Measured", "Verdict", "Why / note"],
              [[s.title.split(".")[0], t.what, t.measured, t.verdict, t.why] for s in ordered for t in s.targets]),
        "",
    ]
    parts += [s.markdown() for s in ordered]
    return "\n".join(parts)


# Sections measured by something else than this bench (the UI timings of the browser test) follow this line in
# BENCHMARKS.md; a rewrite keeps them.
ELSEWHERE = "<!-- measured elsewhere: kept as is by `python -m bench` -->"


def save(new: list[Section], results: Path = RESULTS, output: Path = BENCHMARKS) -> Path:
    sections = load_results(results)
    for section in new:
        sections[section.key] = section
    results.write_text(json.dumps({k: asdict(v) for k, v in sections.items()}, indent=1, ensure_ascii=False) + "\n")
    old = output.read_text() if output.exists() else ""
    kept = old[old.index(ELSEWHERE):] if ELSEWHERE in old else ""
    output.write_text(render(sections) + ("\n" + kept if kept else ""))
    return output
