"""Checklists of a room: one per template checklist per mother–daughter pair, answered per item and signed off
per side, in the template's order."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from typing_extensions import TypedDict

from .checklist_format import SIDE_LABELS, ChecklistSet, ChecklistTemplate
from .ids import new_id
from .models import clean_text, require
from .time import now_iso

YES_NO = {"yes": "yes", "no": "no"}
YES_NO_NA = {**YES_NO, "n/a": "n/a", "na": "n/a", "n-a": "n/a"}


class ItemRecord(TypedDict):
    id: str
    text: str
    kind: str
    required: bool
    side: str
    answer: str | None
    remarks: str
    answered_by: str | None
    answered_at: str | None


class SignOffRecord(TypedDict):
    """A side's signature: the person in charge (``name``, ``rank``) entered at signing, the account that signed
    (``by``, its party ``party_role``), when (``at``), and the POAC named in the room at the time."""

    side: str
    name: str
    rank: str
    by: str
    party_role: str
    at: str
    poac: str


class ReopenRecord(TypedDict):
    by: str
    at: str
    reason: str
    signoffs: list[SignOffRecord]  # the signatures the re-opening set aside


class ChecklistRecord(TypedDict):
    id: str
    room_id: str
    set_id: str
    set_version: int
    mother_id: str
    daughter_id: str
    position: int
    code: str
    title: str
    before_transfer: bool
    repeat_every_hours: int | None
    sign_off: list[str]
    items: list[ItemRecord]
    signoffs: list[SignOffRecord]
    reopenings: list[ReopenRecord]
    created_at: str


class ChecklistView(ChecklistRecord):
    """A checklist with its derived state: ``open``, ``signing`` (some sides signed) or ``signed_off``."""

    state: str
    unanswered_required: int
    pair: str


def instantiate(room_id: str, template_set: ChecklistSet, mother_id: str, daughter_id: str) -> list[ChecklistRecord]:
    """The set's checklists for one transfer pair: copies, so that a later version of the set changes nothing."""
    return [_checklist(room_id, template_set, position, c, mother_id, daughter_id)
            for position, c in enumerate(template_set["checklists"])]


def _checklist(room_id: str, template_set: ChecklistSet, position: int, c: ChecklistTemplate, mother_id: str,
               daughter_id: str) -> ChecklistRecord:
    return ChecklistRecord(
        id=new_id(), room_id=room_id, set_id=template_set["id"], set_version=template_set["version"],
        mother_id=mother_id, daughter_id=daughter_id, position=position, code=c["code"], title=c["title"],
        before_transfer=c["before_transfer"], repeat_every_hours=c["repeat_every_hours"], sign_off=list(c["sign_off"]),
        items=[ItemRecord(id=i["id"], text=i["text"], kind=i["kind"], required=i["required"], side=i["side"],
                          answer=None, remarks="", answered_by=None, answered_at=None) for i in c["items"]],
        signoffs=[], reopenings=[], created_at=now_iso())


def state_of(checklist: Mapping[str, Any]) -> str:
    """``signed_off`` when every side of ``sign_off`` has signed, ``signing`` when some have, else ``open``.

    >>> state_of({"sign_off": ["mother", "daughter"], "signoffs": [{"side": "mother"}]})
    'signing'
    """
    signed = {s["side"] for s in checklist["signoffs"]}
    if signed >= set(checklist["sign_off"]):
        return "signed_off"
    return "signing" if signed else "open"


def unanswered_required(checklist: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [i for i in checklist["items"] if i["required"] and i["answer"] is None]


def clean_answer(kind: str, value: Any) -> str:
    """An answer of ``kind`` as stored, or ValueError saying what is expected.

    >>> clean_answer("yes_no_na", "N/A"), clean_answer("number", "12.50"), clean_answer("number", 3)
    ('n/a', '12.5', '3')
    >>> clean_answer("yes_no", "n/a")
    Traceback (most recent call last):
    ...
    ValueError: answer must be yes or no
    """
    if kind in ("yes_no", "yes_no_na"):
        choices = YES_NO if kind == "yes_no" else YES_NO_NA
        answer = choices.get(str(value).strip().lower())
        require(answer is not None, "answer must be yes or no" if kind == "yes_no" else "answer must be yes, no or n/a")
        return str(answer)
    if kind == "number":
        try:
            number = float(str(value).strip()) if not isinstance(value, bool) else math.nan
        except ValueError:
            number = math.nan
        require(math.isfinite(number), "answer must be a number")
        return f"{number:g}" if abs(number) < 1e15 else str(number)
    return clean_text(value, "answer", max_len=500, required=True)


def side_label(side: str) -> str:
    return SIDE_LABELS.get(side, side)
