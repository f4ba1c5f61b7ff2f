"""What a merge does with records one side removed since the last exchange (their presence states, tombstones:
:mod:`sts_snapshots.services.sync_state`).

For a vessel, party, document or approval one side holds and the other removed, the removal's vector is compared
with everything the holding side has seen of the record: when the removal covers it, the record goes; when the
holder changed the record meanwhile (concurrent), it is a conflict, and the record stays on both sides (brought
back on the side that removed it) until a person chooses. A document holding uploaded versions is never removed
by a merge (versions are evidence, append-only): its removal is a conflict; so is a vessel's while either side
holds a checklist of its pairs with entries, or a document of its with versions (:mod:`.derived`). A vessel or
party kept by a conflict keeps its document slots and approval too, whatever their own removals say.
"""

from __future__ import annotations

import copy
from typing import Any, Literal

from ..domain.sync_fields import FieldState, Records, compare, merged
from ..services.sync_state import PARENTS, PRESENCE_TABLES, presence_key, present, record_vector
from .derived import holds_evidence
from .plan_types import MergePlan, PlannedConflict

Decision = Literal["remove", "keep", "conflict"]
KEPT, REMOVED = {"state": "kept"}, {"state": "removed"}


def label_of(table: str, record: dict[str, Any]) -> str:
    """What a person calls a record whose removal is in conflict.

    >>> label_of("vessels", {"name": "MT Alpha", "imo": "9000001"})
    'vessel MT Alpha (IMO 9000001): removed on one installation'
    """
    what = {"vessels": lambda r: f"vessel {r.get('name')} (IMO {r.get('imo')})",
            "parties": lambda r: f"party {r.get('name')} ({r.get('email') or r.get('role')})",
            "documents": lambda r: f"document {r.get('type_code')}",
            "approvals": lambda r: f"approval of party {r.get('party_id')}"}[table](record)
    return f"{what}: removed on one installation"


def plan_removals(plan: MergePlan, out: Records, remote: Records, remote_states: dict[str, FieldState]) \
        -> dict[str, set[str]]:
    """Decide every record one side removed; remove from ``out`` what goes, bring into it what a conflict keeps.

    :returns: by table, the ids of records of ``remote`` that stay out of ``out`` (removed here, and the removal
        stands).
    """
    decisions: dict[tuple[str, str], Decision] = {}
    before = dict(plan.states)
    for table in PRESENCE_TABLES:
        start = presence_key(table, "")
        keys = {k for k in (*plan.states, *remote_states) if k.startswith(start)}
        for key in sorted(keys):
            record_id = key[len(start):]
            decision = _decide(plan, out, remote, remote_states, table, record_id)
            if decision is not None:
                decisions[(table, record_id)] = decision
    for (table, record_id), decision in list(decisions.items()):
        holder = out[table].get(record_id) or remote[table].get(record_id)
        if table == "vessels" and decision == "remove" and holder is not None \
                and (holds_evidence(out, record_id) or holds_evidence(remote, record_id)):
            decisions[(table, record_id)] = "conflict"  # its checklists' entries or uploads are not removed by a merge
            _undo(plan, before, presence_key(table, record_id))
    for (table, record_id), decision in list(decisions.items()):
        parent = PARENTS.get(table)
        if decision == "conflict" and parent is not None:  # one conflict for a record and its children: the parent's
            record = out[table].get(record_id) or remote[table].get(record_id) or {}
            above = (parent[0], str(record.get(parent[1])))
            if decisions.get(above) == "remove":
                decisions[above] = "conflict"
                decisions[(table, record_id)] = "keep"
                _undo(plan, before, presence_key(*above))
    for (table, record_id), decision in list(decisions.items()):
        parent = PARENTS.get(table)
        if decision in ("remove", "conflict") and parent is not None:
            record = out[table].get(record_id) or remote[table].get(record_id) or {}
            if decisions.get((parent[0], str(record.get(parent[1])))) == "conflict":
                decisions[(table, record_id)] = "keep"  # its vessel or party stays until a person chooses
    for (table, record_id), decision in decisions.items():
        if decision == "conflict":
            plan.conflicts.append(_conflict(plan, out, remote, remote_states, table, record_id))
    stays_out: dict[str, set[str]] = {table: set() for table in PRESENCE_TABLES}
    for (table, record_id), decision in decisions.items():
        if decision == "remove":
            out[table].pop(record_id, None)
            stays_out[table].add(record_id)
        elif record_id not in out[table] and record_id in remote[table]:
            out[table][record_id] = copy.deepcopy(remote[table][record_id])  # kept: back here
    return stays_out


def _undo(plan: MergePlan, before: dict[str, FieldState], key: str) -> None:
    """Forget what :func:`_decide` set for ``key``: its removal became a conflict (a child of it is in one)."""
    if key in before:
        plan.states[key] = before[key]
    else:
        plan.states.pop(key, None)
    plan.taken[:] = [k for k in plan.taken if k != key]
    plan.settled[:] = [k for k in plan.settled if k != key]


def _decide(plan: MergePlan, out: Records, remote: Records, remote_states: dict[str, FieldState], table: str,
            record_id: str) -> Decision | None:
    """What becomes of one record, where a side removed it (None: neither did, the usual merge applies)."""
    key = presence_key(table, record_id)
    ours, theirs = plan.states.get(key), remote_states.get(key)
    if present(ours) is not False and present(theirs) is not False:
        if theirs is not None:  # both hold it: the presence merges
            vv = theirs["vv"] if ours is None else merged(ours["vv"], theirs["vv"])
            if ours is not None and compare(ours["vv"], theirs["vv"]) == "before":
                plan.settled.append(key)  # the other side kept it, by a person's choice: settled here too
            plan.states[key] = FieldState(value={"present": True}, vv=vv)
        return None
    if ours is not None and theirs is not None and present(ours) is False and present(theirs) is False:
        plan.states[key] = FieldState(value={"present": False}, vv=merged(ours["vv"], theirs["vv"]))
        plan.settled.append(key)
        return "remove"
    removed_here = present(ours) is False
    tombstone = (ours if removed_here else theirs)
    assert tombstone is not None
    holder_states = remote_states if removed_here else plan.states
    holder = (remote if removed_here else out)[table].get(record_id)
    if holder is None:  # removed on one side, absent on the other without a state of it: gone
        if not removed_here:
            plan.states[key] = FieldState(value={"present": False}, vv=dict(tombstone["vv"]))
        return "remove"
    order = compare(tombstone["vv"], record_vector(holder_states, table, record_id))
    if table == "documents" and holder.get("versions") and order != "before":
        order = "concurrent"  # uploaded versions are never removed by a merge
    if order in ("after", "equal"):
        if not removed_here:
            plan.states[key] = FieldState(value={"present": False}, vv=dict(tombstone["vv"]))
            plan.taken.append(key)
            plan.settled.append(key)
        return "remove"
    if order == "before":  # the holder brought it back after it saw the removal
        if removed_here:
            assert theirs is not None
            plan.states[key] = FieldState(value={"present": True}, vv=dict(theirs["vv"]))
            plan.taken.append(key)
            plan.settled.append(key)
        return "keep"
    return "conflict"


def _conflict(plan: MergePlan, out: Records, remote: Records, remote_states: dict[str, FieldState], table: str,
              record_id: str) -> PlannedConflict:
    """The conflict of a record removed on one side and kept (changed) on the other."""
    key = presence_key(table, record_id)
    ours, theirs = plan.states.get(key), remote_states.get(key)
    removed_here = present(ours) is False
    tombstone = ours if removed_here else theirs
    assert tombstone is not None
    holder_states = remote_states if removed_here else plan.states
    holder = (remote if removed_here else out)[table].get(record_id) or {}
    holder_vv = record_vector(holder_states, table, record_id)
    local, remote_value = (REMOVED, KEPT) if removed_here else (KEPT, REMOVED)
    local_vv, remote_vv = (tombstone["vv"], holder_vv) if removed_here else (holder_vv, tombstone["vv"])
    return PlannedConflict(key, label_of(table, holder), dict(local), dict(remote_value), dict(local_vv),
                           dict(remote_vv))
