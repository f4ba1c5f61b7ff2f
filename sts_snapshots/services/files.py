"""The one way a stored file (a snapshot PDF, a document version) is sent: for the REST API and the pages alike."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi.responses import FileResponse

from ..domain.records import SnapshotRecord, VersionRecord

# Only these may open inline in the browser; anything else (an uploaded HTML file, say) is always a download.
# letters NFKD does not take apart into a base letter and a mark
ASCII_LETTERS = {"Ø": "O", "ø": "o", "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe", "ß": "ss", "Đ": "D", "đ": "d",
                 "Ł": "L", "ł": "l", "Þ": "Th", "þ": "th", "—": "-", "–": "-"}
INLINE_SAFE = frozenset({"application/pdf", "image/png", "image/jpeg", "image/gif", "text/plain"})


def content_disposition(disposition: str, filename: str) -> str:
    """RFC 6266: an ASCII ``filename`` for old clients and the real name, letters and all, in ``filename*``.

    >>> print(content_disposition("attachment", "MT_Ørsted_2026-12-02.pdf"))
    attachment; filename="MT_Orsted_2026-12-02.pdf"; filename*=UTF-8''MT_%C3%98rsted_2026-12-02.pdf
    """
    fallback = ascii_name(filename).replace('"', "")
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def ascii_name(name: str) -> str:
    """The nearest ASCII spelling of a file name.

    >>> ascii_name("Ørsted São Paulo Æbelø ß.pdf")
    'Orsted Sao Paulo AEbelo ss.pdf'
    """
    spelled = "".join(ASCII_LETTERS.get(ch, ch) for ch in name)
    return unicodedata.normalize("NFKD", spelled).encode("ascii", "ignore").decode("ascii") or "download"


def file_response(path: Path, *, media_type: str, filename: str, sha256: str, inline: bool = False) -> FileResponse:
    """``path`` as a download (or shown inline when asked and safe), never cached by a shared cache or sniffed."""
    disposition = "inline" if inline and media_type in INLINE_SAFE else "attachment"
    return FileResponse(path, media_type=media_type,
                        headers={"ETag": f'"{sha256}"', "Cache-Control": "private, no-store",
                                 "X-Content-Type-Options": "nosniff",
                                 "Content-Disposition": content_disposition(disposition, filename)})


def snapshot_file(path: Path, record: SnapshotRecord, *, inline: bool = False, room_title: str = "") -> FileResponse:
    return file_response(path, media_type="application/pdf", filename=snapshot_filename(record, room_title),
                         sha256=record["sha256"] or "", inline=inline)


def document_file(path: Path, version: VersionRecord, *, inline: bool = False) -> FileResponse:
    return file_response(path, media_type=version["mime"], filename=version["file_name"], sha256=version["sha256"],
                         inline=inline)


def snapshot_filename(record: Mapping[str, Any], room_title: str = "") -> str:
    """The PDF's file name: the room, the snapshot's title and the day it was made (unless the title says it).

    >>> snapshot_filename({"title": "Before mooring", "created_at": "2026-12-02T06:00:00+00:00"},
    ...                   "Skaw STS — MT Nordic Ørsted / MT São Paulo Star")
    'Skaw_STS_MT_Nordic_Ørsted_MT_São_Paulo_Star_-_Before_mooring_-_2026-12-02.pdf'
    >>> snapshot_filename({"title": "Room Status Snapshot - 2026-11-28 14:05", "created_at": "2026-11-28T14:05Z"})
    'Room_Status_Snapshot_-_2026-11-28_14-05.pdf'
    """
    day = str(record.get("created_at") or "")[:10]
    title = str(record.get("title") or "snapshot")
    parts = [room_title, title] + ([day] if day and day not in title else [])
    return safe_filename(" - ".join(p for p in parts if p))


def safe_filename(title: str) -> str:
    """A file name from a title: letters (of any script), digits, dot, dash, underscore; ``.pdf`` at the end.

    >>> safe_filename("Room Status Snapshot - 2026-11-28 14:05")
    'Room_Status_Snapshot_-_2026-11-28_14-05.pdf'
    >>> safe_filename("../../etc/passwd"), safe_filename("MT Ørsted / São")
    ('etc_passwd.pdf', 'MT_Ørsted_São.pdf')
    """
    name = re.sub(r"[^\w.-]+", "_", title.replace(":", "-")).strip("._") or "snapshot"
    name = re.sub(r"_-_(?:_?-_)+", "_-_", re.sub(r"_+", "_", name))
    return name[:150] + ".pdf"
