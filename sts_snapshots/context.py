"""``StsApp``: all of the app's state, built complete by ``app.build_app`` and handed to the API, UI and CLI.

It lives apart from ``app.py`` (which imports the API and UI to register them), so that the routers and
pages can name its type without importing what builds it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from apscheduler.schedulers.background import BackgroundScheduler

from . import __version__
from .datadir import DataLayout
from .datadir.marker import write_start_marker
from .domain.time import now_iso
from .metrics.recorder import MetricsRecorder
from .services.auth import TokenIssuer
from .services.checklists import ChecklistService
from .services.documents import DocumentService
from .services.rooms import RoomService
from .services.snapshots import JobQueue, SnapshotService
from .services.tasks import TaskStore
from .services.throttle import LoginThrottle, Throttle
from .services.users import UserService
from .settings import Settings
from .snapshots.cache import PdfCache
from .snapshots.cleanup import CleanupResult, run_cleanup
from .snapshots.pipeline import Pipeline, generate_snapshot
from .snapshots.queue import add_maintenance, add_metrics_flush, stop_scheduler
from .snapshots.recovery import fail_orphans, recover
from .store.stores import Stores

if TYPE_CHECKING:  # imported at run time only in the distributed mode: it loads procrastinate and psycopg
    from .snapshots.pg_queue import ProcrastinateQueue

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StsApp:
    settings: Settings
    layout: DataLayout
    secret: str
    stores: Stores
    users: UserService
    rooms: RoomService
    documents: DocumentService
    checklists: ChecklistService
    snapshots: SnapshotService
    tasks: TaskStore
    cache: PdfCache
    metrics: MetricsRecorder
    pipeline: Pipeline
    queue: JobQueue
    # This node's scheduler. Embedded: it runs the generations, the daily cleanup and the metrics flush. Distributed
    # (``database_url``): only the metrics flush, as each node has its own metrics buffer.
    scheduler: BackgroundScheduler
    tokens: TokenIssuer
    verify_throttle: Throttle = field(default_factory=LoginThrottle)  # POST /api/v1/verify and /verify
    started_at: float = field(default_factory=time.monotonic)
    version: str = __version__
    pg_queue: ProcrastinateQueue | None = None  # ``queue`` itself in the distributed mode; None in the embedded one

    def cleanup(self) -> CleanupResult:
        """The daily cleanup (and ``sts-snapshots cleanup``); in the distributed mode the queue's finished jobs older
        than ``task_retention_hours`` go too."""
        s = self.settings
        result = run_cleanup(self.tasks, self.cache, self.metrics, task_hours=s.task_retention_hours,
                             cache_hours=s.cache_retention_hours, metrics_hours=s.metrics_retention_hours)
        if self.pg_queue is not None:
            self.pg_queue.delete_old_jobs(s.task_retention_hours)
        return result

    def start(self) -> None:
        """Start the scheduler and resume what a previous run left unfinished.

        In the distributed mode the queue's tables are made sure of instead, and nothing is resumed: other nodes
        may be running those jobs; the render nodes' stalled-job sweep retries those of a node that died.
        """
        if self.scheduler.running:
            return
        if self.pg_queue is not None:
            self.pg_queue.start()
            add_metrics_flush(self.scheduler, self.metrics.flush)
            self.scheduler.start()
            write_start_marker(self.layout)
            log.info("Snapshot jobs go through the queue in PostgreSQL (%s)", self.pg_queue.where)
            return
        add_maintenance(self.scheduler, cleanup=self.cleanup, cleanup_hour=self.settings.cleanup_hour,
                        flush=self.metrics.flush)
        self.scheduler.start()
        write_start_marker(self.layout)
        log.info("Registered PDF generation background task handler")
        started = now_iso()
        for snapshot_id in self.recover(orphans=False):
            self.queue.submit(snapshot_id)
        # reads every room's snapshot records: once serving, in the maintenance thread, not before the first answer
        self.scheduler.add_job(fail_orphans, args=(self.pipeline.records, self.tasks, self.layout, started),
                               executor="maintenance", id="fail-orphans", replace_existing=True)

    def recover(self, orphans: bool = True) -> list[str]:
        """Put right what a previous run left unfinished (:func:`~.snapshots.recovery.recover`, and with ``orphans``
        :func:`~.snapshots.recovery.fail_orphans`); the ids to run."""
        again = recover(self.pipeline.records, self.tasks, self.layout, self.settings.max_task_attempts)
        if orphans:
            fail_orphans(self.pipeline.records, self.tasks, self.layout)
        return again

    def stop(self) -> None:
        stop_scheduler(self.scheduler)
        self.pipeline.pool.shutdown()
        if self.pg_queue is not None:
            self.pg_queue.stop()
        self.metrics.flush()

    def run_render_node(self) -> bool:
        """Run this process as a render node until SIGINT or SIGTERM: take generations from the queue in PostgreSQL.

        At most ``max_concurrent_generations`` at once on this node (each render node has its own cap). A stop lets
        the renders in progress finish and puts the queued ones back for any node.

        :return: True when stopped by a signal, False when the workers stopped by themselves (database lost).
        :raises RuntimeError: the app is in the embedded mode (no ``database_url``).
        """
        if self.pg_queue is None:
            raise RuntimeError("a render node needs the distributed mode (database_url)")
        from .snapshots.render_node import Handlers, serve_jobs

        s = self.settings
        handlers = Handlers(generate=partial(generate_snapshot, self.pipeline), cleanup=self.cleanup,
                            records=self.pipeline.records, tasks=self.tasks, layout=self.layout,
                            max_attempts=s.max_task_attempts, cleanup_hour=s.cleanup_hour)
        self.start()
        try:
            return asyncio.run(serve_jobs(self.pg_queue.database_url, handlers,
                                          concurrency=s.max_concurrent_generations,
                                          on_stop=self.pipeline.pool.shutdown))
        finally:
            self.stop()

    def uptime_s(self) -> float:
        return round(time.monotonic() - self.started_at, 1)

    def task_counts(self) -> dict[str, int]:
        return self.tasks.counts()

    def summary(self, hours: float) -> dict[str, Any]:
        return dict(self.metrics.summary(hours, self.cache.stats(), self.task_counts()))  # the API answers it as JSON
