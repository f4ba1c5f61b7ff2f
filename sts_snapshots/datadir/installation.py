"""This installation's id (``installation.id``): made once, the origin named in the activity chains it writes."""

from __future__ import annotations

import os
import uuid

from .atomic import atomic_write_bytes
from .layout import DataLayout


def installation_id(layout: DataLayout) -> str:
    """The id, made at the first call; two processes starting at once agree (the first link wins)."""
    path = layout.installation_id_file
    try:
        found = path.read_text().strip()
        if found:
            return found
    except FileNotFoundError:
        pass
    candidate = path.parent / f".installation.{uuid.uuid4().hex}.tmp"  # beside it: a link cannot cross file systems
    atomic_write_bytes(candidate, uuid.uuid4().hex.encode())
    try:
        os.link(candidate, path)  # fails when another process made it first: then its id is the one
    except FileExistsError:
        pass
    finally:
        candidate.unlink(missing_ok=True)
    return path.read_text().strip()
