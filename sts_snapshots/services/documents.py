"""Uploading document versions and reviewing them."""

from __future__ import annotations

import builtins
import hashlib
import mimetypes
from pathlib import Path
from typing import Any

from ..datadir.atomic import atomic_write_bytes
from ..domain.catalogue import BY_CODE
from ..domain.documents import version_record
from ..domain.ids import new_id
from ..domain.models import UPLOADER_ROLES, clean_text
from ..domain.readiness import effective_status, expiring_soon, shortfall
from ..domain.records import DocumentRecord, DocumentView, VersionRecord
from ..domain.text import clean_file_name, clean_mime
from ..domain.time import now_iso, parse_date
from ..domain.window import OperationWindow, shortfall_text
from .errors import Forbidden, Invalid, NotFound, StorageFailed
from .rooms import RoomService
from .users import User

REVIEW_STATUSES = ("approved", "rejected")


class DocumentService:
    def __init__(self, rooms: RoomService, files_dir: Path) -> None:
        self.rooms = rooms
        self.files_dir = files_dir

    def list(self, user: User, room_id: str, status: str | None = None) -> list[DocumentView]:
        self.rooms.room(user, room_id)
        docs = self.views_of(room_id)
        if status:
            docs = [d for d in docs if d["effective_status"] == status]
        return docs

    def view(self, record: DocumentRecord, window: OperationWindow | None = None) -> DocumentView:
        """The stored record plus derived fields (effective status, expiry flags through the room's operation
        window, type facts)."""
        if window is None:
            window = self._window(record["room_id"])
        today = window.today
        dtype = BY_CODE[record["type_code"]]
        status = effective_status(record, today)
        short = shortfall(record, window)
        return DocumentView(
            **record,
            type_name=dtype.name, category=dtype.category, required=dtype.required,
            criticality=dtype.criticality, has_expiry=dtype.has_expiry,
            effective_status=status, expired=status == "expired",
            expiring_soon=expiring_soon(record, window), expires_before_end=short > 0, shortfall_days=short,
            operation_note=shortfall_text(short, window.hours) if short else "",
            latest_version=record["versions"][-1] if record["versions"] else None,
        )

    def views_of(self, room_id: str) -> builtins.list[DocumentView]:
        """Every document of the room with its derived fields, without an access check (the caller made it)."""
        window = self._window(room_id)
        return [self.view(d, window) for d in self.rooms.documents_of(room_id)]

    def _window(self, room_id: str) -> OperationWindow:
        room = self.rooms.get(room_id)
        return self.rooms.window(room) if room else OperationWindow(self.rooms.today(), None)

    def upload(self, user: User, room_id: str, doc_id: str, file_name: str, data: bytes,
               mime: str | None = None) -> DocumentView:
        self.rooms.room(user, room_id)
        party = self.rooms.member_party(user, room_id)
        if not user.is_admin and (party is None or party["role"] not in UPLOADER_ROLES):
            raise Forbidden("your role in this room may not upload documents")
        doc = self.rooms.document(room_id, doc_id)
        if not data:
            raise Invalid("file: the uploaded file is empty")
        name = clean_file_name(file_name or "")
        file_id = new_id()
        try:
            atomic_write_bytes(self.files_dir / file_id, data)
        except OSError as exc:
            raise StorageFailed(f"could not store the file: {exc.strerror or exc}") from exc
        version = version_record(
            file_id=file_id, file_name=name, sha256=hashlib.sha256(data).hexdigest(), size=len(data),
            mime=clean_mime(mime) or mimetypes.guess_type(name)[0] or "application/octet-stream",
            uploaded_by=user.email, number=len(doc.versions) + 1)
        record = self.rooms.update_document(doc_id, {"versions": [*doc.versions, version], "status": "under_review",
                                                     "reviewed_by": None, "reviewed_at": None}, room_id)
        self.rooms.log(room_id, user.email, "document uploaded", f"{doc.type.name} v{version['number']} ({name})")
        return self.view(record)

    def review(self, user: User, room_id: str, doc_id: str, changes: dict[str, Any]) -> DocumentView:
        self.rooms.room(user, room_id)
        doc = self.rooms.document(room_id, doc_id)
        unknown = set(changes) - {"status", "notes", "expires_on"}
        if unknown:
            raise Invalid(f"unknown field(s): {', '.join(sorted(unknown))}")
        if not self.rooms.can_review(user, room_id):
            raise Forbidden("your role in this room may not review documents")
        update: dict[str, Any] = {}
        if changes.get("status") is not None:
            status = changes["status"]
            if status not in REVIEW_STATUSES:
                raise Invalid("status must be approved or rejected")
            if status == "approved" and not doc.versions:
                raise Invalid("status: a document with no uploaded file cannot be approved")
            update |= {"status": status, "reviewed_by": user.email, "reviewed_at": now_iso()}
        if changes.get("notes") is not None:
            try:
                update["notes"] = clean_text(changes["notes"], "notes", max_len=4000)
            except ValueError as exc:
                raise Invalid(str(exc)) from None
        if "expires_on" in changes:
            try:
                update["expires_on"] = parse_date(changes["expires_on"]).isoformat() if changes["expires_on"] else None
            except ValueError as exc:
                raise Invalid(f"expires_on: {exc}") from None
        if not update:
            raise Invalid("nothing to change: give status, notes or expires_on")
        record = self.rooms.update_document(doc_id, update, room_id)
        details = ", ".join(f"{k}={v}" for k, v in update.items() if k in changes)
        self.rooms.log(room_id, user.email, "document reviewed", f"{doc.type.name}: {details}")
        return self.view(record)

    def latest_file(self, user: User, room_id: str, doc_id: str) -> tuple[Path, VersionRecord]:
        self.rooms.room(user, room_id)
        doc = self.rooms.document(room_id, doc_id)
        if not doc.latest:
            raise NotFound("this document has no uploaded file")
        path = self.files_dir / doc.latest["file_id"]
        if not path.is_file():
            raise NotFound("the stored file is missing")
        return path, doc.latest
