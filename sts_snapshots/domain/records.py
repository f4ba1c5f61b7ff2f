"""The stored records and the views built from them, as they cross from the stores to the API, UI and report.

They are the JSON the stores hold and the API answers, so they are TypedDicts: a record read from a store is
already one, with no conversion, and mypy checks every key a caller reads.
"""

from __future__ import annotations

from typing import Any, NotRequired

# typing_extensions' TypedDict: pydantic (the API's response models) needs it before Python 3.12.
from typing_extensions import TypedDict

from .window import WindowView


class RoomRecord(TypedDict):
    id: str
    title: str
    location: str
    sts_eta: str | None
    cargo_type: str
    cargo_quantity: str
    description: str
    status: str
    created_by: str
    created_at: str
    planned_hours: int  # the operation's planned duration; a room stored before it is read with the default


class VesselRecord(TypedDict):
    id: str
    room_id: str
    name: str
    imo: str
    role: str
    flag: str
    vessel_type: str
    dwt: int | None
    length_m: float | None


class PartyRecord(TypedDict):
    id: str
    room_id: str
    role: str
    name: str
    company: str
    email: str
    vessel_id: NotRequired[str | None]  # the vessel the party sails with or speaks for (a master), if linked


class ApprovalRecord(TypedDict):
    id: str
    room_id: str
    party_id: str
    status: str
    comment: str
    updated_at: str
    updated_by: str


class ActivityRecord(TypedDict):
    id: str
    room_id: str
    actor: str
    action: str
    details: str
    at: str


class VersionRecord(TypedDict):
    """One uploaded version of a document; the file is stored under ``file_id``, never under the user's name."""

    number: int
    file_id: str
    file_name: str
    sha256: str
    size: int
    mime: str
    uploaded_by: str
    uploaded_at: str


class DocumentRecord(TypedDict):
    id: str
    room_id: str
    type_code: str
    vessel_id: str | None
    status: str
    expires_on: str | None
    notes: str
    versions: list[VersionRecord]
    reviewed_by: str | None
    reviewed_at: str | None
    created_at: str


class DocumentView(DocumentRecord):
    """A document with what is derived from it today: type facts, effective status, expiry flags."""

    type_name: str
    category: str
    required: bool
    criticality: str
    has_expiry: bool
    effective_status: str
    expired: bool
    expiring_soon: bool
    expires_before_end: bool  # valid today, but not through the end of the operation window
    shortfall_days: int  # by how many whole days (0 when valid for the whole operation)
    operation_note: str  # that in words, as the room page and the report print it; empty when valid throughout
    latest_version: VersionRecord | None


class ReadinessCounts(TypedDict):
    required: int
    approved: int
    under_review: int
    missing: int
    rejected: int
    expired: int
    expiring_soon: int
    expires_before_end: int  # approved, but lapsing before the end of the operation window: not ready
    checklists_required: int  # checklists to be signed off before transfer (each checklist per transfer pair)
    checklists_signed: int
    ready: bool


class ReadinessView(ReadinessCounts):
    percent: int


class RoomView(RoomRecord):
    readiness: ReadinessView
    operation_window: WindowView


class RoomDetail(RoomView):
    vessels: list[VesselRecord]
    parties: list[PartyRecord]
    approvals: list[ApprovalRecord]


class SnapshotFields(TypedDict):
    """What a snapshot's record and its view share.

    ``include_documents``, ``include_activity`` and ``include_approvals`` are the requester's report options
    (a record from before the last two were offered lacks them: both were included).
    """

    id: str
    room_id: str
    title: str
    snapshot_type: str
    include_documents: bool
    include_activity: bool
    include_approvals: bool
    status: str
    task_id: str
    file_url: str | None
    file_size: int | None
    sha256: str | None
    pages: int | None
    created_by: str
    created_at: str
    completed_at: str | None
    error: str | None


class SnapshotView(SnapshotFields):
    """A snapshot as the API answers it and the pages show it; ``download_url`` is ``file_url`` again (the name
    the original backend's web client reads)."""

    download_url: str | None


class SnapshotRecord(SnapshotFields):
    """A snapshot as stored: also the content key of the report it holds and the most activity entries its
    report prints (the ``report_activity_limit`` when it was requested; missing in older records)."""

    content_key: str | None
    activity_limit: NotRequired[int]


class SnapshotPayload(TypedDict):
    snapshot_id: str
    room_id: str


class TaskResult(TypedDict, total=False):
    """What a completed snapshot task answers: the PDF's URL (``file_url``, and the same as ``download_url``),
    size, digest and pages, whether the body came from the cache (and which layer), its content key and the
    generation's duration. A task completed by recovery after a restart has only the file's facts."""

    file_url: str | None
    download_url: str | None
    file_size: int | None
    sha256: str | None
    pages: int | None
    unprintable_characters: list[str]
    was_cached: bool
    cache_layer: str | None
    content_key: str | None
    duration_ms: float


class _TaskFields(TypedDict):
    task_id: str
    task_type: str
    status: str
    progress: int
    created_at: str
    started_at: str | None
    completed_at: str | None
    error: str | None


class TaskView(_TaskFields):
    """A task as the API answers it (the deployment guide's task JSON)."""

    result: TaskResult | None


class TaskRecord(_TaskFields):
    id: str
    result: dict[str, Any] | None
    attempts: int
    payload: SnapshotPayload


class UserRecord(TypedDict):
    id: str
    email: str
    name: str
    role: str
    password_hash: str
    created_at: str
    uid: NotRequired[str]  # random, never reused: a re-added e-mail is another account to old tokens
    version: NotRequired[int]  # bumped by a password reset or role change: ends tokens and sessions
