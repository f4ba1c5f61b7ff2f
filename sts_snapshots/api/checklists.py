"""``/api/v1/rooms/{room_id}/checklists``: the room's checklists, answering items, signing off, re-opening, the next
round of a repeated checklist; and the installed template sets (``/api/v1/checklist-sets``, admins)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path
from pydantic import Field

from ..domain.checklists import ChecklistView
from ..domain.ids import ID_PATTERN
from ..services.checklist_book import SetSummary
from ..services.checklists import RoomChecklists
from .deps import AdminUser, CurrentUser, RoomId, Sts
from .schemas import Body

router = APIRouter(prefix="/rooms/{room_id}/checklists", tags=["checklists"])
sets = APIRouter(prefix="/checklist-sets", tags=["checklists"])
ChecklistId = Annotated[str, Path(pattern=ID_PATTERN, description="checklist id")]
ItemId = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,15}$", description="item id, e.g. 2.3")]


class ItemAnswer(Body):
    answer: str | float | None = Field(description="yes / no / n/a, a number or text as the item's kind asks; "
                                                   "null clears it")
    remarks: str | None = Field(None, max_length=1000, description="free text; omitted keeps the remarks")


class SignOff(Body):
    side: Literal["mother", "daughter", "poac"]
    name: str = Field(min_length=1, max_length=200, description="the person in charge who signs")
    rank: str = Field(min_length=1, max_length=200, description="their rank, e.g. Master or Chief Officer")


class Reopen(Body):
    reason: str = Field(min_length=1, max_length=1000)


class SetChoice(Body):
    set_id: str = Field(min_length=1, max_length=64)
    version: int | None = Field(None, ge=1)


@router.get("")
def list_checklists(sts: Sts, user: CurrentUser, room_id: RoomId) -> RoomChecklists:
    return sts.checklists.list(user, room_id)


@router.put("/set")
def attach_set(sts: Sts, user: CurrentUser, room_id: RoomId, body: SetChoice) -> RoomChecklists:
    return sts.checklists.attach_set(user, room_id, body.set_id, body.version)


@router.put("/{checklist_id}/items/{item_id}")
def answer(sts: Sts, user: CurrentUser, room_id: RoomId, checklist_id: ChecklistId, item_id: ItemId,
           body: ItemAnswer) -> ChecklistView:
    return sts.checklists.answer(user, room_id, checklist_id, item_id, body.answer, body.remarks)


@router.post("/{checklist_id}/signoffs", status_code=201)
def sign_off(sts: Sts, user: CurrentUser, room_id: RoomId, checklist_id: ChecklistId, body: SignOff) -> ChecklistView:
    return sts.checklists.sign_off(user, room_id, checklist_id, body.side, body.name, body.rank)


@router.post("/{checklist_id}/reopen")
def reopen(sts: Sts, user: CurrentUser, room_id: RoomId, checklist_id: ChecklistId, body: Reopen) -> ChecklistView:
    return sts.checklists.reopen(user, room_id, checklist_id, body.reason)


@router.post("/{checklist_id}/rounds", status_code=201)
def start_round(sts: Sts, user: CurrentUser, room_id: RoomId, checklist_id: ChecklistId) -> ChecklistView:
    """Start the next round of a repeated checklist (any round's id names it); 409 while its latest round is not
    signed off, or for a checklist that is not repeated."""
    return sts.checklists.start_round(user, room_id, checklist_id)


@sets.get("")
def installed_sets(sts: Sts, user: AdminUser) -> list[SetSummary]:
    return sts.checklists.book.installed()
