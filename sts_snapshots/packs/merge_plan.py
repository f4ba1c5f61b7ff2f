"""What merging a room pack into the room this installation has changes: a plan, computed without writing.

Per mergeable field (:mod:`..domain.sync_fields`), the version vectors decide: the other side's value when its
vector dominates, ours when ours dominates or they are equal; concurrent vectors with equal values merge, with
different values they are a conflict (ours stays in force, both are kept). Records one side has and the other
does not are added whole, unless it removed them (:mod:`.removals`); a document's versions are the union of both
sides' (content-addressed, append-only).
After that, the checklist rules are checked on the merged checklists: a state they forbid is a conflict too.
"""

from __future__ import annotations

import copy
from typing import Any

from ..domain.checklists import latest_rounds, round_title, state_of, unanswered_required
from ..domain.room_bundle import RoomBundle
from ..domain.sync_fields import TABLES, FieldState, Records, compare, merged, slots_of
from .derived import without_orphans
from .duplicates import duplicate_conflicts
from .plan_types import MergePlan, PlannedConflict
from .removals import plan_removals

RULE_ORDER = "signed off while an earlier checklist of its transfer is not"
RULE_REQUIRED = "signed off while a required item is unanswered"


def records_of(bundle: RoomBundle) -> Records:
    """The bundle's room records by table and id, as copies a plan may change."""
    rows: dict[str, list[Any]] = {"room": [bundle.room], "vessels": bundle.vessels, "parties": bundle.parties,
                                  "documents": bundle.documents, "approvals": bundle.approvals,
                                  "checklists": bundle.checklists}
    return {table: {r["id"]: copy.deepcopy(dict(r)) for r in rows[table]} for table in TABLES}


def changed_records(before: Records, after: Records) -> dict[str, list[dict[str, Any]]]:
    """The records of ``after`` new or different from ``before``, by table."""
    return {table: [r for rid, r in after[table].items() if before.get(table, {}).get(rid) != r]
            for table in TABLES}


def removed_records(before: Records, after: Records) -> dict[str, list[str]]:
    """The ids of the records of ``before`` that ``after`` no longer has, by table (a merge removed them)."""
    return {table: [rid for rid in before.get(table, {}) if rid not in after[table]] for table in TABLES[1:]}


def _versions(local: list[dict[str, Any]], remote: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    """Both sides' versions of a document (by file), oldest first, numbered again; and how many came new."""
    known = {v["file_id"] for v in local}
    added = [copy.deepcopy(v) for v in remote if v["file_id"] not in known]
    if not added:
        return local, 0
    union = sorted([*local, *added], key=lambda v: (v["uploaded_at"], v["file_id"]))
    return [{**v, "number": n} for n, v in enumerate(union, start=1)], len(added)


def plan_merge(local: RoomBundle, remote: RoomBundle, states: dict[str, FieldState]) -> MergePlan:
    """The merge of ``remote`` (with its field states) into ``local``, whose caught-up states are ``states``."""
    remote_states = remote.sync or {}
    remote_records = records_of(remote)
    out = records_of(local)
    plan = MergePlan(records=out, states=dict(states))
    stays_out = plan_removals(plan, out, remote_records, remote_states)
    for table in TABLES[1:]:
        for rid, record in remote_records[table].items():
            if rid not in out[table] and rid not in stays_out.get(table, ()):
                out[table][rid] = copy.deepcopy(record)
    without_orphans(out)  # what was a removed vessel's and is empty goes with it, as a removal by hand takes it
    for rid, doc in out["documents"].items():
        theirs = remote_records["documents"].get(rid)
        if theirs is not None:
            doc["versions"], added = _versions(doc["versions"], theirs["versions"])
            plan.new_versions += added
    slots, remote_slots = slots_of(out), slots_of(remote_records)
    for key, theirs_state in sorted(remote_states.items()):
        slot, remote_slot = slots.get(key), remote_slots.get(key)
        if slot is None or remote_slot is None:
            continue  # its record is gone on one side: nothing to set
        ours = plan.states.get(key)
        order = "before" if ours is None else compare(ours["vv"], theirs_state["vv"])
        if order == "before":
            slot.write(out, remote_slot.carry(remote_records))
            plan.states[key] = FieldState(value=theirs_state["value"], vv=dict(theirs_state["vv"]))
            plan.taken.append(key)
            plan.settled.append(key)
        elif order == "concurrent" and ours is not None:
            if ours["value"] == theirs_state["value"]:
                plan.states[key] = FieldState(value=ours["value"], vv=merged(ours["vv"], theirs_state["vv"]))
                plan.settled.append(key)
            else:  # ours stays in force, and its vector too: the other side sees the same conflict from ours
                plan.conflicts.append(PlannedConflict(key, slot.label, slot.carry(out),
                                                      remote_slot.carry(remote_records), ours["vv"],
                                                      theirs_state["vv"]))
    # only what the merge made: a state either side reached alone was allowed there (a re-opening is)
    broken = rule_conflicts(out)
    broken_there = {c.key for c in rule_conflicts(remote_records)}
    before = {c.key for c in rule_conflicts(records_of(local))} | broken_there
    plan.conflicts += [c for c in broken if c.key not in before]
    plan.rules_broken = {c.key for c in broken}
    twice, held_twice = duplicate_conflicts(records_of(local), out)  # the same IMO or email added on both sides
    plan.conflicts += twice
    plan.rules_broken |= held_twice
    # the other side has the state too, and its sign-offs came from there: decided there (an admin accepted it)
    plan.settled += [key for key in broken_there & plan.rules_broken
                     if any(t.startswith(key.removesuffix("signoffs") + "signoff:") for t in plan.taken)]
    known_changes = {e["id"] for e in local.changes}
    known_reads = {e["id"] for e in local.reads}
    plan.changes = [e for e in remote.changes if e["id"] not in known_changes]
    plan.reads = [e for e in remote.reads if e["id"] not in known_reads]
    known_snapshots = {s["id"] for s in local.snapshots}
    plan.snapshots = [dict(s) for s in remote.snapshots if s["id"] not in known_snapshots]
    return plan


def rule_conflicts(records: Records) -> list[PlannedConflict]:
    """The checklists' states the checklist rules forbid: signed off while an earlier checklist of the same transfer
    is not (one side re-opened it), or while a required item is unanswered (one side cleared it)."""
    found = []
    latest = latest_rounds(list(records["checklists"].values()))  # type: ignore[arg-type]
    for checklist in latest.values():
        if state_of(checklist) != "signed_off":
            continue
        earlier = sorted((c for c in latest.values() if c["mother_id"] == checklist["mother_id"]
                          and c["daughter_id"] == checklist["daughter_id"] and c["position"] < checklist["position"]
                          and state_of(c) != "signed_off"), key=lambda c: c["position"])
        rule = f"{RULE_ORDER} ({round_title(earlier[0])})" if earlier else \
            RULE_REQUIRED if unanswered_required(checklist) else ""
        if rule:
            # not a field's key: keeping "remote" re-opens the checklist (its sign-offs set aside), "local"
            # accepts it as signed
            found.append(PlannedConflict(f"checklist:{checklist['id']}:signoffs",
                                         f"{round_title(checklist)}: sign-offs", {"signoffs": checklist["signoffs"]},
                                         {"signoffs": []}, {}, {}, rule))
    return found
