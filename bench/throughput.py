"""Item 5: throughput. Snapshots completed per minute with a queue of 100, for 1, 2 and 4 worker processes."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from .client import Api, drain, gather_limited
from .machine import describe_machine
from .procs import cpu_seconds
from .report import Section, Target, table
from .server import ServerOptions
from .stats import secs
from .workspace import Workspace

log = logging.getLogger("bench")
CHURN = 0.2  # seconds between changes of the room while the queue drains


async def _churn(api: Api, room: str, doc: str, stop: asyncio.Event) -> None:
    while not stop.is_set():
        await api.touch(room, doc)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), CHURN)


async def _one(ws: Workspace, workers: int, count: int) -> dict[str, Any]:
    options = ServerOptions(workers=workers, max_concurrent=workers)
    with ws.server(options) as server:
        async with Api(server.base_url) as api:
            room = ws.rooms["demo"]
            doc = (await api.documents(room))[0]["id"]
            warm = [await api.create(room) for _ in range(workers)]  # start every worker process first
            await drain(server.data_dir, {s["task_id"] for s in warm}, 300)
            stop = asyncio.Event()
            churn = asyncio.create_task(_churn(api, room, doc, stop))
            cpu_before, client_before = cpu_seconds(server.pid), time.process_time()
            started = time.perf_counter()
            ids: set[str] = set()

            async def create(_: int) -> float:
                ids.add((await api.create(room))["task_id"])
                return 0.0

            await gather_limited(count, 10, create)
            done = await drain(server.data_dir, ids, 1800)
            elapsed = time.perf_counter() - started
            cpu_after, client_after = cpu_seconds(server.pid), time.process_time()
            stop.set()
            await churn
    completed = [t for t in done if t["status"] == "completed"]
    hits = sum(1 for t in completed if (t.get("result") or {}).get("was_cached"))
    jobs = [t["result"]["duration_ms"] / 1000 for t in completed]
    return {"workers": workers, "count": count, "elapsed": elapsed, "completed": len(completed), "hits": hits,
            "per_minute": len(completed) / elapsed * 60, "options": options.describe(),
            "job_mean": sum(jobs) / max(1, len(jobs)), "client_cpu": client_after - client_before,
            **{f"{k}_cpu": cpu_after[k] - cpu_before[k] for k in cpu_after}}


def _why(results: list[dict[str, Any]]) -> str:
    one = results[0]
    busy = ", ".join(f"{r['workers']} worker{'s' if r['workers'] > 1 else ''} "
                     f"{(r['workers_cpu'] + r['server_cpu'] + r['client_cpu']) / r['elapsed'] * 100:.0f} %"
                     for r in results)
    return (f"With 1 worker the server process spends {one['server_cpu'] / one['completed']:.2f} CPU s per "
            f"snapshot (job bookkeeping, TinyDB parsing and rewriting, the bench's note changes) beside "
            f"{one['workers_cpu'] / one['completed']:.2f} s of rendering. CPU busy of 200 %: {busy}. Time off "
            "the CPU is waiting; the likely cause is that a worker idles while the server does a job's work "
            "before and after the render (gather, then the store writes, each with fsync and under the store's "
            "locks), so one worker cannot keep a core busy and a second worker helps by filling that gap.")


def run(ws: Workspace, quick: bool = False) -> Section:
    count = 10 if quick else 100
    results = []
    for workers in (1, 2, 4):
        results.append(asyncio.run(_one(ws, workers, count)))
        log.info("throughput: %s", results[-1])
    return build(results, quick, describe_machine())


def build(results: list[dict[str, Any]], quick: bool, machine: dict[str, str]) -> Section:
    """The section from measured results (also used by ``--rerender`` on stored results)."""
    count = results[0]["count"]
    base = results[0]["per_minute"]
    rows = [[r["workers"], r["count"], r["completed"], r["hits"], secs(r["elapsed"]), f"{r['per_minute']:.0f}",
             f"×{r['per_minute'] / base:.2f}", secs(r["job_mean"]),
             f"{r['workers_cpu']:.0f} / {r['server_cpu']:.0f} / {r['client_cpu']:.0f} s",
             f"{(r['workers_cpu'] + r['server_cpu'] + r['client_cpu']) / r['elapsed'] * 100:.0f} %"] for r in results]
    body = (
        f"The demo room (34 documents, 8 pages, no included documents). For each worker count a fresh server "
        f"runs with `--workers N` and max_concurrent_generations = N (the default of 2 would cap 4 workers at "
        f"2 jobs). Each worker process is started by a warm-up generation before the clock starts. Then {count} "
        f"snapshots are queued (10 creates in flight) and the clock stops when the last one is finished (read "
        f"from the server's tasks file every 250 ms, so polling adds no load). **Real renders, not cache hits**: "
        f"while the queue drains the bench changes one document's notes every {CHURN * 1000:.0f} ms, so every "
        f"job reads a room state no earlier job rendered; *hits* counts any that were served from the cache "
        f"anyway (jobs that started within the same {CHURN * 1000:.0f} ms window share a state; they are both "
        "misses unless one finished before the other began). The machine has 2 cores, so 4 workers "
        "oversubscribe it.\n\n"
        + table(["Workers", "Queued", "Completed", "Cache hits", "Wall time", "Snapshots / minute", "vs 1 worker",
                 "Mean job", "CPU: workers / server / bench", "CPU busy (of 200 %)"], rows)
        + "\n\n*Mean job* is the tasks' own `duration_ms` (a job waits for its worker inside it). CPU seconds "
        "over the timed part come from /proc: the render workers (live and recycled), the server process "
        "(API, scheduler threads, TinyDB reads and writes), and the bench client itself (creates, the "
        "note changes, reading the tasks file). "
        + _why(results))
    two = results[1]
    targets = [Target("snapshots per minute, 100 queued (no numeric target)",
                      ", ".join(f"{r['workers']} w: {r['per_minute']:.0f}/min" for r in results), "n/a",
                      f"2 workers ×{two['per_minute'] / base:.2f} of 1, 4 workers "
                      f"×{results[-1]['per_minute'] / base:.2f} on 2 cores (see the CPU columns)")]
    return Section("throughput", "5. Throughput: snapshots per minute", body, machine, targets, quick,
                   {"results": results})
