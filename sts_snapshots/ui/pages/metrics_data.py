"""Pure helpers that turn raw generation records into chart series for the metrics page."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, TypedDict

from ...domain.time import parse_moment

# period (hours) -> (number of buckets, bucket width in minutes)
BUCKETS = {1: (12, 5), 24: (24, 60), 168: (28, 360)}
# upper bounds (ms) of the duration histogram's bins; the last bin is open
BINS = (250, 500, 1000, 2000, 5000, 10_000, 20_000, 60_000)


class Bins(TypedDict):
    """Completed generations per duration bin (see :data:`BINS`)."""

    cached: list[int]
    rendered: list[int]


class Timeline(TypedDict):
    """Generations per time bucket, and each bucket's start as the axis label."""

    labels: list[str]
    cached: list[int]
    rendered: list[int]
    failed: list[int]


def bin_labels() -> list[str]:
    """Readable names of the duration bins.

    >>> bin_labels()[:3], bin_labels()[-1]
    (['< 250 ms', '250–500 ms', '0.5–1 s'], '> 60 s')
    """
    def text(ms: int) -> str:
        return f"{ms} ms" if ms < 500 else f"{ms / 1000:g} s"

    labels = [f"< {text(BINS[0])}"]
    for low, high in itertools.pairwise(BINS):
        labels.append(f"{low}–{high} ms" if high < 1000 else f"{low / 1000:g}–{high / 1000:g} s")
    return [*labels, f"> {text(BINS[-1])}"]


def histogram(records: Sequence[Mapping[str, Any]]) -> Bins:
    """Completed generations per duration bin, cached and rendered apart.

    >>> h = histogram([{"duration_ms": 40, "was_cached": True}, {"duration_ms": 7300, "was_cached": False},
    ...                {"duration_ms": 90_000, "was_cached": False, "status": "failed"}])
    >>> h["cached"][0], h["rendered"][5], sum(h["rendered"])
    (1, 1, 1)
    """
    cached, rendered = [0] * (len(BINS) + 1), [0] * (len(BINS) + 1)
    for record in records:
        if record.get("status", "completed") != "completed":
            continue
        index = next((i for i, bound in enumerate(BINS) if record["duration_ms"] < bound), len(BINS))
        (cached if record.get("was_cached") else rendered)[index] += 1
    return Bins(cached=cached, rendered=rendered)


def timeline(records: Sequence[Mapping[str, Any]], hours: int, now: datetime) -> Timeline:
    """Generations per time bucket over the period ending ``now``: cached, rendered and failed.

    >>> from datetime import UTC
    >>> now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    >>> t = timeline([{"at": "2026-01-01T11:58:00+00:00", "was_cached": True},
    ...               {"at": "2026-01-01T11:01:00+00:00", "was_cached": False},
    ...               {"at": "2026-01-01T11:30:00+00:00", "status": "failed"}], 1, now)
    >>> len(t["labels"]), t["cached"][-1], t["rendered"][0], sum(t["failed"]), t["labels"][-1]
    (12, 1, 1, 1, '11:55')
    """
    count, minutes = BUCKETS.get(hours, BUCKETS[24])
    width = timedelta(minutes=minutes)
    start = now - count * width
    fmt = "%d %b %H:%M" if hours > 24 else "%H:%M"
    series = Timeline(labels=[(start + i * width).strftime(fmt) for i in range(count)],
                      cached=[0] * count, rendered=[0] * count, failed=[0] * count)
    for record in records:
        moment = parse_moment(record.get("at"))
        if moment is None or not start <= moment <= now:
            continue
        index = min(count - 1, int((moment - start) / width))
        if record.get("status", "completed") != "completed":
            series["failed"][index] += 1
        else:
            series["cached" if record.get("was_cached") else "rendered"][index] += 1
    return series
