"""``sts-snapshots monitor``: the guide's ``monitor_system.sh`` as a live terminal view of a running server.

:func:`fetch` reads the health answer, the admin metrics summary and the Prometheus exposition (for the
server's memory); :func:`render` turns them into the lines of one frame.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Any

from prometheus_client.parser import text_string_to_metric_families

from ..domain.urls import API_PREFIX


class MonitorError(RuntimeError):
    """The server cannot be read; the message says why and what to do."""


def _get(url: str, token: str | None = None, timeout: float = 5) -> bytes:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    headers["Accept"] = "text/plain, application/json"
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=timeout) as response:
            return bytes(response.read())
    except urllib.error.HTTPError as exc:
        if exc.code == 401:
            raise MonitorError("the token was refused (401): get a fresh one with "
                               "'sts-snapshots token ADMIN_EMAIL'") from None
        if exc.code == 403:
            raise MonitorError("the metrics need an admin's token (403)") from None
        raise MonitorError(f"{url} answered {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise MonitorError(f"the server at {url} is not answering ({getattr(exc, 'reason', exc)})") from None


def fetch(base_url: str, token: str) -> dict[str, Any]:
    base = base_url.rstrip("/")
    health = json.loads(_get(f"{base}{API_PREFIX}/health"))
    summary = json.loads(_get(f"{base}{API_PREFIX}/snapshots/metrics/summary?hours=1", token))
    rss = None
    for family in text_string_to_metric_families(_get(f"{base}/metrics").decode()):
        if family.name == "process_resident_memory_bytes" and family.samples:
            rss = family.samples[0].value
    return {"health": health, "summary": summary, "rss_bytes": rss}


def render(data: dict[str, Any], base_url: str, now: str | None = None) -> list[str]:
    """The lines of one frame.

    >>> frame = render({"health": {"status": "ok", "version": "1", "uptime_s": 5, "disk_free_mb": 900},
    ...                 "summary": {"cache": {"hit_rate_percent": 50.0, "memory_used_mb": 1.5,
    ...                             "memory_limit_mb": 64, "disk_used_mb": 3}, "pdf_generation": {
    ...                             "total_generations": 4, "cached_count": 2, "duration_ms": {"p95": 900}},
    ...                             "tasks": {"pending": 1, "running": 1, "completed": 4}}, "rss_bytes": 2**27},
    ...                base_url="http://127.0.0.1:8000", now="2026-11-29 01:00:00")
    >>> frame[2], frame[3]
    ('Server         ok  (version 1, up 5 s)', 'Cache hit rate 50.0 %')
    """
    health, summary = data["health"], data["summary"]
    cache, gen, tasks = summary.get("cache", {}), summary.get("pdf_generation", {}), summary.get("tasks", {})
    rss = data.get("rss_bytes")
    counts = ", ".join(f"{k} {v}" for k, v in sorted(tasks.items()) if k != "pending_queue") or "none"
    return [
        f"STS Snapshots monitor — {base_url} — {now or time.strftime('%Y-%m-%d %H:%M:%S')}",
        "",
        f"Server         {health.get('status')}  (version {health.get('version')}, up {health.get('uptime_s')} s)",
        f"Cache hit rate {cache.get('hit_rate_percent', 0)} %",
        f"Cache memory   {cache.get('memory_used_mb', 0)} of {cache.get('memory_limit_mb', 0)} MB"
        f"  (disk {cache.get('disk_used_mb', 0)} MB)",
        f"Server memory  {round(rss / 2**20, 1) if rss else 'n/a'} MB resident",
        f"Generations    {gen.get('total_generations', 0)} in the last hour "
        f"({gen.get('cached_count', 0)} from cache, p95 {gen.get('duration_ms', {}).get('p95', 0)} ms)",
        f"Tasks          {counts}",
        f"Disk free      {health.get('disk_free_mb', 'n/a')} MB",
    ]
