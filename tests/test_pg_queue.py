"""The distributed mode's job queue (Procrastinate) against a real PostgreSQL cluster and real worker processes.

Web side: the real app (``build_app`` with a database URL) or :class:`ProcrastinateQueue` on plain psycopg
connections with a test table. Render side: ``serve_jobs`` in other processes (``tests/pg_worker.py``, on test
jobs) or the real ``sts-snapshots render-node``. Waits have generous timeouts; nothing asserts a duration.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import psycopg
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from sts_snapshots.app import build_app, seed_if_empty
from sts_snapshots.cli import main
from sts_snapshots.context import StsApp
from sts_snapshots.datadir import DataLayout
from sts_snapshots.demo import ADMIN_EMAIL
from sts_snapshots.services.snapshot_records import SnapshotRecords
from sts_snapshots.services.tasks import TaskStore
from sts_snapshots.settings import Settings
from sts_snapshots.snapshots.pg_queue import (
    GENERATE_PDF,
    RENDERS,
    ProcrastinateQueue,
    QueueUnavailable,
    ensure_schema,
)
from sts_snapshots.snapshots.render_node import Handlers, Timings, worker_app
from sts_snapshots.store.stores import Stores
from tests.harness import API, running_app
from tests.pg_worker import APP_NAME, make_tables

ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")


def wait_for(check: Callable[[], T | None], timeout: float = 60, what: str = "", pause: float = 0.1) -> T:
    """``check()``'s first true answer, asked every ``pause`` seconds for at most ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(pause)
    raise AssertionError(f"timed out after {timeout} s waiting for {what or check}")


def rows(url: str, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(sql, params).fetchall()


def jobs_of(url: str, snapshot_id: str) -> list[str]:
    """The statuses of the generation jobs of ``snapshot_id``."""
    return [r[0] for r in rows(url, "SELECT status FROM procrastinate_jobs WHERE task_name = %s "
                                    "AND args->>'snapshot_id' = %s ORDER BY id", GENERATE_PDF, snapshot_id)]


def env_for(url: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "STS_DATABASE_URL": url, "PYTHONUNBUFFERED": "1"}


@contextmanager
def worker(url: str, data_dir: Path, mode: str, poll_s: float = 1.0) -> Iterator[subprocess.Popen[str]]:
    """``tests/pg_worker.py`` in a process of its own; killed at the end if still running."""
    proc = subprocess.Popen([sys.executable, "-m", "tests.pg_worker", url, str(data_dir), mode, str(poll_s)],
                            cwd=ROOT, env=env_for(url), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=60)


def stop(proc: subprocess.Popen[str], timeout: float = 120) -> tuple[int, str]:
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=timeout)
    return proc.returncode, out


def listening(url: str, queue: str) -> bool:
    """Whether a worker's connection has run LISTEN on ``queue``'s channel (it waits for notifications since)."""
    return bool(rows(url, "SELECT 1 FROM pg_stat_activity WHERE application_name = %s AND query LIKE %s",
                     APP_NAME, f'LISTEN "procrastinate_queue_v1#{queue}"%'))


@pytest.fixture
def web(pg_url: str, tmp_path: Path) -> Iterator[StsApp]:
    """A web node of the distributed mode, started (the queue's schema applied), with the demo room."""
    settings = Settings.load({"data_dir": tmp_path / "data", "workers": 0, "open_browser": False,
                              "database_url": pg_url}, env={})
    sts = build_app(settings)
    seed_if_empty(sts)
    sts.start()
    yield sts
    sts.stop()


def create(sts: StsApp) -> dict[str, Any]:
    admin = sts.users.get(ADMIN_EMAIL)
    assert admin is not None
    return dict(sts.snapshots.create(admin, sts.rooms.room_ids()[0], "Queue test"))


def handlers(tmp_path: Path, ran: list[str]) -> Handlers:
    layout = DataLayout(tmp_path / "node")
    stores = Stores.open(layout)
    return Handlers(generate=ran.append, cleanup=lambda: None, records=SnapshotRecords(stores.snapshots),
                    tasks=TaskStore(stores.tasks), layout=layout, max_attempts=2, cleanup_hour=None)


async def run_waiting_jobs(url: str, h: Handlers) -> None:
    """A real Procrastinate worker with our tasks, in this process: it runs the render jobs it can see, then stops."""
    app = worker_app(url, h, Timings(), pool_size=2)
    async with app.open_async():
        await app.run_worker_async(queues=[RENDERS], wait=False, install_signal_handlers=False)


def test_render_node_refuses_to_start_without_a_database_url(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["render-node", "--data-dir", str(tmp_path / "data")],
                                env={"STS_DATABASE_URL": None})
    assert result.exit_code != 0
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert "STS_DATABASE_URL" in result.output and "Traceback" not in result.output


def test_the_embedded_mode_loads_nothing_of_postgresql(tmp_path: Path) -> None:
    code = ("import sys; from pathlib import Path; from sts_snapshots.app import build_app;"
            "from sts_snapshots.settings import Settings;"
            f"sts = build_app(Settings.load({{'data_dir': Path({str(tmp_path / 'data')!r}), 'workers': 0}}, env={{}}));"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('procrastinate', 'psycopg', 'psycopg_pool')))")
    env = {k: v for k, v in env_for("").items() if k != "STS_DATABASE_URL"}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_an_unreachable_database_is_a_readable_error_without_the_password() -> None:
    with pytest.raises(QueueUnavailable) as caught:
        ensure_schema("postgresql://sts:s3cret@127.0.0.1:1/nowhere?connect_timeout=5")
    assert "127.0.0.1:1/nowhere" in str(caught.value) and "s3cret" not in str(caught.value)


@pytest.mark.postgres
def test_the_schema_is_applied_once_when_nodes_start_together(pg_url: str) -> None:
    with ThreadPoolExecutor(4) as pool:
        applied = list(pool.map(lambda _: ensure_schema(pg_url), range(4)))
    assert sorted(applied) == [False, False, False, True]
    assert ensure_schema(pg_url) is False


@pytest.mark.postgres
async def test_a_job_deferred_in_a_transaction_exists_exactly_when_its_records_do(pg_url: str, tmp_path: Path) -> None:
    ensure_schema(pg_url)
    ran: list[str] = []
    h = handlers(tmp_path, ran)
    with psycopg.connect(pg_url) as conn:
        conn.execute("CREATE TABLE snap (id text PRIMARY KEY)")
        conn.commit()
        open_tx: list[psycopg.Connection[Any] | None] = [None]
        queue = ProcrastinateQueue(pg_url, lambda: open_tx[0])
        try:
            with conn.transaction():
                open_tx[0] = conn
                conn.execute("INSERT INTO snap VALUES ('s1')")
                queue.submit("s1")
                queue.submit("s1")  # waits already: refused in a savepoint, the transaction goes on
                conn.execute("INSERT INTO snap VALUES ('s1-after')")
                assert jobs_of(pg_url, "s1") == []  # another connection sees nothing before the commit
                await run_waiting_jobs(pg_url, h)
                assert ran == []  # nor does a worker
            assert jobs_of(pg_url, "s1") == ["todo"]
            await run_waiting_jobs(pg_url, h)
            assert ran == ["s1"]

            with conn.transaction():
                conn.execute("INSERT INTO snap VALUES ('s2')")
                queue.submit("s2")
                raise psycopg.Rollback
        finally:
            open_tx[0] = None
            queue.stop()
        assert jobs_of(pg_url, "s2") == [] and rows(pg_url, "SELECT id FROM snap ORDER BY id") == [("s1",),
                                                                                                    ("s1-after",)]
        await run_waiting_jobs(pg_url, h)
        assert ran == ["s1"]


@pytest.mark.postgres
async def test_remove_cancels_a_job_that_has_not_started(pg_url: str, tmp_path: Path) -> None:
    ensure_schema(pg_url)
    ran: list[str] = []
    queue = ProcrastinateQueue(pg_url)  # no transaction to join: each call is its own
    try:
        queue.submit("gone")
        queue.submit("kept")
        queue.remove("gone")
        queue.remove("never-submitted")  # nothing to cancel: no error
        assert jobs_of(pg_url, "gone") == ["cancelled"] and jobs_of(pg_url, "kept") == ["todo"]
        await run_waiting_jobs(pg_url, handlers(tmp_path, ran))
        assert ran == ["kept"]
    finally:
        queue.stop()


@pytest.mark.postgres
async def test_cleanup_removes_the_queues_jobs_finished_before_the_task_retention(pg_url: str, tmp_path: Path) -> None:
    ensure_schema(pg_url)
    queue = ProcrastinateQueue(pg_url)
    try:
        for snapshot_id in ("old", "recent", "waiting"):
            queue.submit(snapshot_id)
        await run_waiting_jobs(pg_url, handlers(tmp_path, []))  # takes all three
        queue.submit("waiting")  # and one more that waits: never removed however old
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute("UPDATE procrastinate_events SET at = now() - interval '25 hours' WHERE job_id IN "
                         "(SELECT id FROM procrastinate_jobs WHERE args->>'snapshot_id' IN ('old', 'waiting'))")
    finally:
        queue.stop()
    result = CliRunner().invoke(main, ["cleanup", "--data-dir", str(tmp_path / "data")],
                                env={"STS_DATABASE_URL": pg_url, "STS_TASK_RETENTION_HOURS": "24"})
    assert result.exit_code == 0, result.output
    assert jobs_of(pg_url, "old") == [] and jobs_of(pg_url, "recent") == ["succeeded"]
    assert jobs_of(pg_url, "waiting") == ["todo"], "a job not finished is never removed"


@pytest.mark.postgres
async def test_a_web_node_queues_snapshots_in_postgresql_and_runs_no_worker(pg_url: str, tmp_path: Path) -> None:
    settings = Settings.load({"data_dir": tmp_path / "data", "workers": 0, "open_browser": False,
                              "database_url": pg_url}, env={})
    async with running_app(settings) as web:
        room = web.demo_room_id()
        answer = await web.client.post(f"{API}/rooms/{room}/snapshots", json={"title": "From the API"},
                                       headers=web.admin)
        assert answer.status_code == 200, answer.text
        view = answer.json()
        assert view["status"] == "generating" and jobs_of(pg_url, view["id"]) == ["todo"]
        health = (await web.client.get(f"{API}/health")).json()
        assert health["status"] == "ok" and health["scheduler_running"]  # the node's scheduler: metrics flush only
        assert [job.id for job in web.sts.scheduler.get_jobs()] == ["metrics-flush"]
        assert rows(pg_url, "SELECT count(*) FROM procrastinate_workers") == [(0,)]  # it takes no job
        delete = await web.client.delete(f"{API}/rooms/{room}/snapshots/{view['id']}", headers=web.admin)
        assert delete.status_code == 204 and jobs_of(pg_url, view["id"]) == ["cancelled"]


@pytest.mark.postgres
def test_a_worker_in_another_process_is_woken_by_listen_notify(web: StsApp, pg_url: str,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    make_tables(pg_url)
    # Polling once an hour: a job it takes within the test's wait reached it by NOTIFY.
    with worker(pg_url, web.layout.root, "complete", poll_s=3600) as proc:
        wait_for(lambda: listening(pg_url, RENDERS), what="the worker to LISTEN")
        before = time.time()
        view = create(web)
        deferred = time.time()
        started = wait_for(lambda: rows(pg_url, "SELECT at FROM ran WHERE snapshot_id = %s", view["id"]),
                           what="the worker to start the job")[0][0]
        task = wait_for(lambda: (t := web.tasks.get(view["task_id"])) and t["status"] == "completed" and t)
        assert task["result"] == {"pid": proc.pid}
        code, out = stop(proc)
    assert code == 0, out
    with capsys.disabled():
        print(f"\npickup by NOTIFY: {1000 * (started - deferred):.1f} ms from the create's return to the job's start "
              f"({1000 * (deferred - before):.1f} ms in create)")


@pytest.mark.postgres
def test_a_job_whose_worker_was_killed_is_retried_then_failed_after_max_attempts(web: StsApp, pg_url: str) -> None:
    make_tables(pg_url)
    view = create(web)

    def starts() -> int:
        return len(rows(pg_url, "SELECT 1 FROM ran WHERE snapshot_id = %s", view["id"]))

    def started_times(n: int) -> bool:
        return starts() == n

    for attempt in (1, 2):  # settings.max_task_attempts is 2 (the default), as in tests/pg_worker.py
        with worker(pg_url, web.layout.root, "block") as proc:
            wait_for(partial(started_times, attempt), 120, f"start number {attempt}")
            task = web.tasks.get(view["task_id"])
            assert task is not None and task["status"] == "running" and task["attempts"] == attempt
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(30)
    with worker(pg_url, web.layout.root, "block") as proc:
        task = wait_for(lambda: (t := web.tasks.get(view["task_id"])) and t["status"] == "failed" and t, 120,
                        "the sweep to fail the task")
        assert task["attempts"] == 2
        assert task["error"] == "interrupted: the render node stopped during generation (2 attempts)"
        snapshot = web.pipeline.records.get(view["id"])
        assert snapshot is not None and snapshot["status"] == "failed" and snapshot["error"] == task["error"]
        assert wait_for(lambda: jobs_of(pg_url, view["id"]) == ["failed"], 30)
        assert starts() == 2  # not a third time
        code, out = stop(proc)
    assert code == 0, out


@pytest.mark.postgres
def test_a_generation_put_back_by_a_stopping_node_is_queued_again(web: StsApp, pg_url: str) -> None:
    make_tables(pg_url)
    view = create(web)
    with worker(pg_url, web.layout.root, "put-back-once") as proc:
        task = wait_for(lambda: (t := web.tasks.get(view["task_id"])) and t["status"] == "completed" and t, 60)
        code, out = stop(proc)
    assert code == 0, out
    assert len(rows(pg_url, "SELECT 1 FROM ran WHERE snapshot_id = %s", view["id"])) == 2
    assert task["attempts"] == 1  # being put back is not an attempt
    assert jobs_of(pg_url, view["id"]) == ["succeeded"]


@pytest.mark.postgres
def test_the_periodic_cleanup_runs_once_per_tick_with_two_workers(web: StsApp, pg_url: str) -> None:
    make_tables(pg_url)
    with worker(pg_url, web.layout.root, "complete") as one, worker(pg_url, web.layout.root, "complete") as two:
        wait_for(lambda: len(rows(pg_url, "SELECT 1 FROM ticks")) >= 5, 120, "five cleanup ticks")
        assert one.poll() is None and two.poll() is None  # both were taking jobs all along
        (code_one, out_one), (code_two, out_two) = stop(one), stop(two)
    assert code_one == code_two == 0, out_one + out_two
    per_tick = rows(pg_url, "SELECT args->>'timestamp', count(*), count(*) FILTER (WHERE status = 'succeeded') "
                            "FROM procrastinate_jobs WHERE task_name = 'sts.cleanup' GROUP BY 1")
    assert len(per_tick) >= 5 and all(count == 1 for _, count, _ in per_tick)
    assert len(rows(pg_url, "SELECT 1 FROM ticks")) == sum(done for _, _, done in per_tick)


@pytest.mark.postgres
@pytest.mark.slow
def test_a_render_node_renders_what_a_web_node_queued_and_stops_gracefully(web: StsApp, pg_url: str) -> None:
    command = [sys.executable, "-m", "sts_snapshots", "render-node", "--data-dir", str(web.layout.root),
               "--workers", "0"]

    def render_node() -> subprocess.Popen[str]:
        return subprocess.Popen(command, cwd=ROOT, env=env_for(pg_url), stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)

    view = create(web)
    node = render_node()
    try:
        wait_for(lambda: (t := web.tasks.get(view["task_id"])) and t["status"] != "pending", 120, "the node to start")
        code, out = stop(node)  # while it renders: the render finishes, or goes back into the queue
    finally:
        if node.poll() is None:
            node.kill()
    assert code == 0, out
    assert "render node" in out and "at most 2 generations at once on this node" in out
    task = web.tasks.get(view["task_id"])
    assert task is not None
    if task["status"] != "completed":  # stopped before it rendered: queued again, for the next node
        assert task["status"] == "pending" and jobs_of(pg_url, view["id"]) == ["todo"], (task, out)
        again = render_node()
        try:
            wait_for(lambda: (t := web.tasks.get(view["task_id"])) and t["status"] == "completed", 180)
        finally:
            stop(again)
    snapshot = web.pipeline.records.get(view["id"])
    assert snapshot is not None and snapshot["status"] == "completed"
    assert len(PdfReader(web.layout.snapshot_pdf(view["id"])).pages) >= 1
    assert jobs_of(pg_url, view["id"]) == ["succeeded"], out


def _refuse_inserts_into(url: str, table: str) -> None:
    """A trigger that makes every insert into ``table`` fail: a fault in the middle of a create, in the database."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE OR REPLACE FUNCTION sts_test_refuse() RETURNS trigger LANGUAGE plpgsql AS "
                     "$$BEGIN RAISE EXCEPTION 'refused by the test'; END$$")
        conn.execute(f"CREATE TRIGGER sts_test_refuse BEFORE INSERT ON {table} FOR EACH ROW "
                     "EXECUTE FUNCTION sts_test_refuse()")


@pytest.mark.postgres
def test_a_create_whose_job_cannot_be_queued_leaves_no_snapshot_task_or_activity(web: StsApp, pg_url: str) -> None:
    admin = web.users.get(ADMIN_EMAIL)
    assert admin is not None
    room = web.rooms.room_ids()[0]

    def state() -> tuple[int, dict[str, int], int]:
        return len(web.snapshots.list(admin, room)), web.task_counts(), len(web.rooms.activity_for(room, limit=10_000))

    before = state()
    _refuse_inserts_into(pg_url, "procrastinate_jobs")
    with pytest.raises(Exception) as refused:  # Procrastinate's ConnectorException, from psycopg's error
        create(web)
    assert "refused by the test" in f"{refused.value} {refused.value.__cause__}"
    assert state() == before
    assert rows(pg_url, "SELECT count(*) FROM procrastinate_jobs")[0][0] == 0


@pytest.mark.postgres
def test_a_create_that_fails_at_commit_leaves_no_job(web: StsApp, pg_url: str) -> None:
    # A deferred constraint trigger refuses the snapshot's records at COMMIT: after the job was deferred in the
    # same transaction, which must go with them.
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE OR REPLACE FUNCTION sts_test_refuse() RETURNS trigger LANGUAGE plpgsql AS "
                     "$$BEGIN RAISE EXCEPTION 'refused by the test'; END$$")
        conn.execute("CREATE CONSTRAINT TRIGGER sts_test_refuse AFTER INSERT ON sts_records DEFERRABLE INITIALLY "
                     "DEFERRED FOR EACH ROW EXECUTE FUNCTION sts_test_refuse()")
    with pytest.raises(psycopg.Error, match="refused by the test"):
        create(web)
    assert rows(pg_url, "SELECT count(*) FROM procrastinate_jobs")[0][0] == 0


@pytest.mark.postgres
@pytest.mark.slow
def test_a_render_node_waits_for_a_lost_database_and_takes_jobs_again(tmp_path: Path) -> None:
    from tests.pgcluster import running_cluster

    with running_cluster() as cluster:  # a cluster of its own: the session's must not stop under other tests
        url = cluster.new_database()
        make_tables(url)
        settings = Settings.load({"data_dir": tmp_path / "data", "workers": 0, "open_browser": False,
                                  "database_url": url}, env={})
        sts = build_app(settings)
        seed_if_empty(sts)
        sts.start()
        try:
            with worker(url, sts.layout.root, "complete") as proc:
                wait_for(lambda: listening(url, RENDERS), what="the worker to LISTEN")
                cluster.stop()
                try:
                    time.sleep(4)  # its connections fail: the node must stay up, trying the database again
                    assert proc.poll() is None, proc.communicate(timeout=10)[0]
                finally:
                    cluster.start()
                wait_for(lambda: listening(url, RENDERS), 90, "the worker to LISTEN again", pause=0.5)
                view = create(sts)
                wait_for(lambda: (t := sts.tasks.get(view["task_id"])) and t["status"] == "completed", 60,
                         "the job queued after the outage to complete", pause=0.5)
                code, out = stop(proc)
        finally:
            sts.stop()
    assert code == 0, out
    assert "was lost" in out and "answers again" in out, out
