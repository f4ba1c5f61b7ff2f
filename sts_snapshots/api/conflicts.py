"""``/api/v1/rooms/{room_id}/conflicts``: the merge conflicts a room pack left open (members see them, admins
resolve them: ``sts_snapshots.packs.merge``)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path
from pydantic import BaseModel

from ..domain.ids import ID_PATTERN
from ..packs.merge import resolve
from ..packs.states import sync_state
from ..services.sync_state import ConflictView, conflict_view
from .deps import AdminUser, CurrentUser, RoomId, Sts

router = APIRouter(prefix="/rooms", tags=["room packs"])
ConflictId = Annotated[str, Path(pattern=ID_PATTERN, description="conflict id")]


class Resolution(BaseModel):
    keep: Literal["local", "remote"]


@router.get("/{room_id}/conflicts")
def open_conflicts(sts: Sts, user: CurrentUser, room_id: RoomId) -> list[ConflictView]:
    """The room's open merge conflicts: the field, this installation's value (in force) and the other's."""
    sts.rooms.room(user, room_id)
    return [conflict_view(c) for c in sync_state(sts).conflicts(room_id)]


@router.post("/{room_id}/conflicts/{conflict_id}/resolve")
def resolve_conflict(sts: Sts, user: AdminUser, room_id: RoomId, conflict_id: ConflictId,
                     body: Resolution) -> dict[str, str | None]:
    """Keep this installation's value (``local``) or the other's (``remote``); the choice travels with the next
    pack."""
    sts.rooms.room(user, room_id)
    done = resolve(sts, user, room_id, conflict_id, body.keep)
    return {"id": done["id"], "status": done["status"], "kept": done["kept"]}
