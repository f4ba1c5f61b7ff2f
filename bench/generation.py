"""Item 2: generation wall time for rooms of 10, 40 and 200 documents, with and without included documents,
pages per second, borb beside a plain ReportLab script, and render-worker memory over 100 generations.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from .client import Api
from .inprocess import borb_stages, reportlab_time, warm_up
from .machine import describe_machine
from .report import Section, Target, table
from .server import ServerOptions
from .setup_data import open_app
from .stats import median, secs
from .workers_memory import memory_section, run_memory
from .workspace import Workspace

log = logging.getLogger("bench")


async def timed_generation(api: Api, room_id: str, include: bool, touch_doc: str | None) -> dict[str, Any]:
    """Change the room (unless ``touch_doc`` is None), create a snapshot and poll its task until it is done."""
    if touch_doc is not None:
        await api.touch(room_id, touch_doc)
    started = time.perf_counter()
    snap = await api.create(room_id, include)
    created = time.perf_counter() - started
    task = await api.wait(snap["task_id"])
    e2e = time.perf_counter() - started
    if task["status"] != "completed":
        raise RuntimeError(f"generation failed: {task['error']}")
    result = task["result"]
    return {"e2e": e2e, "create": created, "job": result["duration_ms"] / 1000, "pages": result["pages"],
            "size": result["file_size"], "was_cached": result["was_cached"]}


async def _server_part(ws: Workspace, reps: int) -> dict[str, Any]:
    out: dict[str, Any] = {"rows": []}
    with ws.server(ServerOptions()) as server:
        async with Api(server.base_url) as api:
            cold = await timed_generation(api, ws.rooms["demo"], False, None)
            out["cold"] = cold
            for size in ws.sizes:
                room = ws.rooms[f"docs{size}"]
                doc = (await api.documents(room))[0]["id"]
                for include in (False, True):
                    runs = [await timed_generation(api, room, include, doc) for _ in range(reps)]
                    assert not any(r["was_cached"] for r in runs), "a generation was a cache hit"
                    out["rows"].append({"documents": size, "include": include, "pages": runs[0]["pages"],
                                        "size": runs[0]["size"], "e2e": median([r["e2e"] for r in runs]),
                                        "job": median([r["job"] for r in runs])})
                    log.info("generation %d docs include=%s: %s", size, include, out["rows"][-1])
    return out


def _inprocess_part(ws: Workspace, reps: int) -> list[dict[str, Any]]:
    sts = open_app(ws.fresh())
    warm_up()
    rows = []
    try:
        for size in ws.sizes:
            room = ws.rooms[f"docs{size}"]
            borb = borb_stages(sts, room, False, reps)
            rl = reportlab_time(sts, room, reps)
            rows.append({"documents": size, "borb": borb, "reportlab": rl})
            log.info("in-process %d docs: borb %.3f s (%d p), reportlab %.3f s (%d p)", size, borb["total"],
                     borb["pages"], rl["total"], rl["pages"])
    finally:
        sts.stores.close()
    return rows


def run(ws: Workspace, quick: bool = False) -> Section:
    reps = 1 if quick else 3
    served = asyncio.run(_server_part(ws, reps))
    local = _inprocess_part(ws, reps)
    memory = [run_memory(ws, ServerOptions(), 10 if quick else 100)]
    memory.append(run_memory(ws, ServerOptions(recycle_after=1000), 10 if quick else 100))
    rows = [[r["documents"], "yes" if r["include"] else "no", r["pages"], f"{r['size'] / 1e6:.2f} MB",
             secs(r["e2e"]), secs(r["job"]), f"{r['pages'] / r['job']:.1f}"] for r in served["rows"]]
    cmp_rows = [[r["documents"], r["borb"]["pages"], secs(r["borb"]["body"]), secs(r["borb"]["cover"]),
                 secs(r["borb"]["assemble"]), secs(r["borb"]["total"]), r["reportlab"]["pages"],
                 secs(r["reportlab"]["total"]), f"×{r['borb']['total'] / r['reportlab']['total']:.1f}"]
                for r in local]
    body = (
        f"Server with the default settings ({ServerOptions().describe()}). Each generation is a real render: "
        "the bench changes one document's notes through the API before every snapshot, so the content key is "
        f"new and the cache misses (checked: `was_cached` false). Median of {reps}. *End to end* = POST create → "
        "the task poll (every 10 ms) sees `completed`; *job* = the task's own `duration_ms` (gather, render in a "
        "worker process, store). Pages/s = pages ÷ job time. Rooms are built with the app's services before "
        "the server starts: the demo operation's required documents, two vessels from 34 documents up, extra "
        "operation documents to reach the size; 4 of 5 documents have a file (one-page PDFs, some PNGs).\n\n"
        + table(["Documents", "Included documents", "Pages", "PDF size", "End to end", "Job", "Pages/s"], rows)
        + f"\n\nThe first generation after the server starts took {secs(served['cold']['e2e'])} end to end "
        f"(job {secs(served['cold']['job'])}): it spawns the render worker process, which loads the fonts.\n\n"
        "### borb beside ReportLab\n\n"
        "Both in the bench's own process, on the same report model (no included documents), fonts loaded "
        "beforehand, median of the same repetitions. borb = the app's `render_body` + `render_cover` + "
        "`assemble` (pypdf: page stamps, bookmarks); ReportLab = `bench/reportlab_room.py`, a plain platypus "
        "script of similar layout (cover with the readiness summary, room, parties, vessels, documents with "
        "the header row repeated, approvals, activity, \"Page X of Y\" footer, DejaVu Sans embedded).\n\n"
        + table(["Documents", "borb pages", "body", "cover", "assemble", "borb total", "ReportLab pages",
                 "ReportLab total", "borb ÷ ReportLab"], cmp_rows)
        + "\n\n" + memory_section(memory))
    flat = memory[0]["flat_ratio"]
    targets = [Target("worker memory flat over 100 generations (default recycling)",
                      f"last-10 ÷ first-10 peak worker RSS ×{flat:.2f}; max {memory[0]['max_mib']:.0f} MiB",
                      "met" if flat < 1.25 else "**missed**",
                      f"workers recycled after {ServerOptions().recycle_after} jobs and borb caches cleared "
                      "after each document; a recycle costs a respawn (spawn + font load): slowest generation "
                      f"after the first {secs(memory[0]['slowest_after_first'])} vs "
                      f"{secs(memory[1]['slowest_after_first'])} without recycling"),
               Target("… with recycling off (only the cache clearing)",
                      f"×{memory[1]['flat_ratio']:.2f}; max {memory[1]['max_mib']:.0f} MiB",
                      "met" if memory[1]["flat_ratio"] < 1.25 else "**missed**",
                      "shows whether clear_borb_caches alone bounds the growth")]
    return Section("generation", "2. Generation: wall time, pages/s, borb vs ReportLab, worker memory", body,
                   describe_machine(), targets, quick,
                   {"server": served, "in_process": local, "memory": memory})
