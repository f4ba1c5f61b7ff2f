"""Cross-record checks after a merge: two vessel records with the same IMO number, or two parties with the same
email, under different ids. Never two silent duplicates: each such pair in the merged room is a conflict (a rule
conflict, as the checklist rules' are), whether both sides added one, or each side changed one to the same value;
both records kept until an admin keeps one; the other one is then removed, as removing it by hand does, and that
removal travels (:mod:`.removals`). Every merge checks the merged room whole; a pair whose conflict is open already
is not opened again (:func:`~sts_snapshots.packs.merge.record_conflicts`). When the other side's pack no longer
holds the pair, the conflict there settles."""

from __future__ import annotations

from typing import Any

from ..domain.sync_fields import UNIQUE_ATTRS, Records, duplicate_key, is_duplicate
from .plan_types import PlannedConflict

RULE_IMO = "two vessels have this IMO number (added or changed on both installations)"
RULE_EMAIL = "two parties have this email (added on both installations)"
# table -> (the attribute that must be unique, the rule, what a person calls the record)
UNIQUE = {"vessels": (UNIQUE_ATTRS["vessels"], RULE_IMO, "vessel IMO"),
          "parties": (UNIQUE_ATTRS["parties"], RULE_EMAIL, "party")}
__all__ = ["UNIQUE", "duplicate_conflicts", "duplicate_key", "is_duplicate"]


def _shown(table: str, record: dict[str, Any]) -> dict[str, Any]:
    return {"id": record["id"], "name": record.get("name"),
            **({"imo": record.get("imo")} if table == "vessels" else {"email": record.get("email")})}


def _value(record: dict[str, Any] | None, attr: str) -> str:
    return str((record or {}).get(attr) or "").strip().lower()


def duplicate_conflicts(local: Records, merged_records: Records) -> tuple[list[PlannedConflict], set[str]]:
    """The conflicts to open: one per unique value held by two records of ``merged_records``, the one that held it
    here before the merge (in ``local``) as this installation's; and the keys of every value held twice (an open
    conflict of one of them stays open)."""
    found, held_twice = [], set()
    for table, (attr, rule, what) in UNIQUE.items():
        by_value: dict[str, list[dict[str, Any]]] = {}
        for _rid, record in sorted(merged_records.get(table, {}).items()):
            value = _value(record, attr)
            if value:
                by_value.setdefault(value, []).append(record)
        for value, records in by_value.items():
            if len(records) < 2:
                continue
            held_twice.add(duplicate_key(table, value))
            mine = [r for r in records if _value(local.get(table, {}).get(r["id"]), attr) == value] or \
                [r for r in records if r["id"] in local.get(table, {})] or records
            other = next(r for r in records if r["id"] != mine[0]["id"])
            found.append(PlannedConflict(duplicate_key(table, value), f"{what} {mine[0].get(attr)}: on two records",
                                         _shown(table, mine[0]), _shown(table, other), {}, {}, rule))
    return found, held_twice
