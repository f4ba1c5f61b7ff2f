"""The job queue of the distributed mode: Procrastinate on PostgreSQL; any render node takes a job.

Imported only when ``database_url`` is set (``app.build_app``), so the embedded mode never loads procrastinate or
psycopg. This module is what a web node needs: the schema, the job names, and :class:`ProcrastinateQueue`, which
defers a snapshot's job on the caller's open transaction. What a render node runs is in :mod:`.render_node`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import procrastinate
import psycopg
from procrastinate import exceptions, jobs, sql
from procrastinate.schema import SchemaManager
from procrastinate.tasks import ConfigureTaskOptions
from psycopg.conninfo import conninfo_to_dict

from ..domain.ids import task_id_for

log = logging.getLogger(__name__)

GENERATE_PDF = "sts.generate_pdf"
CLEANUP = "sts.cleanup"
SWEEP_STALLED = "sts.sweep_stalled"
RENDERS = "renders"  # the queue of generations, taken by each render node's render worker
MAINTENANCE = "maintenance"  # periodic jobs, taken by each node's maintenance worker: never behind a render
SCHEMA_LOCK = 0x53545351  # pg_advisory_xact_lock key ("STSQ") held while the schema is checked and applied

ConnectionProvider = Callable[[], "psycopg.Connection[Any] | None"]


class QueueUnavailable(RuntimeError):
    """The job queue's database cannot be reached or prepared; the message says which and why."""


def no_transaction() -> psycopg.Connection[Any] | None:
    """The connection provider while the stores are not on PostgreSQL: no transaction to join, ever."""
    return None


def where(database_url: str) -> str:
    """The database of ``database_url`` as a message may show it: host, port and name, never the password.

    >>> where("postgresql://sts:secret@db.example:5433/sts")
    'db.example:5433/sts'
    """
    parts = conninfo_to_dict(database_url)
    return f"{parts.get('host', 'localhost')}:{parts.get('port', 5432)}/{parts.get('dbname', '')}"


def ensure_schema(database_url: str) -> bool:
    """Apply Procrastinate's schema unless the database has it; True when this call applied it.

    Safe when several nodes start at once: each checks and applies under one transaction-level advisory lock, so
    the second waits for the first to commit and then finds the tables. An existing schema is not migrated: after
    upgrading Procrastinate, apply its migrations (``procrastinate schema --migrate`` lists them) first.

    :raises QueueUnavailable: the database cannot be reached or refused the schema.
    """
    try:
        with psycopg.connect(database_url, application_name="sts-snapshots schema") as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
            found = conn.execute("SELECT to_regclass('procrastinate_jobs')").fetchone()
            if found is not None and found[0] is not None:
                return False
            conn.execute(SchemaManager.get_schema())
    except psycopg.Error as exc:
        raise QueueUnavailable(f"the job queue's database {where(database_url)} is not usable: "
                               f"{str(exc).strip() or type(exc).__name__}") from None
    log.info("Applied the job queue's schema (Procrastinate) to %s", where(database_url))
    return True


def job_options(snapshot_id: str) -> ConfigureTaskOptions:
    """How the job of ``snapshot_id`` is deferred: on the render queue, locked by its task id.

    ``queueing_lock``: at most one of its jobs waits; ``lock``: at most one runs, on any node.

    >>> job_options("s1")["lock"] == job_options("s1")["queueing_lock"] == "snapshot-s1"
    True
    """
    task_id = task_id_for(snapshot_id)
    return {"queue": RENDERS, "lock": task_id, "queueing_lock": task_id}


class ProcrastinateQueue:
    """:class:`~sts_snapshots.services.snapshots.JobQueue` on Procrastinate: a job in PostgreSQL per snapshot.

    :param connection: returns the psycopg connection of the transaction open in this thread, or None. With one,
        the job is written in that transaction (Procrastinate's ``configure(connection=...)``), so it exists exactly
        when the caller's records do: workers see it at commit, and a rollback takes it away. Without one, the job
        is written in a transaction of its own, on this queue's small pool (opened at first use).
    """

    def __init__(self, database_url: str, connection: ConnectionProvider = no_transaction, *,
                 pool_size: int = 4, node: str = "web node") -> None:
        self.database_url = database_url
        self._connection = connection
        # The synchronous connector: the web node defers from its request threads. It never runs a worker.
        self._app = procrastinate.App(connector=procrastinate.SyncPsycopgConnector(
            conninfo=database_url, min_size=1, max_size=pool_size, name="sts-queue",
            kwargs={"application_name": f"sts-snapshots {node}"}))
        self._lock = threading.Lock()
        self._opened = False

    @property
    def where(self) -> str:
        """The queue's database, without the password (:func:`where`)."""
        return where(self.database_url)

    def start(self) -> None:
        """Make sure the database has the queue's tables (:func:`ensure_schema`)."""
        ensure_schema(self.database_url)

    def stop(self) -> None:
        with self._lock:
            if self._opened:
                self._app.close()
                self._opened = False

    def _open(self) -> None:
        with self._lock:
            if not self._opened:
                self._app.open()
                self._opened = True

    def submit(self, snapshot_id: str) -> None:
        conn = self._connection()
        deferrer = self._app.configure_task(GENERATE_PDF, connection=conn, **job_options(snapshot_id))
        try:
            if conn is None:
                self._open()
                deferrer.defer(snapshot_id=snapshot_id)
            else:
                # A savepoint: a refused insert (the job waits already) must not abort the caller's transaction.
                with conn.transaction():
                    deferrer.defer(snapshot_id=snapshot_id)
        except exceptions.AlreadyEnqueued:
            log.debug("Snapshot %s is queued already", snapshot_id)

    def remove(self, snapshot_id: str) -> None:
        """Cancel the job of ``snapshot_id`` if it waits (a started one finds its snapshot gone and stops)."""
        self._open()
        manager = self._app.job_manager
        conn = self._connection()
        # Listed on the pool: a job deferred in the caller's still open transaction is not seen, a case no caller has
        # (creating and deleting a snapshot in one transaction).
        for job in manager.list_jobs(task=GENERATE_PDF, status="todo", queueing_lock=task_id_for(snapshot_id)):
            assert job.id is not None
            if conn is None:
                manager.cancel_job_by_id(job.id)
            else:
                with conn.transaction():
                    manager.cancel_job_by_id(job.id, connection=conn)

    def delete_old_jobs(self, hours: int) -> None:
        """Delete the queue's jobs finished (succeeded, failed, cancelled or aborted) more than ``hours`` ago: the
        daily cleanup's part (Procrastinate keeps every job, with its events, until then). A database that cannot be
        reached is logged, not raised: the rest of the cleanup is done, and the next one catches up."""
        finished = [jobs.Status.SUCCEEDED, jobs.Status.FAILED, jobs.Status.CANCELLED, jobs.Status.ABORTED]
        try:
            self._open()
            self._app.connector.execute_query(query=sql.queries["delete_old_jobs"], nb_hours=hours, queue=None,
                                              statuses=[status.value for status in finished])
        except (exceptions.ConnectorException, psycopg.Error) as exc:
            log.warning("Old queue jobs not removed: %s", exc.__cause__ or exc)
