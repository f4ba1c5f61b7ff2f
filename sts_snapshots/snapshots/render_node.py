"""What a render node runs: Procrastinate workers taking generations, the daily cleanup and the stalled-job sweep.

A render node runs two workers in one process: ``renders`` (concurrency ``max_concurrent_generations``: the cap is
per render node, each node has its own) and ``maintenance`` (one at a time), so a periodic job never waits behind
renders. The jobs are plain functions (:class:`Handlers`); this module only decides when and where they run.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

import procrastinate
from procrastinate import exceptions, jobs
from procrastinate.app import WorkerOptions

from ..datadir import DataLayout
from ..services.snapshot_records import SnapshotRecords
from ..services.tasks import TaskStore
from .pg_queue import CLEANUP, GENERATE_PDF, MAINTENANCE, RENDERS, SWEEP_STALLED
from .stalled import Outcome, settle_stalled, was_put_back

log = logging.getLogger(__name__)


class PutBack(Exception):
    """This render node stopped before the snapshot rendered: its job goes back into the queue, for any node."""


@dataclass(frozen=True)
class Timings:
    """How often workers beat and sweep; the defaults suit production, tests shorten them.

    A worker whose heartbeat is older than ``stalled_after_s`` is taken for dead, and its running jobs for stalled:
    keep it well above ``heartbeat_s``. Crons are Procrastinate's (UTC; a sixth field counts seconds).
    """

    heartbeat_s: float = 10.0
    stalled_after_s: float = 30.0
    poll_s: float = 5.0  # LISTEN/NOTIFY wakes a worker at once; polling is the fallback
    sweep_cron: str = "* * * * *"
    cleanup_cron: str = "0 * * * *"  # hourly: the job works only in the local hour ``cleanup_hour``


@dataclass(frozen=True)
class Handlers:
    """The plain functions and records the jobs work with."""

    generate: Callable[[str], object]  # generate_snapshot(pipeline, snapshot_id)
    cleanup: Callable[[], object]  # StsApp.cleanup
    records: SnapshotRecords
    tasks: TaskStore
    layout: DataLayout
    max_attempts: int  # max_task_attempts: starts of a generation, counted in its task record
    cleanup_hour: int | None  # the local hour of the daily cleanup; None: at every tick (tests)


def worker_app(database_url: str, handlers: Handlers, timings: Timings, *, pool_size: int,
               node: str = "render node") -> procrastinate.App:
    """A Procrastinate app on an asynchronous connector, with this node's jobs registered."""
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(
        conninfo=database_url, min_size=1, max_size=pool_size, name="sts-worker",
        kwargs={"application_name": f"sts-snapshots {node}"}))
    h = handlers

    @app.task(name=GENERATE_PDF, queue=RENDERS, retry=procrastinate.RetryStrategy(retry_exceptions=[PutBack]))
    def generate_pdf(snapshot_id: str) -> None:
        # A sync task: Procrastinate runs it in a thread of the loop's executor, where it may block on the render pool.
        h.generate(snapshot_id)
        if was_put_back(h.records, h.tasks, snapshot_id):
            raise PutBack(f"snapshot {snapshot_id}: this render node is stopping; queued again")

    @app.periodic(cron=timings.cleanup_cron)
    @app.task(name=CLEANUP, queue=MAINTENANCE, queueing_lock=CLEANUP)
    async def cleanup(timestamp: int) -> None:
        # Once per tick across all nodes: Procrastinate defers one job per (task, tick) in the database.
        if h.cleanup_hour is not None and datetime.fromtimestamp(timestamp).hour != h.cleanup_hour:
            return
        await asyncio.to_thread(h.cleanup)  # StsApp.cleanup: the queue's own finished jobs too

    # No `lock`: a sweep killed mid-way would hold it, and only a sweep can free it.
    @app.periodic(cron=timings.sweep_cron)
    @app.task(name=SWEEP_STALLED, queue=MAINTENANCE, queueing_lock=SWEEP_STALLED)
    async def sweep_stalled(timestamp: int) -> None:
        for job in await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=timings.stalled_after_s):
            await settle_job(app, h, job)

    return app


async def settle_job(app: procrastinate.App, h: Handlers, job: jobs.Job) -> Outcome:
    """Retry, fail or finish one stalled job (:func:`~.stalled.settle_stalled` decides for a generation)."""
    assert job.id is not None
    if job.task_name == GENERATE_PDF:
        snapshot_id = str(job.task_kwargs["snapshot_id"])
        outcome = await asyncio.to_thread(settle_stalled, h.records, h.tasks, h.layout, snapshot_id, h.max_attempts)
    else:  # a cleanup or a sweep: running it again does no harm
        snapshot_id, outcome = "", "retry"
    manager = app.job_manager
    try:
        if outcome == "retry":
            await manager.retry_job(job)
        else:
            status = jobs.Status.FAILED if outcome == "failed" else jobs.Status.SUCCEEDED
            await manager.finish_job_by_id_async(job.id, status, delete_job=False)
    except exceptions.ConnectorException:
        # Another sweep settled it first, or (a retry) another job of it waits already: then this one is done.
        try:
            await manager.finish_job_by_id_async(job.id, jobs.Status.FAILED, delete_job=False)
        except exceptions.ConnectorException:
            pass
        return outcome
    if outcome == "retry":
        log.warning("Job %s: its render node stopped answering; queued again%s", job.call_string,
                    f" (snapshot {snapshot_id})" if snapshot_id else "")
    elif outcome == "failed":
        log.warning("Snapshot %s failed: its render node stopped during generation %d times", snapshot_id,
                    h.max_attempts)
    return outcome


def worker_options(queue: str, concurrency: int, timings: Timings) -> WorkerOptions:
    """One worker of this node: on ``queue``, named after it; the signals are :func:`serve_jobs`'s to handle.

    No ``shutdown_graceful_timeout``: a stopping worker waits for its running jobs however long they take.
    """
    return {"queues": [queue], "name": queue, "concurrency": concurrency, "install_signal_handlers": False,
            "update_heartbeat_interval": timings.heartbeat_s, "stalled_worker_timeout": timings.stalled_after_s,
            "fetch_job_polling_interval": timings.poll_s}


async def serve_jobs(database_url: str, handlers: Handlers, *, concurrency: int, timings: Timings = Timings(),
                     on_stop: Callable[[], object] = lambda: None, retry_s: tuple[float, float] = (1.0, 30.0)) -> bool:
    """Run this node's workers until SIGINT or SIGTERM (in the main thread: its signal handlers are installed).

    At the first signal ``on_stop`` runs (the render pool's shutdown: queued renders are put back, and their jobs
    queued again for any node); the workers take no new job and wait for the running ones to finish.

    When the workers stop by themselves (their database connection failed: PostgreSQL went away), the node does not
    exit: it says so, tries the database again every ``retry_s[0]`` seconds, doubling up to ``retry_s[1]``, and starts
    its workers again once it answers (jobs that were running meanwhile are the stalled sweep's: retried on any node).

    :return: True when stopped by a signal (the only way it returns).
    """
    loop = asyncio.get_running_loop()
    # Sync jobs run in the loop's default executor: enough threads that a render never waits for one.
    loop.set_default_executor(ThreadPoolExecutor(concurrency + 2, thread_name_prefix="sts-job"))
    stopping = asyncio.Event()
    halt: Callable[[], None] = lambda: None  # noqa: E731 - replaced by each round's own

    def stop() -> None:
        if stopping.is_set():
            log.warning("Already stopping: waiting for the renders in progress to finish")
            return
        stopping.set()
        log.info("Stopping: renders in progress finish; queued ones go back to the queue")
        on_stop()
        halt()

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop)
    try:
        while not stopping.is_set():
            try:
                app = worker_app(database_url, handlers, timings, pool_size=concurrency + 4)
                async with app.open_async():
                    # Plain asyncio tasks, not NiceGUI's background_tasks: a render node runs no NiceGUI, and this
                    # list holds the tasks (so they cannot be garbage-collected) until they end below.
                    workers = [asyncio.create_task(app.run_worker_async(**worker_options(RENDERS, concurrency,
                                                                                         timings))),
                               asyncio.create_task(app.run_worker_async(**worker_options(MAINTENANCE, 1, timings)))]
                    halt = _halter(workers)
                    if stopping.is_set():  # a signal came while the workers were starting
                        halt()
                    await asyncio.wait(workers, return_when=asyncio.FIRST_COMPLETED)
                    halt()  # when one ended by itself (its database connection failed), the other stops too
                    await asyncio.gather(*workers, return_exceptions=True)
            except (exceptions.ConnectorException, OSError) as exc:
                log.warning("The job queue's database cannot be reached: %s", exc.__cause__ or exc)
            halt = lambda: None  # noqa: E731 - between rounds there is nothing to cancel
            if not stopping.is_set():
                await _wait_for_database(database_url, stopping, retry_s)
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
    return True


def _halter(workers: list[asyncio.Task[None]]) -> Callable[[], None]:
    """Stop ``workers`` once: Procrastinate's worker stops gracefully when cancelled, and a second cancel would
    interrupt its wait for the running jobs (they would be cancelled with the loop)."""
    halted = False

    def halt() -> None:
        nonlocal halted
        if not halted:
            halted = True
            for worker in workers:
                worker.cancel()

    return halt


async def _wait_for_database(database_url: str, stopping: asyncio.Event, retry_s: tuple[float, float]) -> None:
    """Return once the database answers again, or a stop was asked for."""
    from ..store.interface import StoreSetupError
    from ..store.postgres_errors import check_reachable

    pause, longest = retry_s
    log.warning("Render node: the job queue's database was lost; trying again every %g s up to %g s", pause, longest)
    while not stopping.is_set():
        try:
            await asyncio.wait_for(stopping.wait(), pause)
            return
        except TimeoutError:
            pass
        try:
            target = await asyncio.to_thread(check_reachable, database_url, 5)
        except StoreSetupError as exc:
            log.info("Still waiting for the database: %s", exc)
            pause = min(pause * 2, longest)
            continue
        log.warning("Render node: %s answers again; taking jobs", target)
        return
