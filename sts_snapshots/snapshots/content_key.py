"""The content key that identifies a report model: any printed change gives a new key.

The key is the SHA-256 of the canonical JSON of everything the report body prints, the options,
and the template version. The original backend keyed on room id and time only and served stale
PDFs after a status change.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

# Part of every key: bump it when the report's layout changes, so cached bodies of the old layout are not reused.
TEMPLATE_VERSION = "4"  # 3: the operation window and the checklists section; 4: checklist rounds, on the cover too


def content_key(model: Mapping[str, object]) -> str:
    """SHA-256 of the canonical JSON of ``model`` (without its own ``content_key``).

    >>> a = content_key({"room": {"title": "A"}, "documents": [{"status": "approved"}]})
    >>> b = content_key({"documents": [{"status": "rejected"}], "room": {"title": "A"}})
    >>> a == b, len(a)
    (False, 64)
    """
    body = {k: v for k, v in model.items() if k != "content_key"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()
