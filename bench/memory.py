"""Item 6: server memory (RSS) after 1,000 snapshots (cache hits: the room does not change)."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from .client import Api, drain, gather_limited
from .generation import timed_generation
from .machine import describe_machine
from .procs import rss_kb, worker_rss
from .report import Section, Target, table
from .server import ServerOptions
from .stats import ms, secs, summary
from .workspace import Workspace

log = logging.getLogger("bench")


def _kb(folder: Path) -> float:
    """The task records' size on disk (every shard file)."""
    return sum(f.stat().st_size for f in folder.glob("*.json")) / 1024


async def _run(ws: Workspace, total: int, batch: int) -> list[dict[str, Any]]:
    with ws.server(ServerOptions()) as server:
        tasks_dir = server.data_dir / "uploads" / ".tasks" / "by-id"
        async with Api(server.base_url) as api:
            room = ws.rooms["demo"]
            first = await timed_generation(api, room, False, None)
            rows = [{"snapshots": 1, "server_kb": rss_kb(server.pid),
                     "workers_kb": sum(worker_rss(server.pid).values()),
                     "tasks_kb": _kb(tasks_dir), "seconds": first["e2e"], "create": None, "hits": 0}]
            done = 1
            while done < total:
                size = min(batch, total - done)
                ids: set[str] = set()

                async def create(_: int, ids: set[str] = ids) -> float:
                    snap, seconds = await api.timed_create(room)
                    ids.add(snap["task_id"])
                    return seconds

                started = asyncio.get_running_loop().time()
                creates = await gather_limited(size, 10, create)
                finished = await drain(server.data_dir, ids, 1800)
                done += size
                hits = sum(1 for t in finished if (t.get("result") or {}).get("was_cached"))
                rows.append({"snapshots": done, "server_kb": rss_kb(server.pid),
                             "workers_kb": sum(worker_rss(server.pid).values()),
                             "tasks_kb": _kb(tasks_dir),
                             "seconds": asyncio.get_running_loop().time() - started,
                             "create": summary(creates)["p50"], "hits": hits, "batch": size})
                log.info("server memory: %s", rows[-1])
    return rows


def run(ws: Workspace, quick: bool = False) -> Section:
    total, batch = (50, 25) if quick else (1000, 100)
    rows = asyncio.run(_run(ws, total, batch))
    return build(rows, quick, describe_machine())


def build(rows: list[dict[str, Any]], quick: bool, machine: dict[str, str]) -> Section:
    """The section from measured rows (also used by ``--rerender`` on stored results)."""
    total, batch = rows[-1]["snapshots"], rows[1].get("batch", 0)
    table_rows = [[r["snapshots"], f"{(r['server_kb'] or 0) / 1024:.0f} MiB", f"{r['workers_kb'] / 1024:.0f} MiB",
                   f"{r['tasks_kb']:.0f} KB", secs(r["seconds"]),
                   f"{r['batch'] / r['seconds'] * 60:.0f}" if r.get("batch") else "—",
                   ms(r["create"]) if r["create"] is not None else "—",
                   f"{r['hits']}/{r['batch']}" if r.get("batch") else "miss"] for r in rows]
    start, end = rows[0]["server_kb"] or 0, rows[-1]["server_kb"] or 0
    growth = (end - (rows[1]["server_kb"] or 0)) / 1024 / max(1, (total - rows[1]["snapshots"]) / 100)
    first, last = rows[1], rows[-1]
    note = (f"\n\nServer RSS grows by about {growth:.0f} MiB per 100 snapshots after the first batch and does "
            f"not level off. Each batch also gets slower: {first['batch'] / first['seconds'] * 60:.0f} → "
            f"{last['batch'] / last['seconds'] * 60:.0f} snapshots/minute, create p50 {ms(first['create'])} → "
            f"{ms(last['create'])}, as tasks.json (one record per snapshot) grows to {last['tasks_kb']:.0f} KB and "
            "every task, snapshot and activity write re-encodes and rewrites its whole file.")
    body = (
        f"Server defaults ({ServerOptions().describe()}); the demo room, no included documents. One real "
        f"render first, then {total - 1} more snapshots of the unchanged room in batches of {batch} (10 creates in "
        "flight), each batch waited for until finished: **these are cache hits** (memory layer: the cover is "
        "rendered, the body reused), which is what the issue allows here. Server RSS is the server process "
        "only; the render workers are listed beside it. The tasks file grows by one record per snapshot "
        "(cleanup removes finished tasks after 24 h).\n\n"
        + table(["Snapshots", "Server RSS", "Workers RSS (sum)", "tasks.json", "Batch wall time",
                 "Snapshots / minute", "Create p50", "Cache hits"], table_rows) + note)
    targets = [Target(f"server RSS after {total:,} snapshots (no numeric target)",
                      f"{start / 1024:.0f} MiB → {end / 1024:.0f} MiB", "n/a",
                      f"cache hits (the issue allows it); grows ~{growth:.0f} MiB per 100 snapshots")]
    return Section("memory", "6. Server memory after 1,000 snapshots", body, machine, targets, quick,
                   {"rows": rows})
