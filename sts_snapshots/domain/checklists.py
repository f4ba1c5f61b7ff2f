"""Checklists of a room: one per template checklist per mother–daughter pair, answered per item and signed off
per side, in the template's order. A repeatable checklist (the during-transfer checks) has a record per round:
round 1 comes with the pair, each next one is started once the one before it is signed off."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, cast

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
    """One round of one checklist of one transfer pair (a checklist that is not repeatable has only round 1).

    ``started_at`` and ``started_by`` say when and by whom the round was started (round 1: when the pair got its
    checklists). Records stored before rounds existed lack ``repeatable``, ``round``, ``started_at`` and
    ``started_by``: :func:`upgraded` reads them as round 1.
    """

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
    repeatable: bool
    repeat_every_hours: int | None
    sign_off: list[str]
    items: list[ItemRecord]
    signoffs: list[SignOffRecord]
    reopenings: list[ReopenRecord]
    created_at: str
    round: int
    started_at: str
    started_by: str


class ChecklistView(ChecklistRecord):
    """A round of a checklist with its derived state: ``open``, ``signing`` (some sides signed) or ``signed_off``.

    ``rounds`` counts the checklist's rounds so far and ``latest`` says whether this is the newest; ``next_round``
    is the number of the round that may be started now (the latest round of a repeatable checklist, signed off),
    else None.
    """

    state: str
    unanswered_required: int
    pair: str
    rounds: int
    latest: bool
    next_round: int | None


PairKey = tuple[str, str, int]  # (mother id, daughter id, position in the set): one checklist, all its rounds


def instantiate(room_id: str, template_set: ChecklistSet, mother_id: str, daughter_id: str,
                actor: str = "") -> list[ChecklistRecord]:
    """The set's checklists for one transfer pair (round 1 of each): copies, so that a later version of the set
    changes nothing."""
    return [_checklist(room_id, template_set, position, c, mother_id, daughter_id, actor)
            for position, c in enumerate(template_set["checklists"])]


def _checklist(room_id: str, template_set: ChecklistSet, position: int, c: ChecklistTemplate, mother_id: str,
               daughter_id: str, actor: str) -> ChecklistRecord:
    now = now_iso()
    return ChecklistRecord(
        id=new_id(), room_id=room_id, set_id=template_set["id"], set_version=template_set["version"],
        mother_id=mother_id, daughter_id=daughter_id, position=position, code=c["code"], title=c["title"],
        before_transfer=c["before_transfer"], repeatable=c["repeatable"],
        repeat_every_hours=c["repeat_every_hours"], sign_off=list(c["sign_off"]),
        items=[_blank(i) for i in c["items"]], signoffs=[], reopenings=[], created_at=now, round=1, started_at=now,
        started_by=actor)


def _blank(i: Mapping[str, Any]) -> ItemRecord:
    return ItemRecord(id=i["id"], text=i["text"], kind=i["kind"], required=i["required"], side=i["side"],
                      answer=None, remarks="", answered_by=None, answered_at=None)


def upgraded(row: Mapping[str, Any]) -> ChecklistRecord:
    """A stored checklist as this version reads it: one stored before rounds existed is round 1, started when it
    was created, and repeatable if its template repeated it.

    >>> old = {"id": "c1", "created_at": "2026-05-01T08:00:00+00:00", "repeat_every_hours": 4}
    >>> new = upgraded(old)
    >>> new["round"], new["started_at"], new["started_by"], new["repeatable"]
    (1, '2026-05-01T08:00:00+00:00', '', True)
    """
    defaults = {"repeatable": bool(row.get("repeat_every_hours")), "round": 1, "started_at": row["created_at"],
                "started_by": ""}
    return cast(ChecklistRecord, {**defaults, **row})


def next_round(latest: ChecklistRecord, actor: str) -> ChecklistRecord:
    """The round after ``latest``: the same checklist with its items unanswered, no sign-offs, started now."""
    now = now_iso()
    return ChecklistRecord(**{**latest, "id": new_id(), "items": [_blank(i) for i in latest["items"]],
                              "signoffs": [], "reopenings": [], "created_at": now, "round": latest["round"] + 1,
                              "started_at": now, "started_by": actor})


def key_of(checklist: Mapping[str, Any]) -> PairKey:
    return checklist["mother_id"], checklist["daughter_id"], checklist["position"]


def latest_rounds(checklists: list[ChecklistRecord]) -> dict[PairKey, ChecklistRecord]:
    """Each checklist's newest round: the one whose state is the checklist's (the order rule and readiness).

    >>> rows = [{"mother_id": "m", "daughter_id": "d", "position": 4, "round": n, "id": f"r{n}"} for n in (1, 3, 2)]
    >>> latest_rounds(rows)[("m", "d", 4)]["id"]  # type: ignore[arg-type]
    'r3'
    """
    latest: dict[PairKey, ChecklistRecord] = {}
    for c in checklists:
        key = key_of(c)
        if key not in latest or c["round"] > latest[key]["round"]:
            latest[key] = c
    return latest


def has_entries(checklist: Mapping[str, Any]) -> bool:
    """Whether anyone has entered something in this round: an answer, a remark, a sign-off, a re-opening; a round
    after the first was started by someone, so it counts too.

    >>> blank = {"items": [{"answer": None, "remarks": ""}], "signoffs": [], "reopenings": [], "round": 1}
    >>> has_entries(blank), has_entries({**blank, "items": [{"answer": None, "remarks": "fenders late"}]})
    (False, True)
    """
    return bool(checklist["signoffs"] or checklist["reopenings"] or checklist.get("round", 1) > 1
                or any(i["answer"] is not None or i["remarks"] for i in checklist["items"]))


def round_title(checklist: Mapping[str, Any]) -> str:
    """The checklist's title, with its round when it is repeated (activity entries, dialogs, the report).

    >>> round_title({"title": "During transfer", "repeatable": True, "round": 2})
    'During transfer, round 2'
    >>> round_title({"title": "Pre-arrival", "repeatable": False, "round": 1})
    'Pre-arrival'
    """
    return f"{checklist['title']}, round {checklist['round']}" if checklist["repeatable"] else checklist["title"]


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
