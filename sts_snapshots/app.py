"""``create_app(settings)``: builds every part of the app from one settings object and wires it up."""

from __future__ import annotations

import logging
import sys
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler

from . import __version__
from .auth import TokenIssuer
from .metrics.recorder import MetricsRecorder
from .paths import DataLayout
from .services.documents import DocumentService
from .services.rooms import RoomService
from .services.users import UserService
from .settings import Settings
from .snapshots import jobs, scheduling
from .snapshots.cache import PdfCache
from .snapshots.cleanup import CleanupResult, run_cleanup
from .snapshots.engine import SnapshotEngine
from .snapshots.records import SnapshotRecords
from .snapshots.renderer import RenderPool
from .snapshots.tasks import TaskStore
from .store.stores import Stores

log = logging.getLogger(__name__)


def static_dir() -> Path:
    """``static/`` beside the package, or inside a PyInstaller bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    base = Path(bundle) if bundle else Path(__file__).resolve().parent.parent
    return base / "static"


@dataclass
class StsApp:
    """All of the app's state, passed to the API routers, UI pages and CLI commands."""

    settings: Settings
    layout: DataLayout
    stores: Stores
    users: UserService
    rooms: RoomService
    documents: DocumentService
    tasks: TaskStore
    cache: PdfCache
    metrics: MetricsRecorder
    pool: RenderPool
    engine: SnapshotEngine
    tokens: TokenIssuer
    scheduler: BackgroundScheduler
    started_at: float = field(default_factory=time.monotonic)
    version: str = __version__

    def submit(self, snapshot_id: str) -> None:
        if self.scheduler.running:
            scheduling.submit_now(self.scheduler, f"snapshot-{snapshot_id}", jobs.generate_snapshot, self.engine,
                                  snapshot_id)

    def cleanup(self) -> CleanupResult:
        s = self.settings
        return run_cleanup(self.tasks, self.cache, self.metrics, task_hours=s.task_retention_hours,
                           cache_hours=s.cache_retention_hours, metrics_hours=s.metrics_retention_hours)

    def start(self) -> None:
        """Start the scheduler and resume what a previous run left unfinished."""
        if self.scheduler.running:
            return
        scheduling.add_maintenance(self.scheduler, cleanup=self.cleanup, cleanup_hour=self.settings.cleanup_hour,
                                   flush=self.metrics.flush)
        self.scheduler.start()
        log.info("Registered PDF generation background task handler")
        for snapshot_id in self.engine.recover():
            self.submit(snapshot_id)

    def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        self.pool.shutdown()
        self.metrics.flush()

    def uptime_s(self) -> float:
        return round(time.monotonic() - self.started_at, 1)

    def task_counts(self) -> dict[str, int]:
        return self.tasks.counts()

    def summary(self, hours: float) -> dict[str, Any]:
        return dict(self.metrics.summary(hours, self.cache.stats(), self.task_counts()))  # the API answers it as JSON


def build_app(settings: Settings, *, in_memory: bool = False) -> StsApp:
    """The app's parts without any web server: used by ``create_app``, the CLI and tests."""
    layout = DataLayout(settings.data_dir)
    if not in_memory:
        layout.prepare()
    stores = Stores.open(None if in_memory else layout)
    users = UserService(stores.users)
    rooms = RoomService(stores.rooms, stores.activity)
    documents = DocumentService(rooms, layout.documents)
    tasks = TaskStore(stores.tasks)
    cache = PdfCache(None if in_memory else layout.pdf_cache, stores.cache_index, settings.memory_cache_mb,
                     settings.disk_cache_mb)
    metrics = MetricsRecorder(None if in_memory else layout.metrics)
    pool = RenderPool(settings.workers, settings.worker_recycle_after, str(static_dir() / "fonts"),
                      niceness=settings.worker_priority)
    engine = SnapshotEngine(rooms=rooms, documents=documents, records=SnapshotRecords(stores.snapshots), tasks=tasks,
                            cache=cache, metrics=metrics, pool=pool, snapshots_dir=layout.snapshots,
                            documents_dir=layout.documents, fonts_dir=static_dir() / "fonts",
                            max_attempts=settings.max_task_attempts)
    secret = layout.secret_key() if not in_memory else "in-memory-test-secret-key-0123456789abcdef"
    sts = StsApp(settings=settings, layout=layout, stores=stores, users=users, rooms=rooms, documents=documents,
                 tasks=tasks, cache=cache, metrics=metrics, pool=pool, engine=engine,
                 tokens=TokenIssuer(secret, timedelta(minutes=settings.token_ttl_minutes)),
                 scheduler=scheduling.build_scheduler(settings.max_concurrent_generations))
    engine.submit = sts.submit
    engine.unschedule = lambda task_id: scheduling.remove(sts.scheduler, task_id)
    engine.users_by_email = users.get
    return sts


def seed_if_empty(sts: StsApp) -> bool:
    """Seed the demo room and users when the app has no users yet; returns whether it did."""
    from .demo import seed_demo

    if not sts.settings.demo or sts.users.count() > 0:
        return False
    seed_demo(sts.users, sts.rooms, sts.documents)
    log.info("Seeded the demo room and demo users")
    return True


def create_app(settings: Settings) -> StsApp:
    """Build the app and register its REST API, UI pages and start/stop hooks on NiceGUI's server."""
    from nicegui import app
    from nicegui.storage import Storage

    from .api import register_api
    from .ui import register_pages

    sts = build_app(settings)
    Storage.path = sts.layout.nicegui_storage  # NiceGUI would otherwise write .nicegui/ into the working directory
    seed_if_empty(sts)
    register_api(app, sts)
    register_pages(sts)
    app.on_startup(sts.start)
    app.on_shutdown(sts.stop)
    return sts
