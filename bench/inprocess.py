"""Rendering stages timed in the bench's own process, on the same report model the server would render.

Used to show where a snapshot's time goes (gather, body, cover, assembly) and to put borb beside ReportLab
without the server's task bookkeeping in between. Fonts are loaded once before timing, as workers do.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, cast

from sts_snapshots.context import StsApp
from sts_snapshots.domain.records import SnapshotRecord
from sts_snapshots.domain.report_model import ReportModel, SnapshotFacts
from sts_snapshots.resources import static_dir
from sts_snapshots.snapshots.model import gather
from sts_snapshots.snapshots.pipeline import appendix_items, snapshot_facts

from .stats import median


def fonts_dir() -> Path:
    return static_dir() / "fonts"


def warm_up() -> None:
    from sts_snapshots.report import disable_borb_telemetry
    from sts_snapshots.report.fonts import load_fonts

    disable_borb_telemetry()
    load_fonts(fonts_dir())


def model_and_facts(sts: StsApp, room_id: str, include_documents: bool) -> tuple[ReportModel, SnapshotFacts]:
    model = gather(sts.rooms, sts.documents, room_id, include_documents)
    snapshot = cast(SnapshotRecord, {"id": "0" * 32, "title": "Benchmark snapshot", "room_id": room_id,
                                     "created_by": "admin@sts-demo.example"})
    return model, snapshot_facts(sts.pipeline, snapshot, model["content_key"])


def _timed(fn: Any, *args: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    value = fn(*args)
    return value, time.perf_counter() - started


def borb_stages(sts: StsApp, room_id: str, include_documents: bool, repeat: int = 3) -> dict[str, Any]:
    """Median seconds of gather, body, cover and assemble (and the page count) for one room."""
    from sts_snapshots.report import assemble, clear_borb_caches, draw_cover, render_body

    runs: dict[str, list[float]] = {"gather": [], "body": [], "cover": [], "assemble": []}
    pages = 0
    for _ in range(repeat):
        (model, facts), t_gather = _timed(model_and_facts, sts, room_id, include_documents)
        body, t_body = _timed(render_body, model, fonts_dir())
        cover, t_cover = _timed(draw_cover, model, facts, fonts_dir())
        (_pdf, pages), t_assemble = _timed(assemble, cover, body, facts, appendix_items(sts.pipeline, model))
        clear_borb_caches()
        for key, value in (("gather", t_gather), ("body", t_body), ("cover", t_cover), ("assemble", t_assemble)):
            runs[key].append(value)
    result: dict[str, Any] = {key: median(values) for key, values in runs.items()}
    result["total"] = sum(result[k] for k in runs)
    result["pages"] = pages
    return result


def reportlab_time(sts: StsApp, room_id: str, repeat: int = 3) -> dict[str, Any]:
    """Median seconds and pages of the ReportLab yardstick for the room (report only, no included files)."""
    from .reportlab_room import register_fonts, render_reportlab

    register_fonts(fonts_dir())
    model, facts = model_and_facts(sts, room_id, False)
    times, pages = [], 0
    for _ in range(repeat):
        (_data, pages), seconds = _timed(render_reportlab, model, facts, fonts_dir())
        times.append(seconds)
    return {"total": median(times), "pages": pages}
