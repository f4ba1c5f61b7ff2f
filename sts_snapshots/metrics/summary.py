"""The metrics summary of a period: the JSON of ``GET /api/v1/snapshots/metrics/summary`` and the admin page."""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from typing import Any

from typing_extensions import TypedDict

from ..domain.time import now_iso
from .records import Metric, RequestMetric


class Percentiles(TypedDict):
    count: int
    min: float
    max: float
    mean: float
    p50: float
    p95: float
    p99: float


class PdfGeneration(TypedDict):
    total_generations: int
    cached_count: int
    generated_count: int
    failed_count: int
    cache_hit_rate_percent: float
    duration_ms: Percentiles
    pages_total: int


class ApiPerformance(TypedDict):
    total_requests: int
    routes: dict[str, Percentiles]  # "GET /api/v1/rooms/{room_id}" -> its latencies
    by_status_code: dict[str, int]
    latency_ms: Percentiles


class MetricsSummary(TypedDict):
    timestamp: str
    period_hours: float
    pdf_generation: PdfGeneration
    api_performance: ApiPerformance
    cache: Mapping[str, Any]  # PdfCache.stats(), as it is
    tasks: dict[str, int]  # task counts by status, and pending_queue


def percentiles(values: list[float]) -> Percentiles:
    """count/min/max/mean/p50/p95/p99 (nearest-rank) of ``values``.

    >>> percentiles([10, 20, 30, 40])["p50"]
    20
    >>> percentiles([])["count"]
    0
    """
    if not values:
        return Percentiles(count=0, min=0, max=0, mean=0, p50=0, p95=0, p99=0)
    ordered = sorted(values)

    def rank(p: float) -> float:
        return ordered[max(0, min(len(ordered) - 1, int(-(-p * len(ordered) // 100)) - 1))]

    return Percentiles(count=len(ordered), min=ordered[0], max=ordered[-1], mean=round(statistics.fmean(ordered), 2),
                       p50=rank(50), p95=rank(95), p99=rank(99))


def summarize(records: list[Metric], hours: float, cache: Mapping[str, Any], tasks: dict[str, int]) -> MetricsSummary:
    """The summary of ``records`` (those of the last ``hours``), with the cache's stats and the task counts.

    A generation counts when it completed (one recorded without a status did); failed ones count only in
    ``failed_count``.
    """
    generations = [r for r in records if r["kind"] == "generation"]
    completed = [r for r in generations if r.get("status", "completed") == "completed"]
    cached = sum(1 for r in completed if r["was_cached"])
    return MetricsSummary(
        timestamp=now_iso(),
        period_hours=hours,
        pdf_generation=PdfGeneration(
            total_generations=len(completed), cached_count=cached, generated_count=len(completed) - cached,
            failed_count=sum(1 for r in generations if r.get("status") == "failed"),
            cache_hit_rate_percent=round(100 * cached / len(completed), 1) if completed else 0.0,
            duration_ms=percentiles([r["duration_ms"] for r in completed]),
            pages_total=sum(r["pages"] for r in completed),
        ),
        api_performance=api_performance([r for r in records if r["kind"] == "request"]),
        cache=cache,
        tasks={**tasks, "pending_queue": tasks.get("pending", 0)},
    )


def api_performance(requests: list[RequestMetric]) -> ApiPerformance:
    """Request count, latency percentiles overall and per route (sorted), and counts per status code."""
    by_route: dict[str, list[float]] = {}
    by_status_code: dict[str, int] = {}
    for r in requests:
        by_route.setdefault(f"{r['method']} {r['route']}", []).append(r["duration_ms"])
        code = str(r["status_code"])
        by_status_code[code] = by_status_code.get(code, 0) + 1
    latencies = [r["duration_ms"] for r in requests]
    routes = {key: percentiles(durations) for key, durations in sorted(by_route.items())}
    return ApiPerformance(total_requests=len(latencies), routes=routes, by_status_code=by_status_code,
                          latency_ms=percentiles(latencies))
