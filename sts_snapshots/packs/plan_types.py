"""What a merge plan holds (:mod:`.merge_plan`): the merged records, the states, the conflicts and what came new."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..domain.sync_fields import FieldState, Records, VersionVector


@dataclass(frozen=True)
class PlannedConflict:
    key: str
    label: str
    local: dict[str, Any]
    remote: dict[str, Any]
    local_vv: VersionVector
    remote_vv: VersionVector
    rule: str = ""


@dataclass
class MergePlan:
    records: Records  # the merged records of the room
    states: dict[str, FieldState]  # this installation's field states after the merge
    conflicts: list[PlannedConflict] = field(default_factory=list)
    settled: list[str] = field(default_factory=list)  # keys whose open conflicts the other side's value settles
    taken: list[str] = field(default_factory=list)  # keys whose value came from the other side
    changes: list[dict[str, Any]] = field(default_factory=list)  # activity entries new here
    reads: list[dict[str, Any]] = field(default_factory=list)
    snapshots: list[dict[str, Any]] = field(default_factory=list)  # snapshot records new here
    new_versions: int = 0
    rules_broken: set[str] = field(default_factory=set)  # keys of the checklists whose merged state breaks a rule
