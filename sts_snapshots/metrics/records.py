"""The metric records, as they are buffered, stored in the hourly files and handed to listeners."""

from __future__ import annotations

from typing import Literal

# typing_extensions' TypedDict, as in domain/records.py: pydantic needs it before Python 3.12.
from typing_extensions import TypedDict


class GenerationMetric(TypedDict):
    """One snapshot generation (rendered, or served from the cache)."""

    kind: Literal["generation"]
    duration_ms: float
    was_cached: bool
    size: int
    pages: int
    room_id: str
    status: str
    id: str
    at: str  # ISO 8601 in UTC, to the microsecond


class RequestMetric(TypedDict):
    """One API request, by route template."""

    kind: Literal["request"]
    route: str
    method: str
    status_code: int
    duration_ms: float
    id: str
    at: str


Metric = GenerationMetric | RequestMetric
