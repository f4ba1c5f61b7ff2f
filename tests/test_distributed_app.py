"""The app on PostgreSQL (the distributed mode's stores) through its real entry points: a whole clearance end to end,
PostgreSQL going away while serving (503 with a detail, then working again by itself, nothing acknowledged lost),
start-up refused with one line, nodes starting at once, and the embedded mode never importing psycopg."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import AbstractContextManager, asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from sts_snapshots.demo import ADMIN_EMAIL, ADMIN_PASSWORD
from sts_snapshots.settings import Settings
from sts_snapshots.store import StoreSetupError
from sts_snapshots.store.postgres_schema import LATEST
from sts_snapshots.store.stores import Stores
from tests.harness import API, BROWSER_ACCEPT, Harness, running_app
from tests.pgcluster import Cluster, running_cluster
from tests.test_ui_support import sign_in

ROOT = Path(__file__).resolve().parent.parent
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")


def pg_settings(tmp_path: Path, url: str) -> Settings:
    return Settings.load({"data_dir": tmp_path / "node1", "files_dir": str(tmp_path / "shared"),
                          "secrets_dir": str(tmp_path / "secrets1"), "database_url": url, "workers": 0,
                          "open_browser": False}, env={})


@contextmanager
def render_node(tmp_path: Path, settings: Settings) -> Iterator[subprocess.Popen[bytes]]:
    """A real ``sts-snapshots render-node`` for the web node of ``settings``: its own data folder, the shared files
    folder, and a copy of the web node's secrets (as an operator copies them to each node)."""
    secrets = tmp_path / "secrets-render"
    shutil.copytree(settings.secrets_dir, secrets, dirs_exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "NICEGUI_", "STS_"))}
    env |= {"STS_DATABASE_URL": settings.database_url, "STS_FILES_DIR": settings.files_dir,
            "STS_SECRETS_DIR": str(secrets), "PYTHONPATH": str(ROOT)}
    with (tmp_path / "render-node.log").open("wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "sts_snapshots", "render-node", "--data-dir",
                                    str(tmp_path / "render1"), "--workers", "1"], stdout=log,
                                   stderr=subprocess.STDOUT, env=env, cwd=ROOT)
    try:
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@asynccontextmanager
async def as_async(manager: AbstractContextManager[Any]) -> AsyncIterator[Any]:
    with manager as value:
        yield value


async def login(client: httpx.AsyncClient) -> dict[str, str]:
    response = await client.post(f"{API}/auth/token", data={"username": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def clearance(h: Harness, headers: dict[str, str]) -> dict[str, Any]:
    """Create a room, upload a document, approve it, snapshot the room; the finished task."""
    client = h.client
    room = await client.post(f"{API}/rooms", headers=headers,
                             json={"title": "MT Aurora / MT Boreas", "location": "Skaw"})
    assert room.status_code == 201, room.text
    room_id = room.json()["id"]
    docs = (await client.get(f"{API}/rooms/{room_id}/documents", headers=headers)).json()
    doc_id = docs[0]["id"]
    upload = await client.put(f"{API}/rooms/{room_id}/documents/{doc_id}/file", headers=headers,
                              files={"file": ("plan.pdf", PDF, "application/pdf")})
    assert upload.status_code == 200, upload.text
    review = await client.patch(f"{API}/rooms/{room_id}/documents/{doc_id}", headers=headers,
                                json={"status": "approved", "expires_on": "2099-01-01"})
    assert review.status_code == 200 and review.json()["status"] == "approved", review.text
    created = await client.post(f"{API}/rooms/{room_id}/snapshots", headers=headers, json={"title": "Clearance"})
    assert created.status_code == 200, created.text
    task = await h.wait_task(created.json()["task_id"], headers, timeout=180)
    return {"room_id": room_id, "doc_id": doc_id, "task": task, "snapshot_id": created.json()["id"]}


@pytest.mark.postgres
async def test_a_clearance_end_to_end_on_postgres(tmp_path: Path, pg_url: str, pg_cluster: Cluster) -> None:
    settings = pg_settings(tmp_path, pg_url)
    # the web node queues the snapshot; a render node makes it
    async with running_app(settings) as h, as_async(render_node(tmp_path, settings)):
        await sign_in(h.user, ADMIN_EMAIL)  # the UI's login too, on the shared throttle and user store
        await h.user.should_see("New room")
        headers = await login(h.client)
        done = await clearance(h, headers)
        assert done["task"]["status"] == "completed", done["task"]
        pdf = await h.client.get(f"{API}/rooms/{done['room_id']}/snapshots/{done['snapshot_id']}/download",
                                 headers=headers)
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        activity = (await h.client.get(f"{API}/rooms/{done['room_id']}/activity", headers=headers)).json()
        assert {"room created", "document reviewed", "snapshot created", "snapshot downloaded"} <= {
            a["action"] for a in activity}
    # the records are PostgreSQL's, the files the shared folder's, the secrets the node's own folder's
    assert int(pg_cluster.sql("SELECT count(*) FROM sts_records WHERE store = 'rooms' AND tbl = 'rooms'",
                              pg_url.rsplit("/", 1)[1])) >= 2  # the demo room and ours
    assert not (tmp_path / "node1" / "db" / "rooms.json").exists()
    assert (tmp_path / "shared" / "snapshots" / f"{done['snapshot_id']}.pdf").is_file()
    assert PDF in {path.read_bytes() for path in (tmp_path / "shared" / "documents").iterdir()}
    assert (tmp_path / "secrets1" / "secret.key").is_file() and not list((tmp_path / "shared").rglob("*.key"))


async def wait_until(check: Any, timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = await check()
        if found:
            return found
        await asyncio.sleep(0.5)
    raise AssertionError(f"{what} not within {timeout} s")


@pytest.mark.postgres
@pytest.mark.slow
async def test_postgres_going_away_is_a_503_and_the_node_recovers_by_itself(tmp_path: Path) -> None:
    with running_cluster() as cluster:  # a cluster of its own: the session's must not stop under other tests
        settings = pg_settings(tmp_path, cluster.new_database())
        async with running_app(settings) as h:
            headers = await login(h.client)
            acknowledged = await h.client.post(f"{API}/rooms", headers=headers, json={"title": "Before the outage"})
            assert acknowledged.status_code == 201
            await sign_in(h.user, ADMIN_EMAIL)
            cluster.stop()
            try:
                down = await h.client.get(f"{API}/rooms", headers=headers)
                assert down.status_code == 503 and down.headers["retry-after"]
                assert "database cannot be reached" in down.json()["detail"], down.text
                assert "127.0.0.1" in down.json()["detail"] and "sts:sts" not in down.text  # where, never the password
                write = await h.client.post(f"{API}/rooms", headers=headers, json={"title": "During the outage"})
                assert write.status_code == 503 and write.json()["detail"]
                page = await h.client.get("/", headers={"Accept": BROWSER_ACCEPT})  # signed in: the page reads rooms
                assert page.status_code == 503 and "database cannot be reached" in page.text
                assert "Traceback" not in page.text
                health = (await h.client.get(f"{API}/health")).json()  # what a load balancer or monitor asks
                assert health["status"] == "degraded" and health["database_reachable"] is False, health
                assert "127.0.0.1" in health["database_error"] and "sts:sts" not in str(health)
            finally:
                cluster.start()

            async def rooms_again() -> Any:
                answer = await h.client.get(f"{API}/rooms", headers=headers)
                return answer if answer.status_code == 200 else None

            rooms = await wait_until(rooms_again, 60, "the API answering again")
            assert "Before the outage" in {room["title"] for room in rooms.json()}
            health = (await h.client.get(f"{API}/health")).json()
            assert health["status"] == "ok" and health["database_reachable"] is True, health
            headers = await login(h.client)  # and writes work again: a whole clearance, with its snapshot
            with render_node(tmp_path, settings):  # rendered by a render node started once PostgreSQL is back
                done = await clearance(h, headers)
            assert done["task"]["status"] == "completed"


def serve(tmp_path: Path, url: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "NICEGUI_", "STS_"))}
    env |= {"STS_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "sts_snapshots", "serve", "--data-dir", str(tmp_path / "data"),
                           "--no-browser", "--port", "1"], check=False, capture_output=True, text=True, env=env,
                          timeout=120, cwd=ROOT)


@pytest.mark.postgres
@pytest.mark.parametrize(("url", "says"), [
    ("postgresql://sts:sts@127.0.0.1:{closed}/postgres", "connection refused"),
    ("postgresql://sts:wrong@127.0.0.1:{port}/postgres", "authentication failed"),
    ("postgresql://nobody:x@127.0.0.1:{port}/postgres", "authentication failed"),
    ("postgresql://sts:sts@127.0.0.1:{port}/no_such_db", 'the database "no_such_db" does not exist'),
    ("postgresql://sts:sts@no-such-host.invalid:5432/sts", "the host name cannot be resolved"),
    ("postgresql://sts:sts@127.0.0.1:{port}/postgres?bogus=1", "STS_DATABASE_URL cannot be read"),
])
def test_serve_with_a_wrong_database_url_says_what_failed_in_one_line(tmp_path: Path, pg_cluster: Cluster,
                                                                      url: str, says: str) -> None:
    from tests.server_process import free_port

    done = serve(tmp_path, url.format(port=pg_cluster.port, closed=free_port()))
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode == 2, done.stderr
    assert len(lines) == 1 and lines[0].startswith("Error: ") and says in lines[0], done.stderr
    assert "Traceback" not in done.stderr + done.stdout and ":wrong@" not in lines[0] and "x@" not in lines[0]
    if "cannot be read" not in says:
        assert "127.0.0.1" in lines[0] or "no-such-host.invalid" in lines[0]


@pytest.mark.postgres
def test_two_nodes_starting_at_once_make_the_schema_once(pg_url: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(4) as pool:
        opened = list(pool.map(lambda _: Stores.on_postgres(pg_url), range(4)))
    try:
        with opened[0].transaction() as conn:
            versions = [row[0] for row in conn.execute("SELECT version FROM sts_schema ORDER BY version")]
            assert versions == list(range(1, LATEST + 1))
        opened[1].users.table("users").insert({"id": "a"})
        assert opened[3].users.table("users").get("a") == {"id": "a"}
    finally:
        for stores in opened:
            stores.close()


@pytest.mark.postgres
def test_a_newer_schema_is_refused_in_one_line(pg_url: str) -> None:
    stores = Stores.on_postgres(pg_url)
    with stores.transaction() as conn:
        conn.execute("INSERT INTO sts_schema (version) VALUES (%s)", (LATEST + 1,))
    stores.close()
    with pytest.raises(StoreSetupError, match="newer STS Snapshots") as refused:
        Stores.on_postgres(pg_url)
    assert "\n" not in str(refused.value)


@pytest.mark.postgres
def test_a_node_with_other_secrets_is_refused(tmp_path: Path, pg_url: str) -> None:
    from sts_snapshots.app import build_app

    first = build_app(pg_settings(tmp_path, pg_url))
    first.stores.close()
    same = build_app(pg_settings(tmp_path, pg_url).replace(data_dir=tmp_path / "node2"))  # same secrets folder
    same.stores.close()
    stranger = pg_settings(tmp_path, pg_url).replace(data_dir=tmp_path / "node3", secrets_dir=str(tmp_path / "s3"))
    with pytest.raises(StoreSetupError, match=r"installation.id, secret.key, signing CA differ") as refused:
        build_app(stranger)
    assert "copy the secrets folder" in str(refused.value)


@pytest.mark.postgres
def test_find_goes_through_the_jsonb_index(pg_url: str) -> None:
    import psycopg

    stores = Stores.on_postgres(pg_url)
    try:
        documents = stores.users.table("documents")  # a store of one shard: a room's documents are its own
        documents.insert_many([{"id": f"d{i}", "room_id": f"room{i % 500}", "status": "missing", "notes": "x" * 50}
                               for i in range(20000)])
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE sts_records")  # as autovacuum would: the GIN index's pending list merged
            plan = "\n".join(row[0] for row in conn.execute(
                "EXPLAIN SELECT doc FROM sts_records WHERE store = 'users' AND tbl = 'documents' AND shard = '' "
                """AND doc @> '{"room_id": "room7"}' ORDER BY ord"""))
        assert "sts_records_doc" in plan, plan
        assert [d["id"] for d in documents.find(room_id="room7")] == [f"d{i}" for i in range(7, 20000, 500)]
    finally:
        stores.close()


def test_the_embedded_app_never_imports_psycopg_or_procrastinate(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from sts_snapshots.app import create_app\n"
        "from sts_snapshots.settings import Settings\n"
        f"sts = create_app(Settings.load({{'data_dir': {str(tmp_path / 'data')!r}, 'workers': 0}}, env={{}}))\n"
        "with sts.stores.transaction():\n"
        "    sts.rooms.room_ids()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('psycopg', 'psycopg_pool', 'psycopg_binary', "
        "'psycopg_c', 'procrastinate')))\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "NICEGUI_", "STS_"))}
    done = subprocess.run([sys.executable, "-c", script], check=False, capture_output=True, text=True, timeout=120,
                          env=env | {"PYTHONPATH": str(ROOT)}, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_the_binary_leaves_the_distributed_mode_out_and_says_so_when_asked_for_it() -> None:
    import ast

    tree = ast.parse((ROOT / "build.spec").read_text(encoding="utf-8"))
    analysis = next(node for node in ast.walk(tree) if isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name) and node.func.id == "Analysis")
    excludes = ast.literal_eval(next(k.value for k in analysis.keywords if k.arg == "excludes"))
    assert {"psycopg", "psycopg_binary", "psycopg_c", "psycopg_pool", "procrastinate"} <= set(excludes)
    # what such a binary answers to STS_DATABASE_URL: a module that cannot be imported, as in it
    script = ("import sys\n"
              "sys.modules['psycopg'] = None\n"
              "from sts_snapshots.store import StoreSetupError\n"
              "from sts_snapshots.store.stores import Stores\n"
              "try:\n"
              "    Stores.on_postgres('postgresql://sts@127.0.0.1:1/sts')\n"
              "except StoreSetupError as exc:\n"
              "    print(exc)\n")
    done = subprocess.run([sys.executable, "-c", script], check=False, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT)
    assert "no PostgreSQL driver" in done.stdout and "sts-snapshots[distributed]" in done.stdout, done.stderr


@pytest.mark.postgres
def test_nodes_starting_at_once_on_an_empty_database_seed_the_demo_once(tmp_path: Path, pg_url: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from sts_snapshots.app import build_app, seed_if_empty

    nodes = [build_app(pg_settings(tmp_path, pg_url).replace(data_dir=tmp_path / f"node{i}")) for i in range(3)]
    try:
        with ThreadPoolExecutor(3) as pool:
            seeded = list(pool.map(seed_if_empty, nodes))
        assert sorted(seeded) == [False, False, True]
        assert len(nodes[2].rooms.room_ids()) == 1 and nodes[1].users.count() == 2
    finally:
        for node in nodes:
            node.stores.close()


@pytest.mark.postgres
def test_two_nodes_writing_one_rooms_activity_keep_one_unbroken_chain(pg_url: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from sts_snapshots.domain.chain import first_break
    from sts_snapshots.services.activity_chain import ActivityChain

    nodes = [Stores.on_postgres(pg_url) for _ in range(2)]  # two pools: as two web nodes, each its own connections
    chains = [ActivityChain("cluster-1", s.activity, s.audit) for s in nodes]
    try:
        def write(n: int) -> None:
            chain, stores = chains[n % 2], nodes[n % 2]
            chain.append("room-1", {"id": f"e{n}", "room_id": "room-1", "action": "document reviewed",
                                    "at": f"2026-12-02T06:{n // 60:02d}:{n % 60:02d}Z"},
                         stores.activity.shard("room-1").insert)

        with ThreadPoolExecutor(8) as pool:
            list(pool.map(write, range(60)))
        entries = chains[0].entries("room-1")
        assert len(entries) == 60
        assert first_break(entries) is None  # a fork (two entries sealed on the same head) would break it
    finally:
        for stores in nodes:
            stores.close()
