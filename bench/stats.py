"""Percentiles and formatting for the tables."""

from __future__ import annotations

import statistics


def pct(values: list[float], p: float) -> float:
    """Nearest-rank percentile (the app's own metrics use the same rule).

    >>> pct([1, 2, 3, 4], 50), pct([1, 2, 3, 4], 99), pct([], 50)
    (2, 4, 0.0)
    """
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, -(-p * len(ordered) // 100) - 1))
    return ordered[int(rank)]


def summary(values: list[float]) -> dict[str, float]:
    """count, p50, p95, p99, max and mean of ``values``."""
    return {"count": len(values), "p50": pct(values, 50), "p95": pct(values, 95), "p99": pct(values, 99),
            "max": max(values) if values else 0.0, "mean": statistics.fmean(values) if values else 0.0}


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def ms(seconds: float) -> str:
    """Seconds as a readable millisecond figure.

    >>> ms(0.0123), ms(1.5), ms(0.00042)
    ('12.3 ms', '1500 ms', '0.42 ms')
    """
    value = seconds * 1000
    if value >= 100:
        return f"{value:.0f} ms"
    if value >= 1:
        return f"{value:.1f} ms"
    return f"{value:.2f} ms"


def secs(seconds: float) -> str:
    """
    >>> secs(1.234), secs(0.25)
    ('1.23 s', '0.250 s')
    """
    return f"{seconds:.2f} s" if seconds >= 1 else f"{seconds:.3f} s"


def mib(kb: float) -> str:
    """
    >>> mib(204800)
    '200 MiB'
    """
    return f"{kb / 1024:.0f} MiB"


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"
