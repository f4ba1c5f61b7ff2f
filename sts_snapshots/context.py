"""``StsApp``: all of the app's state, built complete by ``app.build_app`` and handed to the API, UI and CLI.

It lives apart from ``app.py`` (which imports the API and UI to register them), so that the routers and
pages can name its type without importing what builds it.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler

from . import __version__
from .datadir import DataLayout
from .datadir.marker import write_start_marker
from .metrics.recorder import MetricsRecorder
from .services.auth import TokenIssuer
from .services.checklists import ChecklistService
from .services.documents import DocumentService
from .services.rooms import RoomService
from .services.snapshots import SnapshotService
from .services.tasks import TaskStore
from .services.throttle import LoginThrottle, Throttle
from .services.users import UserService
from .settings import Settings
from .snapshots.cache import PdfCache
from .snapshots.cleanup import CleanupResult, run_cleanup
from .snapshots.pipeline import Pipeline
from .snapshots.queue import SchedulerQueue, add_maintenance
from .snapshots.recovery import recover
from .store.stores import Stores

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
    queue: SchedulerQueue
    tokens: TokenIssuer
    verify_throttle: Throttle = field(default_factory=LoginThrottle)  # POST /api/v1/verify and /verify
    started_at: float = field(default_factory=time.monotonic)
    version: str = __version__

    @property
    def scheduler(self) -> BackgroundScheduler:
        return self.queue.scheduler

    def cleanup(self) -> CleanupResult:
        s = self.settings
        return run_cleanup(self.tasks, self.cache, self.metrics, task_hours=s.task_retention_hours,
                           cache_hours=s.cache_retention_hours, metrics_hours=s.metrics_retention_hours)

    def start(self) -> None:
        """Start the scheduler and resume what a previous run left unfinished."""
        if self.scheduler.running:
            return
        add_maintenance(self.scheduler, cleanup=self.cleanup, cleanup_hour=self.settings.cleanup_hour,
                        flush=self.metrics.flush)
        self.scheduler.start()
        write_start_marker(self.layout)
        log.info("Registered PDF generation background task handler")
        for snapshot_id in self.recover():
            self.queue.submit(snapshot_id)

    def recover(self) -> list[str]:
        """Put right what a previous run left unfinished (:func:`~.snapshots.recovery.recover`); the ids to run."""
        return recover(self.pipeline.records, self.tasks, self.layout, self.settings.max_task_attempts)

    def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        self.pipeline.pool.shutdown()
        self.metrics.flush()

    def uptime_s(self) -> float:
        return round(time.monotonic() - self.started_at, 1)

    def task_counts(self) -> dict[str, int]:
        return self.tasks.counts()

    def summary(self, hours: float) -> dict[str, Any]:
        return dict(self.metrics.summary(hours, self.cache.stats(), self.task_counts()))  # the API answers it as JSON
