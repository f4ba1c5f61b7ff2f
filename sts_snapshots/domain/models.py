"""Records of the STS domain as plain dataclasses, with the rules for creating them."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, Self, TypeVar, cast

from .ids import new_id
from .imo import normalize_imo
from .records import ActivityRecord, ApprovalRecord, PartyRecord, RoomRecord, VesselRecord
from .text import text_problem
from .time import now_iso, parse_datetime
from .window import DEFAULT_PLANNED_HOURS, MAX_PLANNED_HOURS, planned_hours_of

R = TypeVar("R")

ROOM_STATUSES = ("draft", "docs_pending", "ready", "active", "completed", "cancelled")
DOCUMENT_STATUSES = ("missing", "under_review", "approved", "rejected")
EFFECTIVE_STATUSES = (*DOCUMENT_STATUSES, "expired")
APPROVAL_STATUSES = ("pending", "approved", "rejected")
VESSEL_ROLES = ("mother", "daughter")

PARTY_ROLES: dict[str, str] = {
    "mother_owner": "Mother vessel owner",
    "daughter_owner": "Daughter vessel owner",
    "sts_provider": "STS service provider",
    "mooring_master": "Mooring master (POAC)",
    "master": "Master",
    "charterer": "Charterer",
    "broker": "Broker",
    "terminal": "Terminal",
    "surveyor": "Surveyor",
    "viewer": "Viewer",
}
# Parties whose role lets them approve or reject documents (admins always can).
REVIEWER_ROLES = frozenset({"sts_provider", "mooring_master", "charterer", "terminal"})
# Viewers and surveyors read; everyone else may also upload documents.
UPLOADER_ROLES = frozenset(PARTY_ROLES) - {"viewer", "surveyor"}


def require(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


def clean_text(value: Any, name: str, *, max_len: int = 200, required: bool = False) -> str:
    text = "" if value is None else str(value).strip()
    problem = text_problem(text)
    require(problem is None, f"{name} contains {problem}")
    require(not required or bool(text), f"{name} is required")
    require(len(text) <= max_len, f"{name} is longer than {max_len} characters")
    return text


@dataclass
class Record(Generic[R]):
    """A record being made or changed, checked by its rules; ``to_record`` gives what the store holds."""

    def to_record(self) -> R:
        return cast(R, dataclasses.asdict(self))

    @classmethod
    def from_record(cls, data: Mapping[str, Any]) -> Self:
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass
class Room(Record[RoomRecord]):
    title: str
    location: str = ""
    sts_eta: str | None = None
    cargo_type: str = ""
    cargo_quantity: str = ""
    description: str = ""
    status: str = "draft"
    created_by: str = ""
    created_at: str = field(default_factory=now_iso)
    id: str = field(default_factory=new_id)
    planned_hours: int = DEFAULT_PLANNED_HOURS

    def __post_init__(self) -> None:
        require(isinstance(self.planned_hours, int) and not isinstance(self.planned_hours, bool)
                and 0 < self.planned_hours <= MAX_PLANNED_HOURS,
                f"planned_hours must be a whole number of hours from 1 to {MAX_PLANNED_HOURS}")
        self.title = clean_text(self.title, "title", required=True)
        self.location = clean_text(self.location, "location")
        self.cargo_type = clean_text(self.cargo_type, "cargo_type")
        self.cargo_quantity = clean_text(self.cargo_quantity, "cargo_quantity")
        self.description = clean_text(self.description, "description", max_len=4000)
        require(self.status in ROOM_STATUSES, f"status must be one of {', '.join(ROOM_STATUSES)}")
        if self.sts_eta:
            self.sts_eta = parse_datetime(self.sts_eta, "sts_eta").isoformat(timespec="minutes")


@dataclass
class Vessel(Record[VesselRecord]):
    room_id: str
    name: str
    imo: str
    role: Literal["mother", "daughter"]
    flag: str = ""
    vessel_type: str = "Oil tanker"
    dwt: int | None = None
    length_m: float | None = None
    id: str = field(default_factory=new_id)

    def __post_init__(self) -> None:
        self.name = clean_text(self.name, "name", required=True)
        self.imo = normalize_imo(self.imo)
        require(self.role in VESSEL_ROLES, "role must be mother or daughter")
        self.flag = clean_text(self.flag, "flag", max_len=60)
        self.vessel_type = clean_text(self.vessel_type, "vessel_type", max_len=60)
        require(self.dwt is None or 0 < int(self.dwt) < 1_000_000, "dwt must be between 1 and 999999")
        require(self.length_m is None or 0 < float(self.length_m) < 500, "length_m must be between 0 and 500")


@dataclass
class Party(Record[PartyRecord]):
    room_id: str
    role: str
    name: str
    company: str = ""
    email: str = ""
    vessel_id: str | None = None
    id: str = field(default_factory=new_id)

    def __post_init__(self) -> None:
        require(self.role in PARTY_ROLES, f"role must be one of {', '.join(PARTY_ROLES)}")
        self.name = clean_text(self.name, "name", required=True)
        self.company = clean_text(self.company, "company")
        self.email = normalize_email(self.email) if self.email else ""

    @property
    def role_label(self) -> str:
        return PARTY_ROLES[self.role]


@dataclass
class Approval(Record[ApprovalRecord]):
    room_id: str
    party_id: str
    status: str = "pending"
    comment: str = ""
    updated_at: str = field(default_factory=now_iso)
    updated_by: str = ""
    id: str = field(default_factory=new_id)

    def __post_init__(self) -> None:
        require(self.status in APPROVAL_STATUSES, f"status must be one of {', '.join(APPROVAL_STATUSES)}")
        self.comment = clean_text(self.comment, "comment", max_len=2000)


@dataclass
class Activity(Record[ActivityRecord]):
    room_id: str
    actor: str
    action: str
    details: str = ""
    at: str = field(default_factory=now_iso)
    id: str = field(default_factory=new_id)


def normalize_email(value: str) -> str:
    """Lower-cased email, or ValueError.

    >>> normalize_email(" Ingrid@Example.COM ")
    'ingrid@example.com'
    """
    text = str(value).strip().lower()
    local, _, domain = text.partition("@")
    valid = bool(local) and "." in domain and " " not in text and len(text) <= 254
    require(valid, f"{value!r} is not an email address")
    return text


def room_read(record: RoomRecord) -> RoomRecord:
    """A stored room as the app reads it: a room stored before ``planned_hours`` existed has the default.

    >>> room_read(cast(RoomRecord, {"id": "r"}))["planned_hours"]
    48
    """
    return cast(RoomRecord, {**record, "planned_hours": planned_hours_of(record)})


M = TypeVar("M", bound=Mapping[str, Any])


def newest_first(records: list[M], field: str) -> list[M]:
    """``records`` (in the order they were written) sorted newest first by the timestamp ``field``.

    Timestamps have one-second resolution, so records of the same second keep their write order, reversed.

    >>> rows = [{"id": "a", "at": "2026-01-01T10:00:00"}, {"id": "b", "at": "2026-01-01T10:00:00"},
    ...         {"id": "c", "at": "2026-01-01T09:59:59"}]
    >>> [r["id"] for r in newest_first(rows, "at")]
    ['b', 'a', 'c']
    """
    order = sorted(range(len(records)), key=lambda i: (records[i][field], i), reverse=True)
    return [records[i] for i in order]

