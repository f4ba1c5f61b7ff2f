"""ECharts options for the metrics page; kept apart so the page module only wires data to widgets."""

from __future__ import annotations

from typing import Any

from .metrics_data import Bins, Timeline, bin_labels

NAVY, BLUE, TEAL, RED, GREY = "#13315c", "#4f8fd1", "#2a9d8f", "#c62828", "#e6eaef"
BASE: dict[str, Any] = {
    "animation": False,
    "textStyle": {"fontFamily": "inherit", "color": "#34475b"},
    "grid": {"left": 44, "right": 16, "top": 40, "bottom": 36},
    "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
    "legend": {"top": 0, "right": 0, "itemWidth": 12, "itemHeight": 12},
}


def _axis(labels: list[str], every: int | str = "auto") -> dict[str, Any]:
    return {"type": "category", "data": labels, "axisTick": {"show": False},
            "axisLine": {"lineStyle": {"color": "#c8d0d9"}},
            "axisLabel": {"color": "#5b6b7c", "fontSize": 11, "interval": every}}


def _values(name: str = "") -> dict[str, Any]:
    return {"type": "value", "minInterval": 1, "name": name, "nameTextStyle": {"color": "#5b6b7c"},
            "splitLine": {"lineStyle": {"color": GREY}}, "axisLabel": {"color": "#5b6b7c", "fontSize": 11}}


def _bar(name: str, data: list[int], color: str) -> dict[str, Any]:
    return {"name": name, "type": "bar", "stack": "all", "data": data, "itemStyle": {"color": color},
            "barMaxWidth": 28, "emphasis": {"focus": "series"}}


def timeline_options(series: Timeline) -> dict[str, Any]:
    return {**BASE, "xAxis": _axis(series["labels"]), "yAxis": _values(),
            "series": [_bar("Rendered", series["rendered"], NAVY), _bar("From cache", series["cached"], TEAL),
                       _bar("Failed", series["failed"], RED)]}


def histogram_options(bins: Bins) -> dict[str, Any]:
    return {**BASE, "xAxis": _axis(bin_labels(), every=0), "yAxis": _values(),
            "series": [_bar("Rendered", bins["rendered"], NAVY), _bar("From cache", bins["cached"], TEAL)]}


def memory_options(used_mb: float, limit_mb: float) -> dict[str, Any]:
    """A gauge of the in-memory PDF cache against its limit."""
    top = max(limit_mb, used_mb, 1)
    share = used_mb / top
    color = RED if share > 0.9 else ("#d69e2e" if share > 0.7 else TEAL)
    return {"animation": False, "series": [{
        "type": "gauge", "min": 0, "max": round(top, 1), "startAngle": 210, "endAngle": -30, "radius": "92%",
        "center": ["50%", "58%"], "progress": {"show": True, "width": 16, "itemStyle": {"color": color}},
        "axisLine": {"lineStyle": {"width": 16, "color": [[1, GREY]]}}, "pointer": {"show": False},
        "axisTick": {"show": False}, "splitLine": {"show": False},
        "axisLabel": {"show": False},
        "detail": {"valueAnimation": False, "offsetCenter": [0, "5%"], "fontSize": 26, "fontWeight": 700,
                   "color": NAVY, "formatter": "{value} MB"},
        "title": {"offsetCenter": [0, "38%"], "fontSize": 13, "color": "#5b6b7c"},
        "data": [{"value": round(used_mb, 1), "name": f"of {limit_mb:g} MB limit"}],
    }]}
