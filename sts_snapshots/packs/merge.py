"""Merging a room pack into the room this installation has, and resolving the conflicts a merge leaves.

The plan (:mod:`.merge_plan`) is computed from the room as stored here, caught up first (every field whose value
changed since it was last seen gets this installation's counter bumped), and the pack's field states. Then the
writes, ordered so that a process killed at any point loses nothing and a rerun of the same import converges:
the new versions' files (content-addressed, each atomic); the checklists, snapshot records, activity entries
(appended) and room records the merge changed or added, each replaced whole; the conflicts and the field states
last. A rerun finds the values it took already in place (they merge as equal) and the conflicts again.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from ..context import StsApp
from ..datadir.atomic import atomic_write_bytes
from ..datadir.installation import installation_id
from ..domain.checklists import ChecklistRecord
from ..domain.room_bundle import RoomBundle
from ..domain.sync_fields import FieldState, bumped, describe, merged, slots_of
from ..domain.time import now_iso
from ..services.errors import Conflict, Forbidden, Invalid, NotFound
from ..services.sync_state import PARENTS, ConflictRecord, is_presence, presence_key
from ..services.users import User
from .derived import evidence_of, evidence_text, without_orphans
from .duplicates import is_duplicate
from .export import bundle_of
from .merge_plan import MergePlan, changed_records, plan_merge, records_of, removed_records
from .reader import ReceivedPack
from .states import caught_up, sync_state


def local_bundle(sts: StsApp, room_id: str) -> RoomBundle:
    return bundle_of(sts, room_id, snapshots=True)


def merge_pack(sts: StsApp, user: User, pack: ReceivedPack,
               files: list[tuple[str, Path]]) -> tuple[MergePlan, int]:
    """Merge the checked ``pack`` into the room this installation has (``files``: the new files to write).

    :returns: the plan carried out, and how many conflicts it opened.
    :raises Conflict: the pack carries no field states (made before merging existed), or a record id belongs to
        another room here; nothing was written.
    """
    remote = pack.bundle
    if remote.sync is None:
        raise Conflict("this installation has this room already, and the pack comes from a version that cannot be "
                       "merged (it carries no field versions): export it again with this version")
    sts.rooms.imports.check_ids(remote)
    room_id = remote.room_id
    # every check is passed: from here on, writes. The files first: content-addressed, new ones only
    for entry, target in files:
        for stale in target.parent.glob(f".{target.name}.*.tmp"):
            stale.unlink(missing_ok=True)
        atomic_write_bytes(target, pack.read(entry))
    # the room as it is now, planned and written under its stores' locks: an edit made meanwhile is not overwritten
    with room_locks(sts, room_id):
        local = local_bundle(sts, room_id)
        plan = plan_merge(local, remote, caught_up(sts, room_id, local))
        changed = changed_records(records_of(local), plan.records)
        removed = removed_records(records_of(local), plan.records)
        with sts.stores.transaction():
            sts.checklists.book.put_checklists(room_id, changed["checklists"])  # type: ignore[arg-type]
            for record in plan.snapshots:
                sts.pipeline.records.insert(record)  # type: ignore[arg-type]
            sts.rooms.chain.add_entries(room_id, plan.changes, plan.reads)
            sts.rooms.imports.put_records(room_id, changed)
            sts.rooms.imports.remove_records(room_id, removed)
            sts.checklists.book.remove_checklists(room_id, removed["checklists"])
        opened = record_conflicts(sts, room_id, plan, pack.signer.installation_id)
    sts.rooms.log(room_id, user.email, "room merged",
                  f"from a room pack of installation {pack.signer.installation_id}: {len(plan.taken)} fields taken, "
                  f"{plan.new_versions} new versions, {len(plan.changes) + len(plan.reads)} activity entries, "
                  f"{opened} conflicts opened")
    return plan, opened


@contextlib.contextmanager
def room_locks(sts: StsApp, room_id: str) -> Iterator[None]:
    """The lock of the room's file in the rooms store, then of its checklists' file."""
    with sts.stores.rooms.database(room_id).locked(), sts.stores.room_checklists.database(room_id).locked():
        yield


def record_conflicts(sts: StsApp, room_id: str, plan: MergePlan, origin: str) -> int:
    state = sync_state(sts)
    me = installation_id(sts.layout)
    opened = 0
    for key in plan.settled:
        state.close_open(room_id, key, f"installation {origin}")
    for stored in state.conflicts(room_id):
        if stored["rule"] and stored["key"] not in plan.rules_broken:  # the merged checklists keep the rules again
            state.close(room_id, stored["id"], "settled", f"installation {origin}", None)
    open_pairs = {c["key"] for c in state.conflicts(room_id) if is_duplicate(c["key"])}
    for c in plan.conflicts:
        if is_duplicate(c.key) and c.key in open_pairs:
            continue  # the pair has its conflict open already (which of the two is "this installation's" may differ)
        opened += state.open_conflict(room_id, c.key, c.label, c.local, c.remote, (me, origin),
                                      (c.local_vv, c.remote_vv), c.rule)
    state.store(room_id, plan.states)
    return opened


def _store_records(sts: StsApp, room_id: str, before: RoomBundle, after: dict[str, Any]) -> None:
    changed = changed_records(records_of(before), after)
    with sts.stores.transaction():
        sts.checklists.book.put_checklists(room_id, changed["checklists"])  # type: ignore[arg-type]
        sts.rooms.imports.put_records(room_id, changed)
        removed = removed_records(records_of(before), after)
        sts.rooms.imports.remove_records(room_id, removed)
        sts.checklists.book.remove_checklists(room_id, removed["checklists"])


def resolve(sts: StsApp, user: User, room_id: str, conflict_id: str, keep: Literal["local", "remote"]) \
        -> ConflictRecord:
    """Keep one value of an open conflict: it is set, this installation's counter of the field is bumped past both
    sides' (so the choice travels with the next pack and settles the conflict there too), the conflict closes and
    the room's activity says so.

    :raises Forbidden: not an admin. :raises NotFound: no such open conflict. :raises Invalid: ``keep``.
    """
    if not user.is_admin:
        raise Forbidden("only an admin may resolve a merge conflict")
    if keep not in ("local", "remote"):
        raise Invalid("keep must be local or remote")
    with room_locks(sts, room_id):
        return _resolve(sts, user, room_id, conflict_id, keep)


def _resolve(sts: StsApp, user: User, room_id: str, conflict_id: str, keep: Literal["local", "remote"]) \
        -> ConflictRecord:
    state = sync_state(sts)
    conflict = state.conflict(room_id, conflict_id)
    if conflict is None or conflict["status"] != "open":
        raise NotFound("no such open conflict")
    bundle = local_bundle(sts, room_id)
    records = records_of(bundle)
    key = conflict["key"]
    presence = is_presence(key)
    if is_duplicate(key):  # the record not kept goes, as removing it here does: its removal travels
        dropped = conflict["local" if keep == "remote" else "remote"]
        _remove(records, presence_key(key.split(":")[1], dropped["id"]),
                "keep the other record instead, or correct the IMO number of one of them")
    elif conflict["rule"]:
        if keep == "remote":
            _reopen(records, conflict, user)
    elif presence:
        if conflict[keep].get("state") == "removed":
            _remove(records, key, "keep it (the value 'kept'), and correct it if need be")
    elif keep == "remote":
        slot = slots_of(records).get(key)
        if slot is not None:
            slot.write(records, conflict["remote"])
    _store_records(sts, room_id, bundle, records)
    me = installation_id(sts.layout)
    states = state.catch_up(room_id, me, records)
    # a broken rule's decision travels as the checklist's sign-off fields, counted up here
    keys = [k for k in states if k.startswith(key.removesuffix("signoffs"))
            and (k.split(":")[2] in ("signoff", "reopenings"))] if conflict["rule"] else [key]
    for field_key in (k for k in keys if k in states):
        states[field_key] = FieldState(value=states[field_key]["value"],
                                       vv=bumped(merged(states[field_key]["vv"], conflict["remote_vv"]), me))
    if presence:  # the choice, one up on both sides' vectors: it settles the conflict there too
        states[key] = FieldState(value={"present": conflict[keep].get("state") != "removed"},
                                 vv=bumped(merged(conflict["local_vv"], conflict["remote_vv"]), me))
    state.store(room_id, states)
    for other in state.conflicts(room_id):
        if other["key"] == key:
            state.close(room_id, other["id"], "resolved", user.email, keep if other["id"] == conflict_id else None)
    shown = conflict["remote"] if keep == "remote" else conflict["local"]
    sts.rooms.log(room_id, user.email, "merge conflict resolved",
                  f"{conflict['label']}: kept the {'other installation' if keep == 'remote' else 'this installation'}"
                  f"'s value {describe(shown)}")
    found = state.conflict(room_id, conflict_id)
    assert found is not None
    return found


def _remove(records: dict[str, Any], key: str, instead: str) -> None:
    """Remove the record of a presence conflict, with its document slots and its transfer pairs' empty checklists
    (of a vessel) or its approval (of a party), as removing it here does.

    :raises Conflict: a vessel holding uploaded documents or checklists with entries, named (evidence is never
        removed); ``instead`` says what the admin may do; nothing changed.
    """
    _, table, record_id = key.split(":", 2)
    if table == "vessels" and record_id in records[table]:
        vessel = records[table][record_id]
        held = evidence_text(f"{vessel.get('name')} (IMO {vessel.get('imo')})", *evidence_of(records, record_id))
        if held:
            raise Conflict(f"{held}: they are evidence and stay in the room, so the vessel cannot be removed; "
                           f"{instead}")
    records[table].pop(record_id, None)
    for child, (parent, attr) in PARENTS.items():
        if parent == table:
            for rid in [r for r, c in records[child].items() if c.get(attr) == record_id and not c.get("versions")]:
                records[child].pop(rid)
    without_orphans(records)


def _reopen(records: dict[str, Any], conflict: ConflictRecord, user: User) -> None:
    """Set a checklist's sign-offs aside, as a re-opening does: the state the checklist rules allow."""
    checklist_id = conflict["key"].split(":")[1]
    checklist: ChecklistRecord | None = records["checklists"].get(checklist_id)
    if checklist is None or not checklist["signoffs"]:
        return
    checklist["reopenings"] = [*checklist["reopenings"], {"by": user.email, "at": now_iso(),
                                                           "reason": f"merge of room packs: {conflict['rule']}",
                                                           "signoffs": checklist["signoffs"]}]
    checklist["signoffs"] = []


__all__ = ["merge_pack", "resolve"]
