"""``GET /metrics`` in the Prometheus text format, for sites that scrape the app with Prometheus/Grafana.

The path is shared with the admin dashboard page: a browser (``Accept: text/html``) gets the page, a scraper
or ``curl`` gets the exposition. Histograms are fed live from the metrics recorder; cache counters and task
counts are read at scrape time. Every app has its own registry (no process-global state).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, ProcessCollector, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from starlette.requests import Request

from .recorder import MetricsRecorder
from .records import Metric

PATH = "/metrics"
GENERATION_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120)
REQUEST_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5)


class _LiveState(Collector):
    """Cache counters and task counts, read from the app when Prometheus scrapes."""

    def __init__(self, cache_stats: Callable[[], Mapping[str, Any]], task_counts: Callable[[], dict[str, int]],
                 uptime_s: Callable[[], float]) -> None:
        self.cache_stats = cache_stats
        self.task_counts = task_counts
        self.uptime_s = uptime_s

    def collect(self) -> Iterator[Any]:
        stats = self.cache_stats()
        hits = CounterMetricFamily("sts_cache_hits", "PDF cache hits by layer", labels=["layer"])
        hits.add_metric(["memory"], stats["memory_hits"])
        hits.add_metric(["disk"], stats["disk_hits"])
        yield hits
        yield CounterMetricFamily("sts_cache_misses", "PDF cache misses", value=stats["misses"])
        yield CounterMetricFamily("sts_cache_evictions", "PDF cache evictions", value=stats["evictions"])
        used = GaugeMetricFamily("sts_cache_used_bytes", "PDF cache size by layer", labels=["layer"])
        used.add_metric(["memory"], stats["memory_used_mb"] * 1024 * 1024)
        used.add_metric(["disk"], stats["disk_used_mb"] * 1024 * 1024)
        yield used
        tasks = GaugeMetricFamily("sts_tasks", "Snapshot generation tasks by status", labels=["status"])
        for status, count in sorted(self.task_counts().items()):
            tasks.add_metric([status], count)
        yield tasks
        yield GaugeMetricFamily("sts_uptime_seconds", "Seconds since the app started", value=self.uptime_s())


class PrometheusExporter:
    """One app's registry: histograms fed with ``recorder``'s records as they are made, and the live state."""

    def __init__(self, recorder: MetricsRecorder, *, cache_stats: Callable[[], Mapping[str, Any]],
                 task_counts: Callable[[], dict[str, int]], uptime_s: Callable[[], float]) -> None:
        self.registry = CollectorRegistry()
        self.generation = Histogram("sts_pdf_generation_seconds", "Snapshot generation time (create to stored)",
                                    ["cached", "status"], buckets=GENERATION_BUCKETS, registry=self.registry)
        self.requests = Histogram("sts_api_request_seconds", "API request latency by route template",
                                  ["route", "method"], buckets=REQUEST_BUCKETS, registry=self.registry)
        self.responses = Counter("sts_api_responses", "API responses by route template and status code",
                                 ["route", "method", "status_code"], registry=self.registry)
        self.registry.register(_LiveState(cache_stats, task_counts, uptime_s))
        ProcessCollector(registry=self.registry)  # process_resident_memory_bytes, CPU seconds, open fds
        recorder.listeners.append(self.observe)

    def observe(self, record: Metric) -> None:
        if record["kind"] == "generation":
            self.generation.labels(str(record["was_cached"]).lower(), record["status"]).observe(
                record["duration_ms"] / 1000)
        elif record["kind"] == "request":
            labels = (record["route"], record["method"])
            self.requests.labels(*labels).observe(record["duration_ms"] / 1000)
            self.responses.labels(*labels, str(record["status_code"])).inc()

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


def wants_page(request: Request) -> bool:
    """A browser navigating to /metrics wants the dashboard; anything else gets the exposition.

    >>> from starlette.requests import Request
    >>> wants_page(Request({"type": "http", "headers": [(b"accept", b"text/html,application/xhtml+xml")]}))
    True
    >>> wants_page(Request({"type": "http", "headers": [(b"accept", b"text/plain;version=0.0.4;q=0.3,*/*")]}))
    False
    """
    return "text/html" in request.headers.get("accept", "")
