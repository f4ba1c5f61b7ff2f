"""A backup's ``MANIFEST.json``, read and checked before anything is unpacked.

The manifest comes from an archive anyone may have made, so every field is checked, and every problem is one
line naming what is wrong (the CLI prints it and changes nothing).
"""

from __future__ import annotations

import json
import re
import tarfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .backup import FORMAT, MANIFEST

FORMAT_VERSION = 1
MAX_MANIFEST_BYTES = 64 << 20  # ~400 000 files; a bigger one is not ours
_SHA256 = re.compile(r"[0-9a-f]{64}")


class RestoreError(RuntimeError):
    """The archive cannot be restored; the message (one line) says why. The data folder was not changed."""


@dataclass(frozen=True)
class ManifestEntry:
    path: str  # data-relative, normalised posix path
    size: int
    sha256: str


def printable(text: str, limit: int = 120) -> str:
    """``text`` safe to show on one line: control characters escaped, long values cut.

    >>> printable("db/rooms.json")
    'db/rooms.json'
    >>> printable("evil\\nname")
    "'evil\\\\nname'"
    """
    shown = text if text.isprintable() else repr(text)
    return shown if len(shown) <= limit else shown[:limit] + "…"


def check_relative(path: str) -> str | None:
    """Why ``path`` is not a safe data-relative file path, or None when it is.

    >>> check_relative("db/rooms.json") is None
    True
    >>> check_relative("../etc/passwd")
    'leads outside the data folder'
    >>> check_relative("db//rooms.json")
    'is not a normalised relative path'
    """
    if not path or "\\" in path or any(ord(c) < 32 or ord(c) == 127 for c in path):
        return "is empty or holds a control character or backslash"
    parts = PurePosixPath(path).parts
    if path.startswith("/") or ".." in parts:
        return "leads outside the data folder"
    if PurePosixPath(path).as_posix() != path or "." in path.split("/") or path.endswith("/"):
        return "is not a normalised relative path"
    return None


def _entry(index: int, raw: object) -> ManifestEntry:
    where = f"files[{index}]"
    if not isinstance(raw, dict):
        raise RestoreError(f"bad manifest: {where} is not an object")
    missing = [key for key in ("path", "size", "sha256") if key not in raw]
    if missing:
        raise RestoreError(f"bad manifest: {where} has no {missing[0]!r}")
    path, size, sha256 = raw["path"], raw["size"], raw["sha256"]
    if not isinstance(path, str):
        raise RestoreError(f"bad manifest: {where}.path is not a string")
    problem = check_relative(path)
    if problem:
        raise RestoreError(f"bad manifest: {where}.path {printable(path)} {problem}")
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise RestoreError(f"bad manifest: {where}.size of {printable(path)} is not a non-negative integer")
    if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
        raise RestoreError(f"bad manifest: {where}.sha256 of {printable(path)} is not a SHA-256 in hex")
    return ManifestEntry(path=path, size=size, sha256=sha256)


def parse_manifest(data: bytes) -> dict[str, ManifestEntry]:
    """The files a manifest lists, by data-relative path; RestoreError (one line) for any malformed manifest.

    >>> sorted(parse_manifest(b'{"format": "sts-snapshots-backup", "format_version": 1, "files": []}'))
    []
    >>> parse_manifest(b'[]')
    Traceback (most recent call last):
    ...
    sts_snapshots.ops.manifest.RestoreError: bad manifest: not a JSON object
    """
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise RestoreError(f"bad manifest: not JSON ({printable(str(exc))})") from None
    if not isinstance(manifest, dict):
        raise RestoreError("bad manifest: not a JSON object")
    if manifest.get("format") != FORMAT:
        raise RestoreError("not an STS Snapshots backup (unknown manifest format)")
    version = manifest.get("format_version")
    if version != FORMAT_VERSION or isinstance(version, bool):
        raise RestoreError(f"bad manifest: format_version {printable(repr(version))} is not {FORMAT_VERSION}")
    files = manifest.get("files")
    if not isinstance(files, list):
        raise RestoreError("bad manifest: 'files' is missing or not a list")
    entries: dict[str, ManifestEntry] = {}
    for index, raw in enumerate(files):
        entry = _entry(index, raw)
        if entry.path in entries:
            raise RestoreError(f"bad manifest: {printable(entry.path)} is listed twice")
        entries[entry.path] = entry
    return entries


def read_manifest(archive: Path) -> dict[str, ManifestEntry]:
    """The checked manifest of ``archive``; RestoreError when it is not a readable STS Snapshots backup."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            member = tar.getmember(MANIFEST)
            if not member.isfile():
                raise RestoreError(f"bad manifest: {MANIFEST} is not a regular file")
            if member.size > MAX_MANIFEST_BYTES:
                raise RestoreError(f"bad manifest: {MANIFEST} is {member.size} bytes, more than any backup writes")
            handle = tar.extractfile(member)
            data = handle.read(MAX_MANIFEST_BYTES + 1) if handle else b""
    except FileNotFoundError:
        raise RestoreError(f"no such file: {archive}") from None
    except KeyError:
        raise RestoreError(f"{archive} is not an STS Snapshots backup (it has no {MANIFEST})") from None
    except (tarfile.TarError, OSError, EOFError, ValueError) as exc:
        raise RestoreError(f"{archive} is damaged or not a .tar.gz backup ({printable(str(exc))})") from None
    return parse_manifest(data)
