"""Sealing each activity entry into its room's hash chain as it is written (see :mod:`..domain.chain`).

A room's entries live in two stores (changes in the activity shard, reads in the audit log), so one lock per
room (``<room>.chain.lock`` beside the shards, taken by every process) orders them: the head is read, the
entry sealed and written, all under it. Existing logs are chained once, at start (:meth:`ActivityChain.migrate`).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterator
from typing import Any

from ..datadir.atomic import atomic_write_bytes
from ..domain.chain import ChainHead, head_of, heads, seal
from ..domain.time import now_iso
from ..store import AppendLogLike, Database, ShardedTableLike, durable_at_end

log = logging.getLogger(__name__)
MARKER = ".chained"  # in the activity folder: every room's log has been chained (see ActivityChain.migrate)


class ActivityChain:
    def __init__(self, origin: str, activity: ShardedTableLike, audit: AppendLogLike) -> None:
        self.origin = origin
        self._activity = activity
        self._audit = audit
        self._lock = threading.Lock()  # guards _room_locks
        # One thread lock per room, not one for all: a job logging into a large room's history (a whole-file write
        # with fsync) used to hold up every other room's entries, e.g. a create in another room
        self._room_locks: dict[str, threading.Lock] = {}
        self._last: dict[str, int] = {}  # room id -> the seq this process sealed last (see _head)

    @contextlib.contextmanager
    def _room_lock(self, room_id: str) -> Iterator[None]:
        if self._activity.folder is None:
            # in memory, or PostgreSQL: the room's shard lock (an advisory lock every node honours; the entry and
            # its audit line are written in its transaction)
            with self._activity.shard(room_id).locked():
                yield
            return
        with self._lock:
            room_lock = self._room_locks.setdefault(room_id, threading.Lock())
        with room_lock:
            self._activity.folder.mkdir(parents=True, exist_ok=True)
            with Database.file_lock(self._activity.folder / f"{room_id}.chain"):
                yield

    def entries(self, room_id: str) -> list[dict[str, Any]]:
        return [*self._activity.shard(room_id).all(), *self._audit.read(room_id)]

    def append(self, room_id: str, record: dict[str, Any], write: Callable[[dict[str, Any]], object]) -> None:
        """Seal ``record`` as the next link of this installation's chain for the room, and ``write`` it, under the
        room's lock. The entry's file is written after the lock is released (the call still returns only once it
        is): the next entry of the room is sealed meanwhile, and the two share the write (group commit)."""
        with durable_at_end(), self._room_lock(room_id):
            sealed = seal(record, self.origin, self._head(room_id))
            write(sealed)
            self._last[room_id] = int(sealed["seq"])

    def _head(self, room_id: str) -> tuple[int, str]:
        """The chain head, as :func:`head_of` over all the room's entries finds it, from the entries from the last
        seq this process wrote on: the head's seq is the largest, so it is among them whenever any are left.

        Copying only those (not the room's whole history, as ``entries`` does) keeps a write's cost flat as the
        log grows. The seq is only where to start looking: another process or node writing the room, a restore
        or a migration change nothing in the result, and when none are left the whole log is read.
        """
        since = self._last.get(room_id, 0)
        if since:
            newer = self._entries_from(room_id, since)
            if newer:
                return head_of(newer, self.origin)
        return head_of(self.entries(room_id), self.origin)

    def _entries_from(self, room_id: str, seq: int) -> list[dict[str, Any]]:
        def ours(entry: dict[str, Any]) -> bool:
            found = entry.get("seq")
            return entry.get("origin") == self.origin and isinstance(found, int) and found >= seq

        return [*self._activity.shard(room_id).search(ours), *filter(ours, self._audit.read(room_id))]

    # -- a room brought whole from a room pack (sts_snapshots.packs) ------------------------------------
    def stored_entries(self, room_id: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The room's entries as stored, apart: (the changes in its activity shard, the reads in its audit log)."""
        with self._room_lock(room_id):
            return self._activity.shard(room_id).all(), self._audit.read(room_id)

    def adopt(self, room_id: str, changes: list[dict[str, Any]], reads: list[dict[str, Any]]) -> None:
        """Write a room's entries brought from another installation as they are: each keeps its origin, seq and
        hash, so every origin's chain stays checkable. They replace what the room's id has here, which for a room
        new to this installation is nothing, or what an import killed half way left."""
        with self._room_lock(room_id):
            self._activity.drop(room_id)
            if changes:
                self._activity.shard(room_id).insert_many(changes)
            self._audit.rewrite(room_id, reads)

    def add_entries(self, room_id: str, changes: list[dict[str, Any]], reads: list[dict[str, Any]]) -> int:
        """Add the entries of a merged room pack that the room lacks here (by id), as they are: appended, nothing
        rewritten, so every origin's chain stays checkable. Returns how many were added."""
        with self._room_lock(room_id):
            table = self._activity.shard(room_id)
            have = {e["id"] for e in table.all()}
            new_changes = [e for e in changes if e["id"] not in have]
            if new_changes:
                table.insert_many(new_changes)
            have_reads = {e.get("id") for e in self._audit.read(room_id)}
            new_reads = [e for e in reads if e.get("id") not in have_reads]
            for entry in new_reads:
                self._audit.append(room_id, entry)
            return len(new_changes) + len(new_reads)
    # -- end of room packs ----------------------------------------------------------------------------------

    def chain_heads(self, room_id: str) -> list[ChainHead]:
        """Every origin's chain head of the room, for the cover (count, hash, when it started, how many migrated)."""
        return heads(self.entries(room_id))

    def migrate(self) -> int:
        """Chain the entries of rooms that have no chain yet (written before chains existed); returns how many.

        Only a room with no chained entry at all is migrated: an unchained entry in a chained room was added
        by hand, and stays unchained for ``verify`` to name.
        """
        # Every entry written since chains exist is sealed as it is written, so once a folder has been through
        # here it needs no second pass: a marker beside the shards says so, and a start in a fleet-sized folder
        # does not read every room's history. (A restored backup has no marker: it is checked again.)
        marker = self._activity.folder / MARKER if self._activity.folder is not None else None
        if marker is not None and marker.exists():
            return 0
        rooms = set(self._activity.keys()) | {path.stem for path in self._audit.files()}
        total = 0
        for room_id in sorted(rooms):
            with self._room_lock(room_id):
                total += self._migrate_room(room_id)
        if total:
            log.info("Activity log: %d earlier entries chained at migration (%d rooms)", total, len(rooms))
        if marker is not None:
            atomic_write_bytes(marker, f"chained at {now_iso()}\n".encode())
        return total

    def _migrate_room(self, room_id: str) -> int:
        table = self._activity.shard(room_id)
        changes, reads = table.all(), self._audit.read(room_id)
        if (not changes and not reads) or any("hash" in e for e in (*changes, *reads)):
            return 0  # nothing there, or chained already (by another process starting at the same moment)
        when = now_iso()
        order = sorted([(e.get("at", ""), 0, i) for i, e in enumerate(changes)]
                       + [(e.get("at", ""), 1, i) for i, e in enumerate(reads)])
        previous, sealed_changes, sealed_reads = (0, "0" * 64), list(changes), list(reads)
        for _at, kind, index in order:
            source = sealed_changes if kind == 0 else sealed_reads
            source[index] = seal(source[index], self.origin, previous, migrated=when)
            previous = (source[index]["seq"], source[index]["hash"])
        with table.locked():
            for entry in sealed_changes:
                table.update(entry["id"], {k: entry[k] for k in ("origin", "seq", "migrated", "hash")})
        self._audit.rewrite(room_id, sealed_reads)
        return len(order)
