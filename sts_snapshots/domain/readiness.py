"""Derived facts: a document's effective status, its validity for the operation window, and a room's readiness."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from .catalogue import BY_CODE
from .records import ReadinessView
from .time import stored_date
from .window import OperationWindow


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


def shortfall(doc: Mapping[str, Any], window: OperationWindow) -> int:
    """Whole days by which a document that is not expired lapses before the window's end (0: valid throughout)."""
    if effective_status(doc, window.today) == "expired":
        return 0
    return window.shortfall_days(stored_date(doc.get("expires_on")))


def expiring_soon(doc: Mapping[str, Any], window: OperationWindow) -> bool:
    """Valid for the whole operation, but expiring within the type's warning days (default 30) of the window's
    start (the ETA's date; today without an ETA).

    >>> w = OperationWindow(date(2026, 1, 1), None)
    >>> expiring_soon({"type_code": "Q88", "status": "approved", "expires_on": "2026-01-20"}, w)
    True
    >>> expiring_soon({"type_code": "Q88", "status": "approved", "expires_on": "2026-03-20"}, w)
    False
    """
    expires = stored_date(doc.get("expires_on"))
    if expires is None or effective_status(doc, window.today) == "expired" or shortfall(doc, window):
        return False
    dtype = BY_CODE.get(doc.get("type_code", ""))
    warning = dtype.warning_days if dtype else 30
    return expires <= window.start_date + timedelta(days=warning)


def readiness(documents: Iterable[Mapping[str, Any]], window: OperationWindow) -> ReadinessView:
    """Count required documents by effective status; ready when every required one is approved and valid through
    the end of the operation window (``expires_before_end`` counts the approved ones that are not).

    >>> docs = [{"type_code": "Q88", "status": "approved", "expires_on": None},
    ...         {"type_code": "CLC", "status": "approved", "expires_on": "2020-01-01"},
    ...         {"type_code": "CREW", "status": "missing", "expires_on": None}]
    >>> r = readiness(docs, OperationWindow(date(2026, 1, 1), None))
    >>> (r["required"], r["approved"], r["expired"], r["missing"], r["ready"], r["percent"])
    (3, 1, 1, 1, False, 33)
    """
    counts = {"approved": 0, "under_review": 0, "missing": 0, "rejected": 0, "expired": 0}
    required = soon = short = 0
    for doc in documents:
        dtype = BY_CODE.get(doc.get("type_code", ""))
        if dtype is not None and not dtype.required:
            continue
        required += 1
        status = effective_status(doc, window.today)
        counts[status] += 1
        soon += expiring_soon(doc, window)
        short += status == "approved" and shortfall(doc, window) > 0
    approved = counts["approved"]
    return ReadinessView(required=required, approved=approved, under_review=counts["under_review"],
                         missing=counts["missing"], rejected=counts["rejected"], expired=counts["expired"],
                         expiring_soon=soon, expires_before_end=short,
                         checklists_required=0, checklists_signed=0,
                         ready=required > 0 and approved == required and short == 0,
                         percent=round(100 * (approved - short) / required) if required else 0)


def with_checklists(view: ReadinessView, required: int, signed: int) -> ReadinessView:
    """``view`` with the checklists that must be signed off before transfer: ready only when all of them are."""
    return ReadinessView(**{**view, "checklists_required": required, "checklists_signed": signed,
                            "ready": view["ready"] and signed >= required})
