"""Item ``distributed``: snapshots per minute in the distributed mode with 1, 2 and 4 render nodes (issue 18).

A throwaway PostgreSQL cluster (as the tests start it: ``tests/pgcluster.py``), one web node and N render nodes
as real processes (``tests/test_cluster.py``'s ``Office``), all on this machine. Each render node has one render
process and renders one snapshot at a time (``--workers 1``, ``max_concurrent_generations`` 1), so N nodes
render N at once. 100 snapshots of the demo room are queued through the web node; while they drain the bench
changes one document's notes every 200 ms, so every job renders (as item 5 does). CPU seconds from /proc for every
process tree: the render nodes with their workers, the web node, PostgreSQL.
"""

from __future__ import annotations

import asyncio
import logging
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import psycopg

from .client import Api, gather_limited
from .machine import describe_machine
from .procs import _cpu_fields, children
from .report import Section, Target, table
from .stats import secs
from .throughput import _churn  # the room changed every CHURN s, as item 5 does

log = logging.getLogger("bench")


def _tree_cpu(pid: int) -> float:
    """CPU seconds of ``pid`` and its descendants alive now, plus the reaped children it waited for."""
    tick = os.sysconf("SC_CLK_TCK")
    total, todo = 0.0, [pid]
    first = True
    while todo:
        current = todo.pop()
        fields = _cpu_fields(current)
        if fields is not None:
            total += (int(fields[11]) + int(fields[12])) / tick
            if first:
                total += (int(fields[13]) + int(fields[14])) / tick
        first = False
        todo += children(current)
    return total


def _postmaster(folder: Path) -> int:
    return int((folder / "data" / "postmaster.pid").read_text().split()[0])


def _finished(url: str, task_ids: set[str]) -> list[dict[str, Any]]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT doc FROM sts_records WHERE store = 'tasks' AND tbl = 'tasks' AND id = ANY(%s)",
                            (list(task_ids),)).fetchall()
    return [row[0] for row in rows if row[0]["status"] in ("completed", "failed", "cancelled")]


async def _measure(url: str, web: Any, renders: list[Any], pg_pid: int, count: int) -> dict[str, Any]:
    async with Api(web.url) as api:
        room = (await api._json("GET", "/rooms"))[0]["id"]
        doc = (await api.documents(room))[0]["id"]
        warm = {(await api.create(room))["task_id"] for _ in renders}  # every render process started first
        while len(_finished(url, warm)) < len(warm):
            await asyncio.sleep(0.25)
        stop = asyncio.Event()
        churn = asyncio.create_task(_churn(api, room, doc, stop))
        trees = {"render": [r.process.pid for r in renders], "web": [web.process.pid], "postgres": [pg_pid]}
        before = {k: sum(_tree_cpu(p) for p in pids) for k, pids in trees.items()}
        started = time.perf_counter()
        ids: set[str] = set()

        async def create(_: int) -> float:
            ids.add((await api.create(room))["task_id"])
            return 0.0

        await gather_limited(count, 10, create)
        while len(done := _finished(url, ids)) < len(ids):
            await asyncio.sleep(0.25)
        elapsed = time.perf_counter() - started
        after = {k: sum(_tree_cpu(p) for p in pids) for k, pids in trees.items()}
        stop.set()
        await churn
    completed = [t for t in done if t["status"] == "completed"]
    return {"nodes": len(renders), "count": count, "completed": len(completed), "elapsed": elapsed,
            "per_minute": len(completed) / elapsed * 60,
            "hits": sum(1 for t in completed if (t.get("result") or {}).get("was_cached")),
            **{f"{k}_cpu": after[k] - before[k] for k in after}}


def _one(nodes: int, count: int) -> dict[str, Any]:
    from tests.pgcluster import running_cluster
    from tests.test_cluster import Office

    with running_cluster() as cluster, tempfile.TemporaryDirectory(prefix="sts-bench-dist-") as base:
        office = Office(Path(base), cluster.new_database(), settings={"STS_MAX_CONCURRENT_GENERATIONS": "1"})
        try:
            web = office.web("web1")
            renders = [office.render(f"render{n + 1}") for n in range(nodes)]
            return asyncio.run(_measure(office.database_url, web, renders, _postmaster(cluster.folder), count))
        finally:
            office.stop()


def run(_ws: Any, quick: bool = False) -> Section:
    count = 10 if quick else 100
    results = []
    for nodes in (1, 2, 4):
        results.append(_one(nodes, count))
        log.info("distributed: %s", results[-1])
    return build(results, quick, describe_machine())


def build(results: list[dict[str, Any]], quick: bool, machine: dict[str, str]) -> Section:
    base = results[0]["per_minute"]
    rows = [[r["nodes"], r["count"], r["completed"], r["hits"], secs(r["elapsed"]), f"{r['per_minute']:.0f}",
             f"×{r['per_minute'] / base:.2f}",
             f"{r['render_cpu']:.1f} / {r['web_cpu']:.1f} / {r['postgres_cpu']:.1f} s",
             f"{(r['render_cpu'] + r['web_cpu'] + r['postgres_cpu']) / r['elapsed'] * 100:.0f} %"] for r in results]
    body = (__doc__.split("\n\n", 1)[1].strip() + "\n\n"
            + table(["Render nodes", "Queued", "Completed", "Cache hits", "Wall time", "Snapshots / minute",
                     "vs 1 node", "CPU: render nodes / web node / PostgreSQL", "CPU busy (of 200 %)"], rows)
            + "\n\nThe machine has 2 cores, shared here with other work (see the load average), so four render "
              "nodes oversubscribe it: the numbers show that the queue spreads jobs over every node and what it "
              "costs (the web node and PostgreSQL together use about a fifth of the render CPU), not what four "
              "machines would do (each node would bring its own cores). The bench client's own CPU is not counted.")
    targets = [Target("distributed: snapshots per minute with 1, 2, 4 render nodes (no numeric target)",
                      ", ".join(f"{r['nodes']} n: {r['per_minute']:.0f}/min" for r in results), "n/a",
                      f"2 nodes ×{results[1]['per_minute'] / base:.2f} of 1, 4 nodes "
                      f"×{results[-1]['per_minute'] / base:.2f} on 2 cores (see the CPU columns)")]
    return Section("distributed", "9. Distributed mode: throughput with 1, 2 and 4 render nodes", body, machine,
                   targets, quick, {"results": results})
