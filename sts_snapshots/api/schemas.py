"""Request bodies. Unknown fields are refused so a typo is a 422, not a silent no-op."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..domain.ids import ID_PATTERN
from ..domain.window import DEFAULT_PLANNED_HOURS, MAX_PLANNED_HOURS


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RoomCreate(Body):
    title: str = Field(min_length=1, max_length=200)
    location: str = Field("", max_length=200)
    sts_eta: str | None = Field(None, description="ISO 8601 date-time, e.g. 2026-12-03T06:00Z")
    cargo_type: str = Field("", max_length=200)
    cargo_quantity: str = Field("", max_length=200)
    description: str = Field("", max_length=4000)
    status: Literal["draft", "docs_pending", "ready", "active", "completed", "cancelled"] = "draft"
    planned_hours: int = Field(DEFAULT_PLANNED_HOURS, ge=1, le=MAX_PLANNED_HOURS, strict=True,
                               description="planned duration of the operation in hours, from the STS ETA")
    party_role: str = Field("sts_provider", description="the creator's role in the room")


class RoomUpdate(Body):
    title: str | None = Field(None, min_length=1, max_length=200)
    location: str | None = Field(None, max_length=200)
    sts_eta: str | None = None
    cargo_type: str | None = Field(None, max_length=200)
    cargo_quantity: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=4000)
    status: Literal["draft", "docs_pending", "ready", "active", "completed", "cancelled"] | None = None
    planned_hours: int | None = Field(None, ge=1, le=MAX_PLANNED_HOURS, strict=True)


class PartyCreate(Body):
    role: Literal["mother_owner", "daughter_owner", "sts_provider", "mooring_master", "master", "charterer",
                  "broker", "terminal", "surveyor", "viewer"]
    name: str = Field(min_length=1, max_length=200)
    company: str = Field("", max_length=200)
    email: str = Field("", max_length=254)
    vessel_id: str | None = Field(None, pattern=ID_PATTERN, description="the vessel the party sails with, if any")


class VesselCreate(Body):
    name: str = Field(min_length=1, max_length=200)
    imo: str = Field(min_length=7, max_length=12, description="7 digits with a valid check digit")
    role: Literal["mother", "daughter"]
    flag: str = Field("", max_length=60)
    vessel_type: str = Field("Oil tanker", max_length=60)
    dwt: int | None = Field(None, gt=0, lt=1_000_000)
    length_m: float | None = Field(None, gt=0, lt=500)


class VesselUpdate(Body):
    name: str | None = Field(None, min_length=1, max_length=200)
    imo: str | None = Field(None, min_length=7, max_length=12, description="7 digits with a valid check digit")
    role: Literal["mother", "daughter"] | None = None
    flag: str | None = Field(None, max_length=60)
    vessel_type: str | None = Field(None, max_length=60)
    dwt: int | None = Field(None, gt=0, lt=1_000_000)
    length_m: float | None = Field(None, gt=0, lt=500)


class DocumentReview(Body):
    status: Literal["approved", "rejected"] | None = None
    notes: str | None = Field(None, max_length=4000)
    expires_on: str | None = Field(None, description="YYYY-MM-DD, or null to clear")


class ApprovalSet(Body):
    status: Literal["pending", "approved", "rejected"]
    comment: str = Field("", max_length=2000)


class SnapshotCreate(Body):
    title: str | None = Field(None, max_length=200)
    snapshot_type: Literal["pdf"] = "pdf"
    include_documents: bool = False
    include_activity: bool = Field(True, description="print the room's activity log as the report's appendix")
    include_approvals: bool = Field(True, description="print the parties' approvals")
