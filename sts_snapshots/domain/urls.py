"""The REST API's prefix and the URLs the app records or hands out (one place for each)."""

from __future__ import annotations

API_PREFIX = "/api/v1"


def snapshot_download_url(room_id: str, snapshot_id: str) -> str:
    """Where a completed snapshot's PDF is downloaded (the record's ``file_url``).

    >>> snapshot_download_url("r1", "s1")
    '/api/v1/rooms/r1/snapshots/s1/download'
    """
    return f"{API_PREFIX}/rooms/{room_id}/snapshots/{snapshot_id}/download"
