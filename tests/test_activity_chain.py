"""A room's activity chain stays one unbroken chain whoever writes it: this opener, another opener of the same
files (a CLI command, another process), its reads (the audit log) and its changes (the activity shard)."""

from functools import partial
from pathlib import Path

from sts_snapshots.datadir import DataLayout
from sts_snapshots.domain.chain import first_break, head_of
from sts_snapshots.services.activity_chain import ActivityChain
from sts_snapshots.store.stores import Stores

ROOM = "room-1"


def entry(n: int) -> dict[str, str]:
    return {"id": f"e{n}", "room_id": ROOM, "action": "document reviewed", "at": f"2026-12-02T06:00:{n:02d}Z"}


def test_two_openers_taking_turns_keep_one_chain(tmp_path: Path) -> None:
    openers = [Stores.open(DataLayout(tmp_path)) for _ in range(2)]
    chains = [ActivityChain("inst-1", s.activity, s.audit) for s in openers]
    try:
        for n, writer in enumerate([0, 0, 1, 0, 1, 1, 0, 0, 1, 0]):
            stores, chain = openers[writer], chains[writer]
            if n % 3 == 2:  # a read, in the audit log
                chain.append(ROOM, entry(n), partial(stores.audit.append, ROOM))
            else:
                chain.append(ROOM, entry(n), stores.activity.shard(ROOM).insert)
        entries = chains[0].entries(ROOM)
        assert len(entries) == 10 and first_break(entries) is None
        assert head_of(entries, "inst-1")[0] == 10
    finally:
        for stores in openers:
            stores.close()


def test_a_room_whose_log_is_gone_starts_again_from_the_beginning(tmp_path: Path) -> None:
    stores = Stores.open(DataLayout(tmp_path))
    chain = ActivityChain("inst-1", stores.activity, stores.audit)
    try:
        for n in range(3):
            chain.append(ROOM, entry(n), stores.activity.shard(ROOM).insert)
        stores.activity.drop(ROOM)  # as when a room is deleted, or an older backup restored
        chain.append(ROOM, entry(3), stores.activity.shard(ROOM).insert)
        entries = chain.entries(ROOM)
        assert [e["seq"] for e in entries] == [1] and first_break(entries) is None
    finally:
        stores.close()


def test_a_room_held_by_another_writer_does_not_hold_up_other_rooms(tmp_path: Path) -> None:
    """While another process holds one room's chain lock (its write in progress), this process's entries in other
    rooms are written at once, and the held room's entry follows, in its chain, when the lock is let go."""
    import threading

    from sts_snapshots.store import Database

    stores = Stores.open(DataLayout(tmp_path))
    chain = ActivityChain("inst-1", stores.activity, stores.audit)
    other = {**entry(1), "id": "b1", "room_id": "room-2"}
    try:
        chain.append(ROOM, entry(0), stores.activity.shard(ROOM).insert)  # makes the activity folder
        assert stores.activity.folder is not None
        with Database.file_lock(stores.activity.folder / f"{ROOM}.chain"):
            held = threading.Thread(target=chain.append, args=(ROOM, entry(2), stores.activity.shard(ROOM).insert))
            held.start()
            beside = threading.Thread(target=chain.append,
                                      args=("room-2", other, stores.activity.shard("room-2").insert))
            beside.start()
            beside.join(timeout=60)  # a wait for a lock that is never let go, not a measure of speed
            assert not beside.is_alive(), "room-2's entry waited for room-1's lock"
            assert [e["id"] for e in chain.entries("room-2")] == ["b1"]
            assert [e["id"] for e in chain.entries(ROOM)] == ["e0"]
        held.join(timeout=60)
        entries = chain.entries(ROOM)
        assert [e["id"] for e in entries] == ["e0", "e2"] and first_break(entries) is None
    finally:
        stores.close()
