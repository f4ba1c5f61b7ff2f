"""``build_app(settings)`` builds every part of the app from one settings object; ``create_app`` also serves it."""

from __future__ import annotations

import contextlib
import hashlib
import logging
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from apscheduler.schedulers.background import BackgroundScheduler

from .context import StsApp
from .datadir import DataLayout
from .datadir.installation import installation_id
from .datadir.private import make_private
from .datadir.secret import secret_key
from .demo import seed_demo
from .logging_setup import refused_origins_are_warnings
from .metrics.recorder import MetricsRecorder
from .packs.sync import SYNC_USER, schedule_sync
from .resources import sample_checklist_set, static_dir
from .services.activity_chain import ActivityChain
from .services.auth import TokenIssuer
from .services.checklist_book import ChecklistBook
from .services.checklists import ChecklistService
from .services.documents import DocumentService
from .services.rooms import RoomService
from .services.snapshot_records import SnapshotRecords
from .services.snapshots import JobQueue, SnapshotService
from .services.sync_state import SyncState
from .services.tasks import TaskStore
from .services.throttle import LoginThrottle, SharedLoginThrottle, Throttle
from .services.users import UserService
from .settings import Settings
from .signing import SignerConfig, ensure_identity, load_identity
from .snapshots.cache import PdfCache
from .snapshots.pipeline import Pipeline, generate_snapshot, include_limits
from .snapshots.queue import SchedulerQueue, build_scheduler
from .snapshots.renderer import RenderPool
from .store.stores import Stores, open_stores

if TYPE_CHECKING:
    from .snapshots.pg_queue import ProcrastinateQueue

log = logging.getLogger(__name__)


def build_app(settings: Settings, *, today: Callable[[], date] | None = None) -> StsApp:
    """The app's parts without any web server: used by ``create_app``, the CLI and tests.

    :param today: the clock of dates that documents are judged against (tests fix it; default: UTC today).
    """
    layout = layout_of(settings)
    layout.prepare()
    # PostgreSQL when settings.database_url is set, else TinyDB files; first, so a wrong URL makes nothing
    stores = open_stores(settings, layout)
    try:
        ensure_identity(layout, settings.organisation)  # the installation's CA and signing certificate, made once
        secret = secret_key(layout)
        installation = installation_id(layout)
        if settings.secrets_dir:
            make_private(layout.secrets)
        if settings.database_url:
            stores.backend.join_cluster(cluster_fingerprints(layout, secret, installation))
    except BaseException:
        stores.close()
        raise
    users = UserService(stores.users, throttle=throttle_of(stores, "login"))
    chain = ActivityChain(installation, stores.activity, stores.audit)
    chain.migrate()  # logs written before chains existed get theirs, once
    book = ChecklistBook(stores.checklists, stores.room_checklists, settings.checklist_set)
    book.install(sample_checklist_set().read_text(encoding="utf-8"), "sts-snapshots", if_missing=True)
    rooms = RoomService(stores.rooms, stores.activity, stores.audit, chain=chain, today=today,
                        checklist_gate=book.gate, release_vessel=book.release_vessel)
    documents = DocumentService(rooms, layout.documents)
    checklists = ChecklistService(rooms, book)
    records = SnapshotRecords(stores.snapshots, shared=bool(settings.database_url))
    tasks = TaskStore(stores.tasks)
    fonts = static_dir() / "fonts"
    pipeline = Pipeline(
        rooms=rooms, documents=documents, users=users, records=records, tasks=tasks,
        cache=PdfCache(layout.pdf_cache, stores.cache_index, settings.memory_cache_mb, settings.disk_cache_mb),
        metrics=MetricsRecorder(layout.metrics, cluster=layout.cluster_metrics),
        pool=RenderPool(settings.workers, settings.worker_recycle_after, str(fonts), niceness=settings.worker_priority),
        layout=layout, fonts_dir=fonts, include_limits=include_limits(settings),
        signer=SignerConfig.of(layout.root, settings.signing_p12, settings.timestamp_url, layout.secrets_dir),
        checklists=checklists, sync=SyncState(stores.rooms))
    queue, scheduler, pg_queue = build_queue(settings, pipeline)
    return StsApp(
        settings=settings, layout=layout, secret=secret, stores=stores, users=users, rooms=rooms,
        documents=documents, checklists=checklists,
        snapshots=SnapshotService(rooms=rooms, records=records, tasks=tasks, queue=queue,
                                  layout=layout, activity_limit=settings.report_activity_limit,
                                  transaction=stores.transaction),
        tasks=tasks, cache=pipeline.cache, metrics=pipeline.metrics, pipeline=pipeline, queue=queue,
        scheduler=scheduler, pg_queue=pg_queue,
        tokens=TokenIssuer(secret, timedelta(minutes=settings.token_ttl_minutes)),
        verify_throttle=throttle_of(stores, "verify"))


def layout_of(settings: Settings) -> DataLayout:
    """The data folder, with the files and secrets folders ``settings`` move out of it."""
    files = Path(settings.files_dir).expanduser() if settings.files_dir else None
    secrets = Path(settings.secrets_dir).expanduser() if settings.secrets_dir else None
    return DataLayout(settings.data_dir, files_dir=files, secrets_dir=secrets)


def throttle_of(stores: Stores, scope: str) -> Throttle:
    """Failed attempts counted where every web node sees them (PostgreSQL), or in this process's memory."""
    attempts = stores.backend.attempt_log(scope)
    return LoginThrottle() if attempts is None else SharedLoginThrottle(attempts)


def cluster_fingerprints(layout: DataLayout, secret: str, installation: str) -> dict[str, str]:
    """What every node of a cluster must share, as the database keeps it: the installation id, and digests of the
    secret key and of the signing CA (never the secrets themselves)."""
    secret_digest = hashlib.blake2b(secret.encode(), digest_size=16, person=b"sts-secret.key").hexdigest()
    return {"installation.id": installation, "secret.key": secret_digest,
            "signing CA": load_identity(layout).ca_info.fingerprint}


def build_queue(settings: Settings,
                pipeline: Pipeline) -> tuple[JobQueue, BackgroundScheduler, ProcrastinateQueue | None]:
    """Where generations wait, chosen by ``database_url``; the node's scheduler; the queue again if on PostgreSQL.

    Embedded: APScheduler in this process runs them. Distributed: Procrastinate in PostgreSQL holds them for any
    render node (``sts-snapshots render-node``), and the scheduler only flushes this node's metrics.
    """
    if not settings.database_url:
        scheduler = build_scheduler(settings.max_concurrent_generations)
        return SchedulerQueue(scheduler, partial(generate_snapshot, pipeline)), scheduler, None
    from .snapshots.pg_queue import ProcrastinateQueue
    from .store.transaction import current_connection

    # A job is deferred on the connection of the transaction that writes its snapshot's records (SnapshotService
    # wraps create and delete in stores.transaction()): a create leaves both or neither.
    pg_queue = ProcrastinateQueue(settings.database_url, current_connection)
    return pg_queue, build_scheduler(1), pg_queue


def seed_if_empty(sts: StsApp) -> bool:
    """Seed the demo room and users when the app has no users yet; returns whether it did."""
    if not sts.settings.demo:
        return False
    # Nodes starting at once on an empty database: one seeds, the others wait for its lock and find users.
    with sts.stores.users.locked() if sts.settings.database_url else contextlib.nullcontext():
        if sts.users.count() > 0:
            return False
        seed_demo(sts.users, sts.rooms, sts.documents, sts.checklists)
    log.info("Seeded the demo room and demo users")
    return True


def create_app(settings: Settings, *, today: Callable[[], date] | None = None) -> StsApp:
    """Build the app and register its REST API, UI pages and start/stop hooks on NiceGUI's server."""
    from nicegui import app, core
    from nicegui.storage import Storage

    from .api import register_api
    from .api.docs import register_docs
    from .api.fastlane import put_in_front
    from .ui import register_pages

    sts = build_app(settings, today=today)
    Storage.path = sts.layout.nicegui_storage  # NiceGUI would otherwise write .nicegui/ into the working directory
    make_private(sts.layout.nicegui_storage)
    # NiceGUI's socket.io server accepts any Origin ('*'); None is engine.io's same-origin check (the Host, or
    # X-Forwarded-Host behind a proxy), so another site's page cannot open a socket with the user's cookie.
    core.sio.eio.cors_allowed_origins = None
    refused_origins_are_warnings()  # a refused visitor must not turn `verify` red
    seed_if_empty(sts)
    api = register_api(app, sts)
    register_docs(app, api, "STS Snapshots", sts.version)  # NiceGUI's fastapi_docs is off: its pages need a CDN
    register_pages(sts)
    schedule_sync(sts, SYNC_USER)
    app.on_startup(partial(put_in_front, app, api))  # once NiceGUI's middleware is in place, before any request
    app.on_startup(sts.start)
    app.on_shutdown(sts.stop)
    app.on_shutdown(sts.stores.backend.close)  # the PostgreSQL pool (nothing for TinyDB)
    app.on_shutdown(partial(make_private, sts.layout.nicegui_storage))  # the session files NiceGUI wrote meanwhile
    return sts
