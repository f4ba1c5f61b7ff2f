"""The store contract (``sts_snapshots/store/interface.py``), one set of tests run against every backend: TinyDB in
memory, TinyDB files and PostgreSQL. Each backend comes with a second opener of the same data (another opener of
the files, as a CLI command would be; another connection pool, as a second node would be)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from sts_snapshots.datadir import DataLayout
from sts_snapshots.store import AppendLog, Database, ShardedDatabase, ShardedTable, after_commit, current_connection
from sts_snapshots.store.stores import Stores

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Backend:
    kind: str
    open: Callable[[], Stores]
    location: str  # the data folder or the database URL ("" in memory)
    opened: list[Stores] = field(default_factory=list)

    def stores(self) -> Stores:
        """Another opener of the same data (in memory: the same stores, the only copy)."""
        if self.kind == "memory" and self.opened:
            return self.opened[0]
        self.opened.append(self.open())
        return self.opened[-1]

    @property
    def transactional(self) -> bool:
        return self.kind == "postgres"


def memory_stores() -> Stores:
    return Stores(users=Database(None), rooms=ShardedDatabase(None), activity=ShardedTable(None, "activity"),
                  audit=AppendLog(None), snapshots=ShardedTable(None, "snapshots"), tasks=ShardedTable(None, "tasks"),
                  cache_index=Database(None), checklists=Database(None), room_checklists=ShardedDatabase(None))


@pytest.fixture(params=["memory", "file", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "memory":
        found = Backend("memory", memory_stores, "")
    elif request.param == "file":
        found = Backend("file", lambda: Stores.open(DataLayout(tmp_path)), str(tmp_path))
    else:
        url = request.getfixturevalue("pg_url")
        found = Backend("postgres", lambda: Stores.on_postgres(url), url)
    yield found
    for stores in found.opened:
        stores.close()


def test_records_go_in_and_out_as_copies(backend: Backend) -> None:
    table = backend.stores().users.table("things")
    record = {"id": "a", "tags": ["x"], "nested": {"n": 1}, "name": "Ørsted شركة"}
    assert table.insert(record) == record
    record["tags"].append("changed after insert")
    got = table.get("a")
    assert got == {"id": "a", "tags": ["x"], "nested": {"n": 1}, "name": "Ørsted شركة"}
    got["nested"]["n"] = 99
    assert table.get("a") == {"id": "a", "tags": ["x"], "nested": {"n": 1}, "name": "Ørsted شركة"}
    assert table.get("missing") is None
    assert backend.stores().users.table("other").all() == []  # tables are apart


def test_an_id_is_required_and_a_taken_one_refused(backend: Backend) -> None:
    table = backend.stores().users.table("users")
    table.insert({"id": "a", "n": 1})
    with pytest.raises(KeyError):
        table.insert({"id": "a", "n": 2})
    for bad in ({"n": 1}, {"id": ""}, {"id": 5}):
        with pytest.raises(ValueError):
            table.insert(bad)
    assert table.all() == [{"id": "a", "n": 1}]


def test_upsert_replaces_in_one_step_and_order_is_insertion_order(backend: Backend) -> None:
    table = backend.stores().tasks.shard("ab")
    table.insert_many([{"id": "a", "n": 1}, {"id": "b", "n": 2}, {"id": "c", "n": 3}])
    table.upsert({"id": "a", "n": 10})
    table.upsert({"id": "d", "n": 4})
    assert [(r["id"], r["n"]) for r in table.all()] == [("b", 2), ("c", 3), ("a", 10), ("d", 4)]
    threads = [threading.Thread(target=lambda n=n: table.upsert({"id": "k", "n": n})) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(table.find(id="k")) == 1 and table.count() == 5


def test_find_search_update_remove_count_clear(backend: Backend) -> None:
    table = backend.stores().rooms.database("r1").table("documents")
    table.insert_many([{"id": f"d{i}", "room_id": f"r{i % 3}", "n": i, "tags": ["x"] if i % 2 else []}
                       for i in range(9)])
    assert [r["id"] for r in table.find(room_id="r1")] == ["d1", "d4", "d7"]
    assert [r["id"] for r in table.find(room_id="r1", n=4)] == ["d4"]
    assert [r["id"] for r in table.find(tags=["x"], room_id="r1")] == ["d1", "d7"]  # equality, not containment
    assert table.find(missing=None) == table.all()  # as TinyDB compares: a missing field equals None
    assert table.find(room_id="nowhere") == [] and table.find(n="4") == []
    assert [r["id"] for r in table.search(lambda r: r["n"] > 6)] == ["d7", "d8"]
    assert table.update("d4", {"n": 40, "new": True}) == {"id": "d4", "room_id": "r1", "n": 40, "tags": [],
                                                          "new": True}
    assert table.update("zzz", {"n": 1}) is None
    assert table.remove("d4") is True and table.remove("d4") is False
    assert table.remove_where(lambda r: r["room_id"] == "r2") == 3
    assert table.count() == 5
    table.clear()
    assert table.count() == 0 and table.all() == []


def test_lookups_of_text_no_store_can_hold_are_misses(backend: Backend) -> None:
    """A login form can send anything: a NUL or a lone surrogate is simply not found (PostgreSQL text cannot hold
    either), never an error."""
    table = backend.stores().users.table("users")
    table.insert({"id": "a@example.com", "email": "a@example.com"})
    for text in ("a\x00b", "\ud800"):
        assert table.get(text) is None and table.find(email=text) == [] and table.remove(text) is False
        assert table.update(text, {"n": 1}) is None


def test_locked_excludes_a_second_opener_until_it_is_released(backend: Backend) -> None:
    mine, theirs = backend.stores(), backend.stores()
    mine.rooms.database("r").table("rooms").insert({"id": "r", "v": 1})
    done = threading.Event()

    def check_then_act() -> None:
        table = theirs.rooms.database("r").table("rooms")
        with table.locked():
            record = table.get("r")
            assert record is not None
            table.update("r", {"v": record["v"] + 1})
        done.set()

    other = threading.Thread(target=check_then_act)
    with mine.rooms.database("r").locked():
        assert mine.rooms.database("r").table("rooms").get("r") == {"id": "r", "v": 1}
        other.start()
        assert not done.wait(0.4), "a second holder got in while the lock was held"
        mine.rooms.database("r").table("rooms").update("r", {"v": 10})
    other.join(10)
    assert done.is_set() and mine.rooms.database("r").table("rooms").get("r") == {"id": "r", "v": 11}


def bump(stores: Stores, times: int) -> None:
    """Check then act ``times`` times under the store's lock: read the counter, write it plus one."""
    table = stores.users.table("counters")
    for _ in range(times):
        with stores.users.locked():
            current = table.get("c")
            assert current is not None
            table.update("c", {"n": current["n"] + 1})


def test_check_then_act_under_locked_loses_no_update(backend: Backend) -> None:
    openers = [backend.stores(), backend.stores()]
    openers[0].users.table("counters").insert({"id": "c", "n": 0})
    threads = [threading.Thread(target=bump, args=(openers[i % 2], 15)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert openers[0].users.table("counters").get("c") == {"id": "c", "n": 60}


BUMPER = """
import sys
from pathlib import Path
from sts_snapshots.datadir import DataLayout
from sts_snapshots.store.stores import Stores
kind, location = sys.argv[1], sys.argv[2]
stores = Stores.on_postgres(location) if kind == "postgres" else Stores.open(DataLayout(Path(location)))
table = stores.users.table("counters")
for _ in range(40):
    with stores.users.locked():
        table.update("c", {"n": table.get("c")["n"] + 1})
stores.close()
"""


def test_check_then_act_under_locked_loses_no_update_across_processes(backend: Backend) -> None:
    if backend.kind == "memory":
        pytest.skip("memory is one process's")
    stores = backend.stores()
    stores.users.table("counters").insert({"id": "c", "n": 0})
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", BUMPER, backend.kind, backend.location], env=env)
             for _ in range(2)]
    bump(stores, 40)
    assert [proc.wait(120) for proc in procs] == [0, 0]
    assert stores.users.table("counters").get("c") == {"id": "c", "n": 120}


def test_nested_locked_joins_and_a_failure_inside_rolls_back_on_postgres(backend: Backend) -> None:
    stores = backend.stores()
    rooms, users = stores.rooms.database("r1").table("rooms"), stores.users.table("users")
    with pytest.raises(RuntimeError), stores.rooms.database("r1").locked():
        connection = current_connection()
        rooms.insert({"id": "r"})
        with stores.users.locked(), stores.rooms.database("r1").locked():  # re-entrant, and another store's lock too
            assert current_connection() is connection
            users.insert({"id": "u"})
        raise RuntimeError("the act failed after its writes")
    assert current_connection() is None
    if backend.transactional:
        assert rooms.all() == [] and users.all() == []
    else:
        assert rooms.all() == [{"id": "r"}] and users.all() == [{"id": "u"}]  # TinyDB has no transactions


def test_transaction_rolls_back_everything_on_postgres(backend: Backend) -> None:
    stores = backend.stores()
    committed: list[str] = []
    with pytest.raises(KeyError), stores.transaction():
        stores.snapshots.shard("room1").insert({"id": "s1", "room_id": "room1"})
        stores.tasks.shard("ab").insert({"id": "t1"})
        stores.audit.append("room1", {"action": "snapshot created"})
        stores.activity.shard("room1").insert({"id": "e1"})
        after_commit(lambda: committed.append("rolled back"))
        stores.tasks.shard("ab").insert({"id": "t1"})  # taken: KeyError
    if backend.transactional:
        assert stores.snapshots.keys() == [] and stores.tasks.shard("ab").all() == []
        assert stores.audit.read("room1") == [] and stores.activity.shard("room1").all() == []
        assert committed == []
    else:  # a no-op context: what was written stays, and after_commit ran at once
        assert stores.snapshots.keys() == ["room1"] and committed == ["rolled back"]
    with stores.transaction():
        stores.tasks.shard("ab").insert({"id": "t2"})
        after_commit(lambda: committed.append("committed"))
        assert committed[-1:] != ["committed"] or not backend.transactional  # not before the commit
        seen_elsewhere: list[object] = []
        peek = threading.Thread(target=lambda: seen_elsewhere.append(backend.stores().tasks.shard("ab").get("t2")))
        peek.start()
        peek.join(10)
        assert seen_elsewhere == [None if backend.transactional else {"id": "t2"}]  # uncommitted: unseen
    assert committed[-1] == "committed" and stores.tasks.shard("ab").get("t2") == {"id": "t2"}


def test_current_connection_is_the_open_transactions_in_this_thread_only(backend: Backend) -> None:
    stores = backend.stores()
    assert current_connection() is None
    with stores.transaction():
        connection = current_connection()
        in_thread: list[object] = []
        thread = threading.Thread(target=lambda: in_thread.append(current_connection()))
        thread.start()
        thread.join()
        assert in_thread == [None]
        if backend.transactional:
            assert connection is not None
            assert connection.execute("SELECT 1").fetchone() == (1,)  # the queue defers its job on it
            assert connection.info.transaction_status.name == "INTRANS"
        else:
            assert connection is None
    assert current_connection() is None


def test_shards_are_apart_listed_by_prefix_and_dropped_whole(backend: Backend) -> None:
    shards = backend.stores().activity
    for key in ("h-01", "h-01-0001", "h-02", "other", "x_y"):
        shards.shard(key).insert({"id": key, "room_id": key})
    shards.shard("h-02").insert({"id": "second"})
    assert shards.keys() == ["h-01", "h-01-0001", "h-02", "other", "x_y"]
    assert shards.keys("h-01") == ["h-01", "h-01-0001"] and shards.keys("x_") == ["x_y"] and shards.keys("zz") == []
    assert [r["id"] for r in shards.shard("h-02").all()] == ["h-02", "second"]
    assert shards.shard("h-01").get("h-02") is None  # another shard's record
    shards.drop("h-01")
    shards.drop("h-01")  # gone already is fine
    assert shards.keys("h-") == ["h-01-0001", "h-02"] and shards.shard("h-01").all() == []
    assert backend.stores().activity.shard("h-02").count() == 2  # another opener sees them
    for bad in ("../x", "a/b", "", "x" * 65, "room.json", "a%"):
        with pytest.raises(ValueError):
            shards.shard(bad)


def test_the_shard_holding_a_record_is_found_by_its_id_by_any_opener(backend: Backend) -> None:
    mine, theirs = backend.stores(), backend.stores()
    assert mine.snapshots.key_of("s-1") is None  # nothing yet, and the opener has seen nothing
    theirs.snapshots.shard("room-b").insert({"id": "s-1", "room_id": "room-b"})
    assert mine.snapshots.key_of("s-1") == "room-b" and mine.snapshots.key_of("s-2") is None
    assert mine.snapshots.key_of("../x") is None


def test_a_shards_lock_leaves_the_other_shards_free(backend: Backend) -> None:
    mine, theirs = backend.stores(), backend.stores()
    done = threading.Event()

    def other_room() -> None:
        table = theirs.snapshots.shard("room-b")
        with table.locked():
            table.insert({"id": "s2"})
        done.set()

    with mine.snapshots.shard("room-a").locked():
        thread = threading.Thread(target=other_room)
        thread.start()
        assert done.wait(10), "room-b waited for room-a's lock"
    thread.join()


def test_sharded_databases_keep_each_keys_tables_apart(backend: Backend) -> None:
    mine, theirs = backend.stores(), backend.stores()
    rooms = mine.rooms
    assert rooms.keys() == [] and not rooms.has("r-1")
    rooms.database("r-1").table("rooms").insert({"id": "r-1"})
    rooms.database("r-1").table("documents").insert_many([{"id": "d1", "room_id": "r-1"}, {"id": "d2"}])
    rooms.database("r-2").table("documents").insert({"id": "d1", "room_id": "r-2"})  # the same id in another key
    rooms.database("r-3").table("vessels").all()  # a read creates nothing
    assert rooms.keys() == ["r-1", "r-2"] and rooms.keys("r-2") == ["r-2"]
    assert rooms.has("r-1") and not rooms.has("r-3") and not rooms.has("../x")
    assert theirs.rooms.database("r-1").table_names() == {"rooms", "documents"}  # another opener sees them
    assert [d["id"] for d in theirs.rooms.database("r-1").table("documents").all()] == ["d1", "d2"]
    assert theirs.rooms.database("r-2").table("documents").get("d1") == {"id": "d1", "room_id": "r-2"}
    assert mine.room_checklists.keys() == []  # another store
    rooms.drop("r-1")
    rooms.drop("r-1")  # gone already is fine
    assert rooms.keys() == ["r-2"] and rooms.database("r-1").table("documents").all() == []
    for bad in ("../x", "a/b", "", "x" * 65):
        with pytest.raises(ValueError):
            rooms.database(bad)


def test_a_batch_lands_whole_or_not_at_all(backend: Backend) -> None:
    mine, theirs = backend.stores(), backend.stores()
    database = mine.rooms.database("r-1")
    with database.batch():
        database.table("rooms").insert({"id": "r-1"})
        database.table("documents").insert_many([{"id": f"d{i}"} for i in range(35)])
        assert database.table("documents").count() == 35  # seen inside
    assert theirs.rooms.database("r-1").table("documents").count() == 35 and theirs.rooms.has("r-1")
    with pytest.raises(KeyError), database.batch():
        database.table("vessels").insert({"id": "v1"})
        database.table("rooms").insert({"id": "r-1"})  # taken: KeyError
    assert theirs.rooms.database("r-1").table("vessels").all() == [] and database.table("vessels").all() == []
    assert database.table("rooms").all() == [{"id": "r-1"}]


def test_a_sharded_databases_key_lock_leaves_the_other_keys_free(backend: Backend) -> None:
    mine, theirs = backend.stores(), backend.stores()
    done = threading.Event()

    def other_room() -> None:
        database = theirs.rooms.database("room-b")
        with database.locked():
            database.table("documents").insert({"id": "d"})
        done.set()

    with mine.rooms.database("room-a").locked():
        thread = threading.Thread(target=other_room)
        thread.start()
        assert done.wait(10), "room-b waited for room-a's lock"
    thread.join()


def test_append_log_keeps_order_per_key_and_rewrites_whole(backend: Backend) -> None:
    log = backend.stores().audit
    for i in range(5):
        log.append("room-1", {"n": i, "at": f"2026-01-0{i + 1}"})
    log.append("room-2", {"n": 100})
    assert [r["n"] for r in log.read("room-1")] == [0, 1, 2, 3, 4]
    assert backend.stores().audit.read("room-2") == [{"n": 100}]
    assert log.read("room-3") == []
    log.rewrite("room-1", [{"n": 9}, {"n": 8}])
    assert log.read("room-1") == [{"n": 9}, {"n": 8}]
    log.rewrite("room-1", [])
    assert log.read("room-1") == [] and log.read("room-2") == [{"n": 100}]
    for bad in ("../x", ""):
        with pytest.raises(ValueError):
            log.append(bad, {})


def test_many_threads_write_at_once_without_loss(backend: Backend) -> None:
    table = backend.stores().activity.shard("room")

    def writer(n: int) -> None:
        for i in range(25):
            table.insert({"id": f"{n}-{i}", "n": i})

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert table.count() == 100 and time.monotonic() - start < 60


@pytest.mark.postgres
def test_schema_2_moves_the_records_of_a_database_of_the_single_shard_layout(pg_url: str) -> None:
    import psycopg
    from psycopg.types.json import Jsonb

    from sts_snapshots.services.tasks import TaskStore
    from sts_snapshots.store.postgres_schema import ensure_schema

    stores = Stores.on_postgres(pg_url)
    try:
        with psycopg.connect(pg_url, autocommit=True) as conn:  # back to what version 1 wrote
            conn.execute("DROP INDEX sts_records_shard")
            conn.execute("DELETE FROM sts_schema WHERE version = 2")
            for store, table, doc in (("rooms", "rooms", {"id": "r1"}),
                                      ("rooms", "documents", {"id": "d1", "room_id": "r1"}),
                                      ("checklists", "template_sets", {"id": "generic@1"}),
                                      ("checklists", "room_sets", {"id": "r1"}),
                                      ("checklists", "checklists", {"id": "c1", "room_id": "r1"}),
                                      ("tasks", "tasks", {"id": "snapshot-x", "status": "pending"})):
                conn.execute("INSERT INTO sts_records (store, tbl, shard, id, doc) VALUES (%s, %s, '', %s, %s)",
                             (store, table, doc["id"], Jsonb(doc)))
            assert ensure_schema(conn, "the test database") == 1
        assert stores.rooms.keys() == ["r1"] and stores.rooms.database("r1").table("documents").get("d1") is not None
        assert stores.rooms.database("r1").table("rooms").get("r1") == {"id": "r1"}
        assert stores.checklists.table_names() == {"template_sets"}
        assert stores.room_checklists.database("r1").table("checklists").get("c1") is not None
        assert stores.room_checklists.database("r1").table("room_sets").get("r1") == {"id": "r1"}
        assert TaskStore(stores.tasks).get("snapshot-x") == {"id": "snapshot-x", "status": "pending"}
    finally:
        stores.close()
