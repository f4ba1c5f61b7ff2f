"""A render node's workers on test jobs, as a real process: ``python -m tests.pg_worker URL DATA_DIR MODE POLL_S``.

The workers, their tasks, the periodic jobs and the stalled sweep are the real ones (``serve_jobs``); only the
plain functions they call are the test's: a generation that starts its task (counting the attempt in the real task
store in PostgreSQL, as ``generate_snapshot`` does) and then either completes it (MODE ``complete``) or blocks until
the process is killed (MODE ``block``), or is put back the first time, as when its node stops (MODE
``put-back-once``); a cleanup that records its run. Each start and cleanup writes a row into
the test's tables ``ran`` and ``ticks`` (made by :func:`make_tables`), with the time it happened.
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import time
from pathlib import Path

import psycopg

from sts_snapshots.datadir import DataLayout
from sts_snapshots.domain.ids import task_id_for
from sts_snapshots.services.snapshot_records import SnapshotRecords
from sts_snapshots.services.tasks import TaskStore
from sts_snapshots.snapshots.pg_queue import ensure_schema
from sts_snapshots.snapshots.render_node import Handlers, Timings, serve_jobs
from sts_snapshots.store.stores import Stores

APP_NAME = "sts-snapshots render node"  # the application_name of the workers' connections (render_node.py)


def make_tables(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS ran (snapshot_id text, pid int, at double precision)")
        conn.execute("CREATE TABLE IF NOT EXISTS ticks (pid int, at double precision)")


def timings(poll_s: float) -> Timings:
    """Short enough for a test: beat every 0.5 s, stalled after 5 s without one, sweep and clean every second."""
    return Timings(heartbeat_s=0.5, stalled_after_s=5, poll_s=poll_s, sweep_cron="* * * * * *",
                   cleanup_cron="* * * * * *")


def main(url: str, data_dir: str, mode: str, poll_s: float) -> int:
    ensure_schema(url)  # as a render node's start does
    layout = DataLayout(Path(data_dir))
    stores = Stores.on_postgres(url)  # the web node's records, as a render node sees them
    records, tasks = SnapshotRecords(stores.snapshots, shared=True), TaskStore(stores.tasks)

    def note(table: str, *values: object) -> None:
        with psycopg.connect(url, autocommit=True) as conn:
            if table == "ran":
                conn.execute("INSERT INTO ran VALUES (%s, %s, %s)", (*values, time.time()))
            else:
                conn.execute("INSERT INTO ticks VALUES (%s, %s)", (*values, time.time()))

    put_back: set[str] = set()

    def generate(snapshot_id: str) -> None:
        task_id = task_id_for(snapshot_id)
        if tasks.start(task_id) is None:
            return
        note("ran", snapshot_id, os.getpid())
        if mode == "put-back-once" and snapshot_id not in put_back:
            put_back.add(snapshot_id)
            tasks.put_back(task_id)  # what generate_snapshot does when its render pool stopped before rendering
            return
        if mode == "block":
            threading.Event().wait()  # a render that never ends: the test kills this process
        tasks.complete(task_id, {"pid": os.getpid()})

    handlers = Handlers(generate=generate, cleanup=lambda: note("ticks", os.getpid()), records=records, tasks=tasks,
                        layout=layout, max_attempts=2, cleanup_hour=None)
    by_signal = asyncio.run(serve_jobs(url, handlers, concurrency=2, timings=timings(poll_s)))
    return 0 if by_signal else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])))
