"""The store contract, run against both backends, and the atomic-write guarantee under SIGKILL."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from sts_snapshots.datadir import DataLayout
from sts_snapshots.services.tasks import TaskStore
from sts_snapshots.store import Database, ShardedDatabase, ShardedTable, StoreCorruptError
from sts_snapshots.store.stores import Stores


@pytest.fixture(params=["memory", "file"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Database:
    return Database(None if request.param == "memory" else tmp_path / "store.json")


def test_insert_get_update_remove(db: Database) -> None:
    table = db.table("things")
    table.insert({"id": "a", "n": 1, "tags": ["x"]})
    table.insert({"id": "b", "n": 2, "tags": []})
    assert table.get("a") == {"id": "a", "n": 1, "tags": ["x"]}
    assert table.get("zzz") is None
    assert table.update("a", {"n": 5}) == {"id": "a", "n": 5, "tags": ["x"]}
    assert table.update("zzz", {"n": 5}) is None
    assert [r["id"] for r in table.find(n=2)] == ["b"]
    assert [r["id"] for r in table.search(lambda r: r["n"] > 1)] == ["a", "b"]
    assert table.count() == 2
    assert table.remove("a") is True and table.remove("a") is False
    assert table.remove_where(lambda r: True) == 1 and table.all() == []


def test_upsert_from_many_threads_keeps_one_record(db: Database) -> None:
    table = db.table("things")
    threads = [threading.Thread(target=lambda n=n: table.upsert({"id": "k", "n": n})) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert table.count() == 1 and table.get("k")["n"] in range(16)  # type: ignore[index]


def test_duplicate_id_and_missing_id_are_refused(db: Database) -> None:
    table = db.table("things")
    table.insert({"id": "a"})
    with pytest.raises(KeyError):
        table.insert({"id": "a"})
    with pytest.raises(ValueError):
        table.insert({"n": 1})


def test_returns_copies_not_internals(db: Database) -> None:
    table = db.table("things")
    record = {"id": "a", "tags": ["x"]}
    table.insert(record)
    record["tags"].append("changed-after-insert")
    got = table.get("a")
    assert got is not None
    got["tags"].append("changed-after-get")
    assert table.get("a") == {"id": "a", "tags": ["x"]}


def test_tables_are_separate(db: Database) -> None:
    db.table("one").insert({"id": "a"})
    assert db.table("two").all() == []


def test_threads_write_at_once_without_loss(db: Database) -> None:
    table = db.table("things")

    def writer(n: int) -> None:
        for i in range(50):
            table.insert({"id": f"{n}-{i}", "n": i})

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert table.count() == 200


def test_file_survives_reopen(tmp_path: Path) -> None:
    Database(tmp_path / "s.json").table("t").insert({"id": "a", "name": "Ørsted"})
    assert Database(tmp_path / "s.json").table("t").get("a") == {"id": "a", "name": "Ørsted"}


def test_a_write_by_another_opener_is_seen_at_once(tmp_path: Path) -> None:
    """Reads reuse the parsed file while it is unchanged; a write by another process (here: another opener)
    replaces the file, and the next read sees it."""
    server, cli = Database(tmp_path / "users.json"), Database(tmp_path / "users.json")
    server.table("users").insert({"id": "a", "n": 1})
    assert server.table("users").get("a") == {"id": "a", "n": 1}
    cli.table("users").update("a", {"n": 2})
    cli.table("users").insert({"id": "b", "n": 3})
    assert server.table("users").get("a") == {"id": "a", "n": 2}
    assert [r["id"] for r in server.table("users").all()] == ["a", "b"]
    server.table("users").remove("b")
    assert cli.table("users").count() == 1
    # both keep inserting after the other did (TinyDB caches the next document id per opener)
    cli.table("users").insert({"id": "c", "n": 4})
    server.table("users").insert({"id": "d", "n": 5})
    cli.table("users").insert_many([{"id": "e", "n": 6}, {"id": "f", "n": 7}])
    server.table("users").insert({"id": "g", "n": 8})
    assert sorted(r["id"] for r in server.table("users").all()) == ["a", "c", "d", "e", "f", "g"]


def test_no_other_opener_writes_while_one_holds_the_lock(tmp_path: Path) -> None:
    """Inside ``locked()`` reads skip re-reading the file: safe only because no other writer gets in meanwhile."""
    server, cli = Database(tmp_path / "rooms.json"), Database(tmp_path / "rooms.json")
    server.table("rooms").insert({"id": "r", "v": 1})
    writer = threading.Thread(target=lambda: cli.table("rooms").update("r", {"v": 2}))
    with server.locked():
        assert server.table("rooms").get("r") == {"id": "r", "v": 1}
        writer.start()
        writer.join(0.3)
        assert writer.is_alive(), "another opener wrote while the lock was held"
        assert server.table("rooms").get("r") == {"id": "r", "v": 1}
    writer.join(5)
    assert server.table("rooms").get("r") == {"id": "r", "v": 2}


@pytest.mark.parametrize("content", [b"", b"{not json", b"[1, 2]", b"\xff\xfe"])
def test_unreadable_file_names_itself_and_is_left_alone(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "broken.json"
    path.write_bytes(content)
    with pytest.raises(StoreCorruptError) as err:
        Database(path)
    assert str(path) in str(err.value) and "sts-snapshots restore" in str(err.value)
    assert path.read_bytes() == content


WRITER = """
import sys
from pathlib import Path
from sts_snapshots.store import Database
table = Database(Path(sys.argv[1])).table("t")
i = 0
while True:
    table.insert({"id": str(i), "payload": "x" * 2000})
    if i == 0:
        print("writing", flush=True)
    i += 1
"""


def test_sigkill_during_writes_never_leaves_a_broken_file(tmp_path: Path) -> None:
    path = tmp_path / "killed.json"
    rng = random.Random(7)
    for _ in range(12):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], env={**os.environ, "PYTHONPATH": "."},
                                stdout=subprocess.PIPE)
        assert proc.stdout is not None
        proc.stdout.readline()  # killed while writing, however long the start took on a busy machine
        time.sleep(rng.uniform(0.0, 0.35))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if path.exists():
            data = json.loads(path.read_bytes())  # always valid JSON, never empty
            assert isinstance(data, dict) and data["t"]
    assert Database(path).table("t").count() > 0


@pytest.mark.parametrize("backend", ["memory", "file"])
def test_a_sharded_table_writes_only_its_keys_file(backend: str, tmp_path: Path) -> None:
    folder = None if backend == "memory" else tmp_path / "activity"
    log = ShardedTable(folder, "activity")
    log.shard("room-a").insert({"id": "1", "room_id": "room-a"})
    log.shard("room-b").insert({"id": "2", "room_id": "room-b"})
    before = {p.name: p.read_bytes() for p in log.files()}
    for i in range(3, 8):
        log.shard("room-b").insert({"id": str(i), "room_id": "room-b"})
    assert [r["id"] for r in log.shard("room-a").all()] == ["1"]
    assert [r["id"] for r in log.shard("room-b").all()] == ["2", "3", "4", "5", "6", "7"]
    if folder is not None:
        assert sorted(before) == ["room-a.json", "room-b.json"]
        assert (folder / "room-a.json").read_bytes() == before["room-a.json"]  # never rewritten for room-b
        reopened = ShardedTable(folder, "activity")
        assert reopened.shard("room-b").count() == 6
    for bad in ("../x", "a/b", "", "x" * 65, "room.json"):
        with pytest.raises(ValueError):
            log.shard(bad)



@pytest.mark.parametrize("backend", ["memory", "file"])
@pytest.mark.parametrize("keep_open", [True, False])
def test_a_sharded_table_lists_keys_by_prefix_and_drops_a_whole_shard(backend: str, keep_open: bool,
                                                                    tmp_path: Path) -> None:
    folder = None if backend == "memory" else tmp_path / "shards"
    shards = ShardedTable(folder, "t", keep_open=keep_open)
    for key in ("h-01", "h-01-0001", "h-02", "other"):
        shards.shard(key).insert({"id": key})
    assert shards.keys("h-01") == ["h-01", "h-01-0001"] and shards.keys() == ["h-01", "h-01-0001", "h-02", "other"]
    shards.drop("h-01")
    shards.drop("h-01")  # gone already
    assert shards.keys("h-") == ["h-01-0001", "h-02"]
    if folder is not None:
        assert sorted(p.name for p in folder.iterdir()) == ["h-01-0001.json", "h-01-0001.json.lock", "h-02.json",
                                                            "h-02.json.lock", "other.json", "other.json.lock"]
    assert shards.shard("h-01").all() == []  # a dropped key starts afresh
    with pytest.raises(ValueError):
        shards.drop("../x")


def test_the_single_activity_file_of_an_older_data_folder_is_split_per_room(tmp_path: Path) -> None:
    old = Database(tmp_path / "db" / "activity.json")
    old.table("activity").insert_many([{"id": f"e{i}", "room_id": "r1" if i % 3 else "r2", "n": i} for i in range(9)])
    log = ShardedTable(tmp_path / "db" / "activity", "activity")
    log.shard("r1").insert({"id": "e1", "room_id": "r1", "n": 1})  # as if a first attempt stopped half-way
    assert log.migrate_from(tmp_path / "db" / "activity.json", "room_id") == 9
    assert sorted(r["n"] for r in log.shard("r1").all()) == [1, 2, 4, 5, 7, 8]  # e1 not copied twice
    assert sorted(r["n"] for r in log.shard("r2").all()) == [0, 3, 6]
    assert not (tmp_path / "db" / "activity.json").exists()
    assert (tmp_path / "db" / "activity.json.migrated").exists()  # kept, not deleted
    assert log.migrate_from(tmp_path / "db" / "activity.json", "room_id") == 0  # done once


def test_opening_the_stores_splits_the_old_activity_and_snapshot_files(tmp_path: Path) -> None:
    from sts_snapshots.datadir import DataLayout
    from sts_snapshots.store.stores import Stores

    layout = DataLayout(tmp_path)
    Database(layout.db / "activity.json").table("activity").insert({"id": "e1", "room_id": "r1", "action": "x"})
    Database(layout.db / "snapshots.json").table("snapshots").insert_many(
        [{"id": "s1", "room_id": "r1"}, {"id": "s2", "room_id": "r2"}])
    stores = Stores.open(layout)
    assert [r["action"] for r in stores.activity.shard("r1").all()] == ["x"]
    assert (layout.activity / "r1.json").exists() and not (layout.db / "activity.json").exists()
    assert [r["id"] for r in stores.snapshots.shard("r2").all()] == ["s2"]
    assert sorted(p.name for p in layout.snapshot_records.glob("*.json")) == ["r1.json", "r2.json"]
    assert (layout.db / "snapshots.json.migrated").exists() and not (layout.db / "snapshots.json").exists()
    stores.close()


def test_two_openers_migrating_at_once_both_succeed_without_duplicates(tmp_path: Path) -> None:
    old = tmp_path / "db" / "activity.json"
    Database(old).table("activity").insert_many([{"id": f"e{i}", "room_id": f"r{i % 2}"} for i in range(6)])
    logs = [ShardedTable(tmp_path / "db" / "activity", "activity") for _ in range(2)]
    errors: list[BaseException] = []

    def migrate(log: ShardedTable) -> None:
        try:
            log.migrate_from(old, "room_id")
        except BaseException as exc:  # collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=migrate, args=(log,)) for log in logs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert not errors and not any(t.is_alive() for t in threads)
    assert sorted(r["id"] for key in ("r0", "r1") for r in logs[0].shard(key).all()) == [f"e{i}" for i in range(6)]


def _old_layout(layout: DataLayout) -> None:
    """A data folder as the single-file layout left it: every room in db/rooms.json, the tasks in one file, the room
    checklists beside the template sets."""
    rooms = Database(layout.db / "rooms.json")
    for room in ("room-a", "room-b"):
        rooms.table("rooms").insert({"id": room, "title": room})
        rooms.table("documents").insert_many([{"id": f"{room}-d{i}", "room_id": room} for i in range(3)])
        rooms.table("parties").insert({"id": f"{room}-p", "room_id": room, "email": "a@example.com"})
    rooms.close()
    tasks = Database(layout.tasks / "tasks.json")
    tasks.table("tasks").insert_many([{"id": f"snapshot-{i}", "task_id": f"snapshot-{i}", "status": "completed"}
                                      for i in range(20)])
    tasks.close()
    checklists = Database(layout.db / "checklists.json")
    checklists.table("template_sets").insert({"id": "generic@1"})
    checklists.table("room_sets").insert({"id": "room-a", "set_id": "generic"})
    checklists.table("checklists").insert_many([{"id": "c1", "room_id": "room-a"}, {"id": "c2", "room_id": "room-b"}])
    checklists.close()


def test_an_old_single_file_folder_is_moved_into_shards_once_and_safely_again(tmp_path: Path) -> None:
    layout = DataLayout(tmp_path)
    layout.prepare()
    _old_layout(layout)
    # an earlier attempt was cut off after writing one room's file: nothing is copied twice
    ShardedDatabase(layout.room_records).database("room-a").table("documents").insert({"id": "room-a-d0",
                                                                                        "room_id": "room-a"})
    stores = Stores.open(layout)
    try:
        assert stores.rooms.keys() == ["room-a", "room-b"]
        room_a = stores.rooms.database("room-a")
        assert [d["id"] for d in room_a.table("documents").all()] == ["room-a-d0", "room-a-d1", "room-a-d2"]
        assert room_a.table("rooms").all() == [{"id": "room-a", "title": "room-a"}]
        assert stores.rooms.database("room-b").table("parties").count() == 1
        assert not (layout.db / "rooms.json").exists() and (layout.db / "rooms.json.migrated").exists()
        tasks = TaskStore(stores.tasks)
        assert all(tasks.get(f"snapshot-{i}") is not None for i in range(20)) and sum(tasks.counts().values()) == 20
        assert len(stores.tasks.keys()) > 1  # spread by id
        assert stores.checklists.table_names() & {"template_sets"} and stores.checklists.table("room_sets").all() == []
        assert stores.checklists.table("checklists").all() == []
        assert stores.room_checklists.database("room-a").table("room_sets").get("room-a") is not None
        assert [c["id"] for c in stores.room_checklists.database("room-b").table("checklists").all()] == ["c2"]
    finally:
        stores.close()
    again = Stores.open(layout)  # nothing left to move
    try:
        assert again.rooms.database("room-a").table("documents").count() == 3
        assert again.room_checklists.database("room-a").table("checklists").count() == 1
    finally:
        again.close()


def test_shards_past_the_cached_ones_read_their_file_again(tmp_path: Path) -> None:
    shards, other = ShardedDatabase(tmp_path, max_cached=2), ShardedDatabase(tmp_path)
    for key in "abcde":
        shards.database(key).table("t").insert({"id": key})
    other.database("a").table("t").insert({"id": "from another opener"})
    assert [r["id"] for r in shards.database("a").table("t").all()] == ["a", "from another opener"]
    assert [shards.database(key).table("t").get(key) for key in "abcde"] == [{"id": k} for k in "abcde"]


def test_a_batch_is_one_write_of_the_file(tmp_path: Path) -> None:
    database = Database(tmp_path / "room.json")
    before = (tmp_path / "room.json").exists()
    with database.batch():
        database.table("a").insert({"id": "1"})
        database.table("b").insert_many([{"id": str(i)} for i in range(10)])
        assert not (tmp_path / "room.json").exists()  # nothing written until the end
    assert not before and Database(tmp_path / "room.json").table("b").count() == 10
