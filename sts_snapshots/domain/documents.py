"""Documents of a room: one per required type per vessel or per operation, with versions."""

from __future__ import annotations

from dataclasses import dataclass, field

from .catalogue import BY_CODE, DocumentType, types_for
from .ids import new_id
from .models import DOCUMENT_STATUSES, Record, clean_text, require
from .records import DocumentRecord, VersionRecord
from .time import now_iso, parse_date


@dataclass
class Document(Record[DocumentRecord]):
    room_id: str
    type_code: str
    vessel_id: str | None = None
    status: str = "missing"
    expires_on: str | None = None
    notes: str = ""
    versions: list[VersionRecord] = field(default_factory=list)
    reviewed_by: str | None = None
    reviewed_at: str | None = None
    created_at: str = field(default_factory=now_iso)
    id: str = field(default_factory=new_id)

    def __post_init__(self) -> None:
        require(self.type_code in BY_CODE, f"unknown document type {self.type_code!r}")
        require(self.status in DOCUMENT_STATUSES, f"status must be one of {', '.join(DOCUMENT_STATUSES)}")
        self.notes = clean_text(self.notes, "notes", max_len=4000)
        if self.expires_on:
            self.expires_on = parse_date(self.expires_on).isoformat()

    @property
    def type(self) -> DocumentType:
        return BY_CODE[self.type_code]

    @property
    def latest(self) -> VersionRecord | None:
        return self.versions[-1] if self.versions else None


def documents_for_vessel(room_id: str, vessel_id: str) -> list[Document]:
    return [Document(room_id=room_id, type_code=t.code, vessel_id=vessel_id) for t in types_for("vessel")]


def documents_for_operation(room_id: str) -> list[Document]:
    return [Document(room_id=room_id, type_code=t.code) for t in types_for("operation")]


def version_record(*, file_id: str, file_name: str, sha256: str, size: int, mime: str, uploaded_by: str,
                   number: int) -> VersionRecord:
    """One uploaded version. The file is stored under ``file_id``, never under the user's file name."""
    return {
        "number": number, "file_id": file_id, "file_name": file_name[-200:], "sha256": sha256, "size": size,
        "mime": mime, "uploaded_by": uploaded_by, "uploaded_at": now_iso(),
    }
