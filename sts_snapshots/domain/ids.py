"""Record ids, the pattern every id in a path or file name must match, and a snapshot's task id."""

from __future__ import annotations

import re
import uuid

# Ids become URL path segments and file names: letters, digits, '_' and '-' only.
ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
ID = re.compile(ID_PATTERN)
TASK_PREFIX = "snapshot-"
TASK_ID_PATTERN = rf"^{TASK_PREFIX}[A-Za-z0-9_-]{{1,64}}$"
TASK_ID = re.compile(TASK_ID_PATTERN)


def new_id() -> str:
    return uuid.uuid4().hex


def is_id(value: str) -> bool:
    """Whether ``value`` is a usable record id.

    >>> is_id("3f2a9c"), is_id("../etc"), is_id("")
    (True, False, False)
    """
    return bool(ID.fullmatch(value))


def task_id_for(snapshot_id: str) -> str:
    """The id of the background task that generates a snapshot (the deployment guide's ``snapshot-<id>``).

    >>> task_id_for("ab12")
    'snapshot-ab12'
    """
    return f"{TASK_PREFIX}{snapshot_id}"
