"""Render-worker memory (RSS) over consecutive real generations of the demo room."""

from __future__ import annotations

import asyncio
import logging
import statistics
from typing import Any

from .client import Api
from .procs import WorkerSampler
from .report import table
from .server import ServerOptions
from .stats import secs
from .workspace import Workspace

log = logging.getLogger("bench")


async def _generations(ws: Workspace, options: ServerOptions, count: int) -> list[dict[str, Any]]:
    from .generation import timed_generation

    rows = []
    with ws.server(options) as server:
        async with Api(server.base_url) as api:
            room = ws.rooms["demo"]
            doc = (await api.documents(room))[0]["id"]
            with WorkerSampler(server.pid) as sampler:
                for n in range(1, count + 1):
                    run = await timed_generation(api, room, False, doc)
                    await asyncio.sleep(0.06)  # one more sample after the job
                    peak_one, peak_total = sampler.take_peak()
                    idle = sampler.sample()
                    rows.append({"n": n, "e2e": run["e2e"], "peak_one_kb": peak_one, "peak_total_kb": peak_total,
                                 "idle_total_kb": sum(idle.values()), "workers": len(idle),
                                 "pids_seen": len(sampler.pids_seen), "was_cached": run["was_cached"]})
                    if n % 10 == 0:
                        log.info("worker memory %s: %s", options.describe(), rows[-1])
    return rows


def run_memory(ws: Workspace, options: ServerOptions, count: int) -> dict[str, Any]:
    rows = asyncio.run(_generations(ws, options, count))
    tenth = max(1, count // 10)
    first = statistics.fmean(r["peak_one_kb"] for r in rows[:tenth])
    last = statistics.fmean(r["peak_one_kb"] for r in rows[-tenth:])
    return {"options": options.describe(), "recycle_after": options.recycle_after, "rows": rows,
            "flat_ratio": last / first if first else 0.0, "max_mib": max(r["peak_one_kb"] for r in rows) / 1024,
            "hits": sum(1 for r in rows if r["was_cached"]),
            "slowest_after_first": max((r["e2e"] for r in rows[1:]), default=0.0),
            "median_e2e": statistics.median(r["e2e"] for r in rows)}


def memory_section(runs: list[dict[str, Any]]) -> str:
    count = len(runs[0]["rows"])
    marks = sorted({1, count // 4, count // 2, 3 * count // 4, count} - {0})
    parts = [
        f"### Render-worker memory over {count} consecutive generations\n\n"
        "The demo room (34 documents, 8 pages, no included documents), one snapshot after another, each a real "
        "render (notes changed before each). The render workers are found as the server process's children "
        "running `multiprocessing.spawn` (from /proc); their RSS is sampled every 50 ms. *Peak* = the largest "
        "single worker during that generation; *idle sum* = all live workers just after it. *Processes seen* "
        "counts distinct worker process ids so far (recycling starts new ones).\n"]
    for run in runs:
        rows = []
        for n in marks:
            r = run["rows"][n - 1]
            rows.append([n, f"{r['peak_one_kb'] / 1024:.0f} MiB", f"{r['idle_total_kb'] / 1024:.0f} MiB",
                         r["workers"], r["pids_seen"], secs(r["e2e"])])
        rows.append(["max", f"{run['max_mib']:.0f} MiB",
                     f"{max(r['idle_total_kb'] for r in run['rows']) / 1024:.0f} MiB",
                     max(r["workers"] for r in run["rows"]), run["rows"][-1]["pids_seen"],
                     secs(max(r["e2e"] for r in run["rows"]))])
        parts.append(f"**{run['options']}** — last tenth ÷ first tenth of the peak: ×{run['flat_ratio']:.2f}; "
                     f"cache hits: {run['hits']}; median generation {secs(run['median_e2e'])}, slowest after the "
                     f"first {secs(run['slowest_after_first'])}\n\n"
                     + table(["Generation", "Peak worker RSS", "Idle sum of workers", "Live workers",
                              "Processes seen", "End to end"], rows) + "\n")
    return "\n".join(parts)
