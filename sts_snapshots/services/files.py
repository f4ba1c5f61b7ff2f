"""The one way a stored file (a snapshot PDF, a document version) is sent: for the REST API and the pages alike."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.responses import FileResponse

from ..domain.records import SnapshotRecord, VersionRecord

# Only these may open inline in the browser; anything else (an uploaded HTML file, say) is always a download.
INLINE_SAFE = frozenset({"application/pdf", "image/png", "image/jpeg", "image/gif", "text/plain"})


def file_response(path: Path, *, media_type: str, filename: str, sha256: str, inline: bool = False) -> FileResponse:
    """``path`` as a download (or shown inline when asked and safe), never cached by a shared cache or sniffed."""
    disposition = "inline" if inline and media_type in INLINE_SAFE else "attachment"
    return FileResponse(path, media_type=media_type, filename=filename, content_disposition_type=disposition,
                        headers={"ETag": f'"{sha256}"', "Cache-Control": "private, no-store",
                                 "X-Content-Type-Options": "nosniff"})


def snapshot_file(path: Path, record: SnapshotRecord, *, inline: bool = False) -> FileResponse:
    return file_response(path, media_type="application/pdf", filename=safe_filename(record["title"]),
                         sha256=record["sha256"] or "", inline=inline)


def document_file(path: Path, version: VersionRecord, *, inline: bool = False) -> FileResponse:
    return file_response(path, media_type=version["mime"], filename=version["file_name"], sha256=version["sha256"],
                         inline=inline)


def safe_filename(title: str) -> str:
    """A file name from a title: letters, digits, dot, dash, underscore; ``.pdf`` at the end.

    >>> safe_filename("Room Status Snapshot - 2026-11-28 14:05")
    'Room_Status_Snapshot_-_2026-11-28_14-05.pdf'
    >>> safe_filename("../../etc/passwd")
    'etc_passwd.pdf'
    """
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", title.replace(":", "-")).strip("._") or "snapshot"
    return name[:120] + ".pdf"
