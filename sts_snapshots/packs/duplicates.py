"""Cross-record checks after a merge: both installations added a vessel with the same IMO number, or a party with
the same email, under different ids. Never two silent duplicates: each such pair is a conflict (a rule conflict,
as the checklist rules' are), both records kept until an admin keeps one; the other one is then removed, as
removing it by hand does, and that removal travels (:mod:`.removals`). When the other side's pack no longer holds
the pair, the conflict there settles."""

from __future__ import annotations

from typing import Any

from ..domain.sync_fields import Records
from .plan_types import PlannedConflict

RULE_IMO = "a vessel with this IMO number was added on both installations"
RULE_EMAIL = "a party with this email was added on both installations"
# table -> (the attribute that must be unique, the rule, what a person calls the record)
UNIQUE = {"vessels": ("imo", RULE_IMO, "vessel IMO"), "parties": ("email", RULE_EMAIL, "party")}


def duplicate_key(table: str, value: str) -> str:
    """The conflict key of a pair of records with one unique value.

    >>> duplicate_key("parties", "Ana@Example.com")
    'duplicate:parties:ana@example.com'
    """
    return f"duplicate:{table}:{value.strip().lower()}"


def is_duplicate(key: str) -> bool:
    return key.startswith("duplicate:")


def _shown(table: str, record: dict[str, Any]) -> dict[str, Any]:
    return {"id": record["id"], "name": record.get("name"),
            **({"imo": record.get("imo")} if table == "vessels" else {"email": record.get("email")})}


def duplicate_conflicts(local: Records, merged_records: Records) -> tuple[list[PlannedConflict], set[str]]:
    """The conflicts to open: one per unique value held, in ``merged_records``, by a record of this installation (in
    ``local``) and one that came from the other side under another id; and the keys of every value still held
    twice (an open conflict of one of them stays open)."""
    found, held_twice = [], set()
    for table, (attr, rule, what) in UNIQUE.items():
        by_value: dict[str, list[dict[str, Any]]] = {}
        for _rid, record in sorted(merged_records.get(table, {}).items()):
            value = str(record.get(attr) or "").strip().lower()
            if value:
                by_value.setdefault(value, []).append(record)
        for value, records in by_value.items():
            if len(records) < 2:
                continue
            held_twice.add(duplicate_key(table, value))
            mine = [r for r in records if r["id"] in local.get(table, {})]
            new = [r for r in records if r["id"] not in local.get(table, {})]
            if mine and new:
                found.append(PlannedConflict(duplicate_key(table, value), f"{what} {new[0].get(attr)}: added twice",
                                             _shown(table, mine[0]), _shown(table, new[0]), {}, {}, rule))
    return found, held_twice
