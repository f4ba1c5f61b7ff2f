"""What belongs to a vessel, and goes with it when a merge removes it, as removing it by hand takes it
(:meth:`~sts_snapshots.services.rooms.RoomService.remove_vessel` and the checklist book's ``release_vessel``):
its document slots without an uploaded file, and the checklists of its transfer pairs nobody entered anything in.

What is evidence never goes with it: a document with uploaded versions, a checklist with an answer, a remark or a
sign-off. A vessel holding any is not removed by a merge (the removal is a conflict) nor by resolving one (refused,
naming them), as the removal by hand is refused.
"""

from __future__ import annotations

from typing import Any

from ..domain.catalogue import BY_CODE
from ..domain.checklists import has_entries, round_title
from ..domain.sync_fields import Records


def _of(checklist: dict[str, Any], vessel_id: str) -> bool:
    return vessel_id in (checklist.get("mother_id"), checklist.get("daughter_id"))


def document_name(doc: dict[str, Any]) -> str:
    """What a person calls a document slot: its type's name.

    >>> document_name({"type_code": "no-such-type"})
    'no-such-type'
    """
    found = BY_CODE.get(doc.get("type_code", ""))
    return found.name if found is not None else str(doc.get("type_code"))


def evidence_of(records: Records, vessel_id: str) -> tuple[list[str], list[str]]:
    """The names of the vessel's documents with uploaded versions, and of its transfer pairs' checklists with entries.

    >>> evidence_of({"documents": {}, "checklists": {}}, "v1")
    ([], [])
    """
    docs = [document_name(d) for d in records.get("documents", {}).values()
            if d.get("vessel_id") == vessel_id and d.get("versions")]
    lists = [round_title(c) for c in records.get("checklists", {}).values() if _of(c, vessel_id) and has_entries(c)]
    return list(dict.fromkeys(docs)), list(dict.fromkeys(lists))


def holds_evidence(records: Records, vessel_id: str) -> bool:
    docs, lists = evidence_of(records, vessel_id)
    return bool(docs or lists)


def evidence_text(name: str, docs: list[str], lists: list[str]) -> str:
    """Why ``name`` cannot go: what it holds, in one line (empty: nothing).

    >>> evidence_text("MT Spare", ["Q88"], [])
    'MT Spare holds uploaded documents (Q88)'
    """
    parts = ([f"uploaded documents ({', '.join(docs)})"] if docs else []) + \
        ([f"checklists with answers or sign-offs ({', '.join(lists)})"] if lists else [])
    return f"{name} holds {' and '.join(parts)}" if parts else ""


def without_orphans(records: Records) -> None:
    """Drop from ``records`` what belongs to a vessel they no longer hold and is empty: the document slots without
    versions and the checklists without entries of its pairs. What holds evidence stays."""
    vessels = set(records.get("vessels", {}))
    docs = records.get("documents", {})
    for rid in [r for r, d in docs.items() if d.get("vessel_id") and d["vessel_id"] not in vessels
                and not d.get("versions")]:
        docs.pop(rid)
    lists = records.get("checklists", {})
    for rid in [r for r, c in lists.items()
                if (c.get("mother_id") not in vessels or c.get("daughter_id") not in vessels) and not has_entries(c)]:
        lists.pop(rid)
