"""``/api/v1/rooms``: rooms, parties, vessels, approvals and activity."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from ..domain.records import ActivityRecord, ApprovalRecord, PartyRecord, RoomDetail, RoomView, VesselRecord
from .deps import CurrentUser, PartyId, RoomId, Sts, VesselId
from .schemas import ApprovalSet, PartyCreate, RoomCreate, RoomUpdate, VesselCreate, VesselUpdate

router = APIRouter(prefix="/rooms", tags=["rooms"])


@router.get("")
def list_rooms(sts: Sts, user: CurrentUser) -> list[RoomView]:
    return sts.rooms.list_rooms(user)


@router.post("", status_code=201)
def create_room(sts: Sts, user: CurrentUser, body: RoomCreate) -> RoomDetail:
    fields = body.model_dump(exclude={"party_role"})
    room = sts.rooms.create_room(user, fields, party_role=body.party_role)
    return room_detail(sts, user, room["id"])


@router.get("/{room_id}")
def get_room(sts: Sts, user: CurrentUser, room_id: RoomId) -> RoomDetail:
    return room_detail(sts, user, room_id)


@router.patch("/{room_id}")
def update_room(sts: Sts, user: CurrentUser, room_id: RoomId, body: RoomUpdate) -> RoomDetail:
    sts.rooms.update_room(user, room_id, body.model_dump(exclude_unset=True))
    return room_detail(sts, user, room_id)


@router.post("/{room_id}/parties", status_code=201)
def add_party(sts: Sts, user: CurrentUser, room_id: RoomId, body: PartyCreate) -> PartyRecord:
    return sts.rooms.add_party(user, room_id, body.model_dump())


@router.delete("/{room_id}/parties/{party_id}", status_code=204)
def remove_party(sts: Sts, user: CurrentUser, room_id: RoomId, party_id: PartyId) -> Response:
    sts.rooms.remove_party(user, room_id, party_id)
    return Response(status_code=204)


@router.post("/{room_id}/vessels", status_code=201)
def add_vessel(sts: Sts, user: CurrentUser, room_id: RoomId, body: VesselCreate) -> VesselRecord:
    return sts.rooms.add_vessel(user, room_id, body.model_dump())


@router.patch("/{room_id}/vessels/{vessel_id}")
def update_vessel(sts: Sts, user: CurrentUser, room_id: RoomId, vessel_id: VesselId,
                  body: VesselUpdate) -> VesselRecord:
    """Correct a vessel; only the fields given change (``dwt`` and ``length_m`` may be set to null)."""
    return sts.rooms.update_vessel(user, room_id, vessel_id, body.model_dump(exclude_unset=True))


@router.delete("/{room_id}/vessels/{vessel_id}", status_code=204,
               responses={409: {"description": "the vessel's documents hold uploaded files"}})
def remove_vessel(sts: Sts, user: CurrentUser, room_id: RoomId, vessel_id: VesselId) -> Response:
    """Remove a vessel with its document slots; refused (409) while any of them holds an uploaded file."""
    sts.rooms.remove_vessel(user, room_id, vessel_id)
    return Response(status_code=204)


@router.put("/{room_id}/approvals/{party_id}")
def set_approval(sts: Sts, user: CurrentUser, room_id: RoomId, party_id: PartyId,
                 body: ApprovalSet) -> ApprovalRecord:
    return sts.rooms.set_approval(user, room_id, party_id, body.status, body.comment)


@router.get("/{room_id}/activity")
def activity(sts: Sts, user: CurrentUser, room_id: RoomId, limit: Annotated[int, Query(ge=1, le=500)] = 50,
             offset: Annotated[int, Query(ge=0)] = 0) -> list[ActivityRecord]:
    sts.rooms.room(user, room_id)
    return sts.rooms.activity_for(room_id, limit=limit, offset=offset)


def room_detail(sts: Any, user: Any, room_id: str) -> RoomDetail:
    return sts.rooms.detail(user, room_id)
