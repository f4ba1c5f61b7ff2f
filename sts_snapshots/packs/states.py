"""This installation's field states of a room (:class:`~sts_snapshots.services.sync_state.SyncState`), as packs
carry and merges read them."""

from __future__ import annotations

from ..context import StsApp
from ..datadir.installation import installation_id
from ..domain.room_bundle import RoomBundle
from ..domain.sync_fields import FieldState
from ..services.sync_state import SyncState
from .merge_plan import records_of


def sync_state(sts: StsApp) -> SyncState:
    return SyncState(sts.stores.rooms)


def caught_up(sts: StsApp, room_id: str, bundle: RoomBundle) -> dict[str, FieldState]:
    """The room's field states with this installation's changes since they were last seen counted in."""
    return sync_state(sts).catch_up(room_id, installation_id(sts.layout), records_of(bundle))


def adopt_states(sts: StsApp, bundle: RoomBundle) -> None:
    """A room new here from a pack: its field states are the exporter's (a pack from before merging has none:
    the next catch-up starts them)."""
    if bundle.sync is not None:
        sync_state(sts).store(bundle.room_id, dict(bundle.sync))
