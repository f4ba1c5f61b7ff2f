"""What people read for the app's codes: every status's label, and sizes in B/KB/MB."""

from __future__ import annotations

# Documents, approvals, rooms, snapshots and tasks share one table: a status reads the same everywhere
# (page chips, filters, the PDF).
STATUS_LABELS: dict[str, str] = {
    "approved": "Approved",
    "under_review": "Under review",
    "missing": "Missing",
    "rejected": "Rejected",
    "expired": "Expired",
    "expiring_soon": "Expiring soon",
    "expires_before_end": "Lapses early",
    "open": "Open",
    "signing": "Partly signed",
    "signed_off": "Signed off",
    "pending": "Pending",
    "running": "Running",
    "generating": "Generating",
    "completed": "Completed",
    "failed": "Failed",
    "cancelled": "Cancelled",
    "draft": "Draft",
    "docs_pending": "Documents pending",
    "ready": "Ready",
    "active": "Active",
}


def status_label(status: str) -> str:
    """The label of a status code; an unknown code reads as itself, spaced.

    >>> status_label("under_review"), status_label("on_hold")
    ('Under review', 'On hold')
    """
    return STATUS_LABELS.get(status) or status.replace("_", " ").capitalize()


def format_size(num_bytes: float | None) -> str:
    """A byte count in B, KB, MB or GB; ``—`` when unknown.

    >>> format_size(512), format_size(20_480), format_size(3_500_000), format_size(None)
    ('512 B', '20 KB', '3.3 MB', '—')
    """
    if num_bytes is None:
        return "—"
    if num_bytes < 1024:
        return f"{int(num_bytes)} B"
    if num_bytes < 1024**2:
        return f"{num_bytes / 1024:.0f} KB"
    if num_bytes < 1024**3:
        return f"{num_bytes / 1024**2:.1f} MB"
    return f"{num_bytes / 1024**3:.1f} GB"
