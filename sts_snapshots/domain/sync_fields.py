"""The mergeable fields of a room and their version vectors (issue 19: merging room packs).

Every field two installations may change apart has a key (``document:<id>:status``), a value (a small JSON
object of the record's attributes it covers) and a version vector ``{installation id: counter}``. A field's
*slot* says where its value lives in a room's records: the table, the record, a checklist's item, and which
attributes are its value (compared) and which go along with it (who and when, copied, never compared).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from typing_extensions import TypedDict

VersionVector = dict[str, int]
Order = Literal["equal", "before", "after", "concurrent"]

ROOM_ATTRS = ("title", "location", "sts_eta", "cargo_type", "cargo_quantity", "description", "status",
              "planned_hours")
VESSEL_ATTRS = ("name", "imo", "role", "flag", "vessel_type", "dwt", "length_m")
PARTY_ATTRS = ("role", "name", "company", "email", "vessel_id")
# (field name, the attributes compared, the attributes carried along)
DOCUMENT_FIELDS = (("status", ("status",), ()), ("expires_on", ("expires_on",), ()), ("notes", ("notes",), ()),
                   ("reviewer", ("reviewed_by",), ("reviewed_at",)))
TABLES = ("room", "vessels", "parties", "documents", "approvals", "checklists")
# a table -> the attribute no two of its records in a room may share (the key of a duplicate pair's conflict)
UNIQUE_ATTRS = {"vessels": "imo", "parties": "email"}


def duplicate_key(table: str, value: str) -> str:
    """The conflict key of a pair of records with one unique value.

    >>> duplicate_key("parties", "Ana@Example.com")
    'duplicate:parties:ana@example.com'
    """
    return f"duplicate:{table}:{value.strip().lower()}"


def is_duplicate(key: str) -> bool:
    return key.startswith("duplicate:")


def held_twice(records: Records) -> set[str]:
    """The duplicate keys of every unique value two of ``records``' records hold.

    >>> sorted(held_twice({"vessels": {"a": {"imo": "9412347"}, "b": {"imo": " 9412347"}, "c": {"imo": "1"}}}))
    ['duplicate:vessels:9412347']
    """
    found: set[str] = set()
    for table, attr in UNIQUE_ATTRS.items():
        seen: set[str] = set()
        for record in records.get(table, {}).values():
            value = str(record.get(attr) or "").strip().lower()
            if value and value in seen:
                found.add(duplicate_key(table, value))
            seen.add(value)
    return found


class FieldState(TypedDict):
    value: dict[str, Any]
    vv: VersionVector


@dataclass(frozen=True)
class Slot:
    """Where a field's value lives: ``table``'s record ``record_id`` (a checklist's item ``item_id``)."""

    table: str
    record_id: str
    attrs: tuple[str, ...]
    carried: tuple[str, ...] = ()
    item_id: str | None = None
    label: str = ""  # what a person calls the field
    side: str | None = None  # a checklist's sign-off by this side: its one entry of the checklist's ``signoffs``

    def holder(self, records: Records) -> dict[str, Any] | None:
        """The record (or checklist item) holding the field in ``records``, or None."""
        record = records.get(self.table, {}).get(self.record_id)
        if record is None or self.item_id is None:
            return record
        return next((i for i in record.get("items", []) if str(i.get("id")) == self.item_id), None)

    def read(self, records: Records) -> dict[str, Any] | None:
        holder = self.holder(records)
        if holder is None:
            return None
        if self.side is not None:
            return {"signoff": next((s for s in holder.get("signoffs", []) if s.get("side") == self.side), None)}
        return {a: holder.get(a) for a in self.attrs}

    def carry(self, records: Records) -> dict[str, Any]:
        if self.side is not None:
            return self.read(records) or {"signoff": None}
        holder = self.holder(records) or {}
        return {a: holder.get(a) for a in (*self.attrs, *self.carried)}

    def write(self, records: Records, values: dict[str, Any]) -> bool:
        """Set the field's attributes (and the carried ones given) in ``records``; False when its record is gone."""
        holder = self.holder(records)
        if holder is None:
            return False
        if self.side is not None:
            if "signoff" in values:
                order = list(holder.get("sign_off", []))
                kept = [s for s in holder.get("signoffs", []) if s.get("side") != self.side]
                signoffs = [*kept, *([values["signoff"]] if values["signoff"] else [])]
                holder["signoffs"] = sorted(signoffs, key=lambda s: order.index(s["side"]) if s["side"] in order
                                            else len(order))
            return True
        holder.update({a: values[a] for a in (*self.attrs, *self.carried) if a in values})
        return True


# table -> record id -> record (mutable copies); the room's own record under "room"
Records = dict[str, dict[str, dict[str, Any]]]


def compare(a: VersionVector, b: VersionVector) -> Order:
    """How version vector ``a`` stands to ``b``.

    >>> compare({"A": 1}, {"A": 1}), compare({"A": 1}, {"A": 2}), compare({"A": 2, "B": 1}, {"A": 2})
    ('equal', 'before', 'after')
    >>> compare({"A": 2}, {"B": 1})
    'concurrent'
    """
    keys = set(a) | set(b)
    less = any(a.get(k, 0) < b.get(k, 0) for k in keys)
    more = any(a.get(k, 0) > b.get(k, 0) for k in keys)
    return "concurrent" if less and more else "before" if less else "after" if more else "equal"


def merged(a: VersionVector, b: VersionVector) -> VersionVector:
    """The element-wise maximum of two version vectors.

    >>> merged({"A": 2, "B": 1}, {"B": 3})
    {'A': 2, 'B': 3}
    """
    return {k: max(a.get(k, 0), b.get(k, 0)) for k in sorted(set(a) | set(b))}


def bumped(vv: VersionVector, origin: str) -> VersionVector:
    """``vv`` with ``origin``'s counter one up.

    >>> bumped({"A": 1}, "B")
    {'A': 1, 'B': 1}
    """
    return {**vv, origin: vv.get(origin, 0) + 1}


def slots_of(records: Records) -> dict[str, Slot]:
    """Every mergeable field of the room in ``records``, by key."""
    found: dict[str, Slot] = {}
    for room_id in records.get("room", {}):
        for a in ROOM_ATTRS:
            found[f"room:{room_id}:{a}"] = Slot("room", room_id, (a,), label=f"room {a}")
    for vessel in records.get("vessels", {}).values():
        for a in VESSEL_ATTRS:
            found[f"vessel:{vessel['id']}:{a}"] = Slot("vessels", vessel["id"], (a,), label=f"{vessel['name']}: {a}")
    for party in records.get("parties", {}).values():
        for a in PARTY_ATTRS:
            found[f"party:{party['id']}:{a}"] = Slot("parties", party["id"], (a,), label=f"{party['name']}: {a}")
    for doc in records.get("documents", {}).values():
        for name, attrs, carried in DOCUMENT_FIELDS:
            found[f"document:{doc['id']}:{name}"] = Slot("documents", doc["id"], attrs, carried,
                                                         label=f"document {doc['type_code']}: {name}")
    for approval in records.get("approvals", {}).values():
        found[f"approval:{approval['id']}"] = Slot("approvals", approval["id"], ("status", "comment"),
                                                   ("updated_by", "updated_at"), label="approval")
    for checklist in records.get("checklists", {}).values():
        title = f"checklist {checklist.get('title', checklist['id'])} (round {checklist.get('round', 1)})"
        for item in checklist.get("items", []):
            found[f"checklist:{checklist['id']}:item:{item['id']}"] = Slot(
                "checklists", checklist["id"], ("answer", "remarks"), ("answered_by", "answered_at"),
                item_id=str(item["id"]), label=f"{title} item {item['id']}")
        # one field per side, so that the two ships signing apart merge; a re-opening clears them all
        for side in checklist.get("sign_off", []):
            found[f"checklist:{checklist['id']}:signoff:{side}"] = Slot(
                "checklists", checklist["id"], (), side=side, label=f"{title}: sign-off ({side})")
        found[f"checklist:{checklist['id']}:reopenings"] = Slot("checklists", checklist["id"], ("reopenings",),
                                                                label=f"{title}: re-openings")
    return found


def check_states(data: Any) -> dict[str, FieldState]:
    """``data`` (parsed JSON) as field states. :raises ValueError: it is not.

    >>> check_states({"room:r1:title": {"value": {"title": "A"}, "vv": {"A": 1}}})["room:r1:title"]["vv"]
    {'A': 1}
    """
    if not isinstance(data, dict):
        raise ValueError("sync is not an object")
    for key, state in data.items():
        if not isinstance(key, str) or not isinstance(state, dict) or not isinstance(state.get("value"), dict) \
                or not isinstance(state.get("vv"), dict) \
                or not all(isinstance(k, str) and isinstance(v, int) for k, v in state["vv"].items()):
            raise ValueError(f"sync field {str(key)[:60]!r} is not a value with its version vector")
    return data


def describe(value: dict[str, Any]) -> str:
    """A field's value as the room page, the activity and the cover show it.

    >>> describe({"status": "approved", "comment": ""})
    'status=approved, comment=—'
    >>> describe({"signoffs": [{"side": "mother"}]}), describe({"signoff": {"name": "Ana Ribeiro", "rank": "Master"}})
    ('signoffs=1 sign-off(s)', 'signoff=Ana Ribeiro, Master')
    """
    def one(name: str, item: Any) -> str:
        if isinstance(item, list):
            return f"{len(item)} sign-off(s)" if name == "signoffs" else f"{len(item)} entries"
        if isinstance(item, dict):
            return ", ".join(str(item[k]) for k in ("name", "rank", "at") if item.get(k))
        return "—" if item in (None, "") else str(item)
    shown = {k: v for k, v in value.items() if k not in ("reviewed_at", "answered_at", "updated_at", "answered_by",
                                                         "updated_by")}
    return ", ".join(f"{k}={one(k, v)}" for k, v in shown.items())
