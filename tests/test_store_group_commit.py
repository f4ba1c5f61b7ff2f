"""Group commit in the TinyDB store: writes arriving together share a write of the file, and still none returns
before its change is on disk (checked by killing a writing process with SIGKILL), a failed write fails everyone
whose change it held, and another process never sees or overwrites changes waiting to be written."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import orjson
import pytest

from sts_snapshots.store import Database, durable_at_end


def test_writes_from_many_threads_share_writes_of_the_file_and_all_land(tmp_path: Path) -> None:
    path = tmp_path / "room.json"
    database = Database(path)
    table = database.table("snapshots")
    table.insert_many([{"id": f"old-{i}", "payload": "x" * 500} for i in range(300)])  # a file worth some fsync
    database.writes = 0
    threads, per_thread = 16, 25
    start = threading.Barrier(threads)

    def writer(n: int) -> None:
        start.wait()
        for i in range(per_thread):
            table.insert({"id": f"{n}-{i}", "n": n})

    workers = [threading.Thread(target=writer, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    on_disk = orjson.loads(path.read_bytes())["snapshots"]
    assert len(on_disk) == 300 + threads * per_thread  # every change in the file once they all returned
    assert Database(path).table("snapshots").count() == 300 + threads * per_thread
    assert 0 < database.writes < threads * per_thread, "every change wrote the file on its own"


WRITER = """
import sys, threading
from pathlib import Path
from sts_snapshots.store import Database
table = Database(Path(sys.argv[1])).table("t")
out = threading.Lock()

def run(n):
    i = 0
    while True:
        table.insert({"id": f"{sys.argv[2]}-{n}-{i}", "payload": "x" * 300})
        with out:  # acknowledged: the insert returned
            sys.stdout.write(f"{sys.argv[2]}-{n}-{i}\\n")
            sys.stdout.flush()
        i += 1

for n in range(8):
    threading.Thread(target=run, args=(n,), daemon=True).start()
threading.Event().wait()
"""


def test_sigkill_loses_no_acknowledged_write_of_a_group(tmp_path: Path) -> None:
    path = tmp_path / "killed.json"
    acknowledged: set[str] = set()
    for round_ in range(4):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(round_)],
                                env={**os.environ, "PYTHONPATH": "."}, stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        seen = 0
        for line in proc.stdout:  # kill after a number of acknowledged writes (not after a time)
            acknowledged.add(line.strip())
            seen += 1
            if seen == 150 + 100 * round_:
                break
        proc.send_signal(signal.SIGKILL)
        rest, _ = proc.communicate()  # lines printed before the kill are acknowledged too
        acknowledged.update(line for line in rest.split() if line)
        stored = {r["id"] for r in Database(path).table("t").all()}
        missing = acknowledged - stored
        assert not missing, f"acknowledged but lost after kill -9: {sorted(missing)[:5]}"


def test_a_failed_write_fails_its_callers_and_the_content_is_read_again(tmp_path: Path) -> None:
    folder = tmp_path / "shard"
    database = Database(folder / "room.json")
    table = database.table("documents")
    table.insert({"id": "kept"})
    aside = tmp_path / "aside"
    folder.rename(aside)
    folder.write_text("a file where the folder was: the temporary file cannot be made")
    with pytest.raises(OSError, match=r"room\.json|Not a directory"):
        table.insert({"id": "lost"})
    folder.unlink()
    aside.rename(folder)
    # the change was not acknowledged and is not shown: what the file holds is
    assert [r["id"] for r in table.all()] == ["kept"]
    table.insert({"id": "after"})
    assert [r["id"] for r in Database(folder / "room.json").table("documents").all()] == ["kept", "after"]


def test_another_process_waits_for_changes_not_written_yet(tmp_path: Path) -> None:
    """While this process holds changes in memory (here: inside durable_at_end, before its end), another opener
    of the file neither reads the older file nor writes over them."""
    path = tmp_path / "rooms.json"
    server, cli = Database(path), Database(path)
    server.table("rooms").insert({"id": "r", "v": 1})
    got: list[object] = []
    reader = threading.Thread(target=lambda: got.append(cli.table("rooms").get("r")))
    with durable_at_end():
        server.table("rooms").update("r", {"v": 2})  # returns before the file holds it
        assert server.table("rooms").get("r") == {"id": "r", "v": 2}  # seen here at once
        reader.start()
        reader.join(0.3)
        assert reader.is_alive(), "another opener read the file while a change waited to be written"
    reader.join(5)
    assert got == [{"id": "r", "v": 2}]
    assert orjson.loads(path.read_bytes())["rooms"]["1"] == {"id": "r", "v": 2}


def test_a_failed_batch_keeps_the_changes_of_others_made_before_it(tmp_path: Path) -> None:
    path = tmp_path / "room.json"
    database = Database(path)
    with durable_at_end():  # a change of another call, not written yet when the batch starts
        database.table("rooms").insert({"id": "r"})
        with pytest.raises(KeyError), database.batch():
            database.table("vessels").insert({"id": "v"})
            database.table("rooms").insert({"id": "r"})  # taken
    assert database.table("vessels").all() == [] and database.table("rooms").all() == [{"id": "r"}]
    assert Database(path).table("rooms").all() == [{"id": "r"}] and Database(path).table("vessels").all() == []

