"""Derived facts: a document's effective status and a room's readiness."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from .catalogue import BY_CODE
from .records import ReadinessView
from .time import stored_date


def effective_status(doc: Mapping[str, Any], today: date) -> str:
    """The stored status, except that a document past its expiry date is ``expired``.

    >>> effective_status({"status": "approved", "expires_on": "2020-01-01"}, date(2026, 1, 1))
    'expired'
    >>> effective_status({"status": "approved", "expires_on": "2026-01-01"}, date(2026, 1, 1))
    'approved'
    """
    expires = stored_date(doc.get("expires_on"))
    if expires is not None and expires < today:
        return "expired"
    return str(doc["status"])


def expiring_soon(doc: Mapping[str, Any], today: date) -> bool:
    """Not yet expired, but within the type's warning days (default 30).

    >>> expiring_soon({"type_code": "Q88", "status": "approved", "expires_on": "2026-01-20"}, date(2026, 1, 1))
    True
    >>> expiring_soon({"type_code": "Q88", "status": "approved", "expires_on": "2026-03-20"}, date(2026, 1, 1))
    False
    """
    expires = stored_date(doc.get("expires_on"))
    if expires is None:
        return False
    dtype = BY_CODE.get(doc.get("type_code", ""))
    warning = dtype.warning_days if dtype else 30
    return today <= expires <= today + timedelta(days=warning)


def readiness(documents: Iterable[Mapping[str, Any]], today: date) -> ReadinessView:
    """Count required documents by effective status; ready when every required one is approved.

    >>> docs = [{"type_code": "Q88", "status": "approved", "expires_on": None},
    ...         {"type_code": "CLC", "status": "approved", "expires_on": "2020-01-01"},
    ...         {"type_code": "CREW", "status": "missing", "expires_on": None}]
    >>> r = readiness(docs, date(2026, 1, 1))
    >>> (r["required"], r["approved"], r["expired"], r["missing"], r["ready"], r["percent"])
    (3, 1, 1, 1, False, 33)
    """
    counts = {"approved": 0, "under_review": 0, "missing": 0, "rejected": 0, "expired": 0}
    required = soon = 0
    for doc in documents:
        dtype = BY_CODE.get(doc.get("type_code", ""))
        if dtype is not None and not dtype.required:
            continue
        required += 1
        counts[effective_status(doc, today)] += 1
        soon += expiring_soon(doc, today) and effective_status(doc, today) != "expired"
    approved = counts["approved"]
    return ReadinessView(required=required, approved=approved, under_review=counts["under_review"],
                         missing=counts["missing"], rejected=counts["rejected"], expired=counts["expired"],
                         expiring_soon=soon, ready=required > 0 and approved == required,
                         percent=round(100 * approved / required) if required else 0)
