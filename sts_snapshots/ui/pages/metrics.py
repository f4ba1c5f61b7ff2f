"""``/metrics`` (admins): KPIs, generation charts, cache use, API latency and a manual cleanup, refreshed live."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import ui

from ...context import StsApp
from ...domain.time import utcnow
from ...metrics.records import Metric
from ...signing import SigningSetupError, load_identity, load_signer
from ..shell import formatting, session, theme, threads, widgets
from . import metrics_charts, metrics_data

PERIODS = {1: "1 h", 24: "24 h", 168: "7 d"}
KPIS = (("generations", "Generations", "picture_as_pdf"), ("hit_rate", "Cache hit rate", "bolt"),
        ("p95", "p95 generation time", "timer"), ("api", "API p95 latency", "speed"),
        ("tasks", "Tasks", "pending_actions"))


@dataclass(frozen=True)
class MetricsData:
    # The summary is the JSON the metrics summary endpoint answers.
    summary: dict[str, Any]
    records: list[Metric]
    now: datetime


def load_metrics(sts: StsApp, hours: int) -> MetricsData:
    now = utcnow()
    records = sts.metrics.records(now - timedelta(hours=hours), kind="generation")
    return MetricsData(summary=sts.summary(hours), records=records, now=now)


def kpi_texts(summary: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """(value, detail) for each KPI card from a metrics summary."""
    gen, api, cache, tasks = (summary["pdf_generation"], summary["api_performance"], summary["cache"],
                              summary["tasks"])
    return {
        "generations": (str(gen["total_generations"]),
                        f"{gen['generated_count']} rendered · {gen['cached_count']} cached · "
                        f"{gen['failed_count']} failed"),
        "hit_rate": (f"{gen['cache_hit_rate_percent']:g}%",
                     f"{cache.get('memory_hits', 0)} memory · {cache.get('disk_hits', 0)} disk hits · "
                     f"{cache.get('misses', 0)} misses"),
        "p95": (formatting.duration(gen["duration_ms"]["p95"]) if gen["duration_ms"]["count"] else "—",
                f"median {formatting.duration(gen['duration_ms']['p50'])}" if gen["duration_ms"]["count"]
                else "no generations in this period"),
        "api": (formatting.duration(api["latency_ms"]["p95"]) if api["total_requests"] else "—",
                f"{api['total_requests']} request{'' if api['total_requests'] == 1 else 's'}"),
        "tasks": (f"{tasks.get('pending', 0)} / {tasks.get('running', 0)} / {tasks.get('failed', 0)}",
                  f"pending / running / failed · {tasks.get('completed', 0)} completed"),
    }


class MetricsView:
    def __init__(self, sts: StsApp) -> None:
        self.sts = sts
        self.hours = 1
        self.values: dict[str, tuple[ui.label, ui.label]] = {}
        with ui.row().classes("w-full items-end gap-4 sts-page-head"):
            with ui.column().classes("gap-1"):
                widgets.heading("Metrics")
                self.updated = ui.label("").classes("sts-muted").mark("metrics-updated")
            ui.space()
            ui.toggle(PERIODS, value=self.hours, on_change=lambda e: self.set_period(e.value)) \
                .props("no-caps unelevated toggle-color=primary color=white text-color=grey-9") \
                .classes("border border-[#dfe4ea] rounded-lg").mark("period")
        with ui.element("div").classes("grid grid-cols-1 sm:grid-cols-2 xl:grid-cols-5 gap-4 w-full"):
            for key, label, icon in KPIS:
                with ui.column().classes("sts-card sts-kpi gap-1 px-5 py-4").mark(f"kpi-{key}"):
                    with ui.row().classes("items-center gap-2 no-wrap"):
                        ui.icon(icon, size="18px").classes("text-[#1d5c96]")
                        ui.label(label).classes("sts-label")
                    value = ui.label("—").classes("sts-kpi-value")
                    detail = ui.label("").classes("sts-muted text-[13px]")
                    self.values[key] = (value, detail)
        with ui.element("div").classes("grid grid-cols-1 xl:grid-cols-3 gap-6 w-full"):
            with ui.element("div").classes("xl:col-span-2"), widgets.card("Generations over time", "bar_chart"):
                self.timeline = ui.echart({}).classes("w-full h-[300px] px-3 py-3").mark("chart-timeline")
            with widgets.card("PDF cache memory", "memory"):
                self.memory = ui.echart({}).classes("w-full h-[240px]").mark("chart-memory")
                self.cache_detail = ui.label("").classes("sts-muted text-[13px] px-5 pb-4")
            with ui.element("div").classes("xl:col-span-2"), widgets.card("Generation time", "timer"):
                self.histogram = ui.echart({}).classes("w-full h-[280px] px-3 py-3").mark("chart-histogram")
            self.maintenance()
        self.signing()
        with widgets.card("API routes", "api"):
            columns = [{"name": "route", "label": "Route", "field": "route", "align": "left"},
                       {"name": "count", "label": "Requests", "field": "count", "align": "right"},
                       {"name": "p50", "label": "p50", "field": "p50", "align": "right"},
                       {"name": "p95", "label": "p95", "field": "p95", "align": "right"}]
            self.routes = ui.table(columns=columns, rows=[], row_key="route").props("flat") \
                .classes("w-full sts-table").mark("api-routes")

    def maintenance(self) -> None:
        with widgets.card("Maintenance", "cleaning_services"):
            with ui.column().classes("sts-card-body gap-3"):
                s = self.sts.settings
                ui.label(f"Cleanup runs daily at {s.cleanup_hour:02d}:00. It removes finished tasks older than "
                         f"{s.task_retention_hours} h, cached PDFs older than {s.cache_retention_hours} h and "
                         f"metrics older than {s.metrics_retention_hours} h.").classes("text-[14px] text-[#34475b]")
                ui.button("Run cleanup now", icon="cleaning_services", on_click=self.cleanup) \
                    .props("outline no-caps color=primary").mark("run-cleanup")
                self.cleanup_result = ui.label("").classes("text-[14px] font-medium").mark("cleanup-result")

    def signing(self) -> None:
        """The certificate snapshots are signed with: what a recipient compares (``signing show`` prints the same)."""
        with widgets.card("Signing certificate", "verified"), ui.column().classes("sts-card-body gap-2") \
                .mark("signing-certificate"):
            config = self.sts.pipeline.signer
            if config is None:
                ui.label("Snapshots are not signed.").classes("text-[14px]")
                return
            try:
                signer = load_signer(config)
            except SigningSetupError as exc:
                ui.label(f"Signing is not set up: {exc}").classes("text-[14px] text-negative")
                return
            ui.label(f"Signed by: {signer.subject}").classes("text-[14px] font-medium")
            ui.label(f"Certificate SHA-256: {signer.fingerprint}").classes("text-[13px] break-all font-mono")
            if config.p12:
                ui.label(f"From the organisation's own PKCS#12 ({config.p12}).").classes("text-[13px] sts-muted")
                return
            identity = load_identity(self.sts.layout)
            current, ca = identity.current_info, identity.ca_info
            ui.label(f"Valid {current.not_before[:10]} to {current.not_after[:10]}; "
                     f"{len(identity.older)} older certificate(s) kept, so older snapshots still verify.") \
                .classes("text-[13px] sts-muted")
            ui.label(f"Installation CA: {ca.subject} — SHA-256 {ca.fingerprint}").classes("text-[13px] break-all")
            ui.label("A recipient trusts the CA once: sts-snapshots signing export FILE writes it.") \
                .classes("text-[13px] sts-muted")

    async def set_period(self, hours: int) -> None:
        self.hours = hours
        await self.refresh()

    async def refresh(self) -> None:
        data = await threads.io(load_metrics, self.sts, self.hours)
        summary, now = data.summary, data.now
        for key, (value, detail) in kpi_texts(summary).items():
            self.values[key][0].set_text(value)
            self.values[key][1].set_text(detail)
        self._chart(self.timeline, metrics_charts.timeline_options(
            metrics_data.timeline(data.records, self.hours, now)))
        self._chart(self.histogram, metrics_charts.histogram_options(metrics_data.histogram(data.records)))
        cache = summary["cache"]
        self._chart(self.memory, metrics_charts.memory_options(cache["memory_used_mb"], cache["memory_limit_mb"]))
        self.cache_detail.set_text(f"{cache['memory_entries']} in memory · {cache['disk_entries']} on disk "
                                   f"({cache['disk_used_mb']:g} MB) · {cache.get('evictions', 0)} evicted")
        routes = sorted(summary["api_performance"]["routes"].items(), key=lambda kv: -kv[1]["count"])[:10]
        self.routes.rows = [{"route": k, "count": v["count"], "p50": formatting.duration(v["p50"]),
                             "p95": formatting.duration(v["p95"])} for k, v in routes]
        self.updated.set_text(f"Last {PERIODS[self.hours]} · updated {now:%H:%M:%S} UTC · refreshes every 5 s")

    @staticmethod
    def _chart(chart: ui.echart, options: dict[str, Any]) -> None:
        chart.options.clear()
        chart.options.update(options)
        chart.update()

    async def cleanup(self) -> None:
        result = await threads.io(self.sts.cleanup)
        text = (f"Removed {result.tasks} finished task(s), {result.cache_entries} cached PDF(s) and "
                f"{result.metrics} metric record(s).")
        self.cleanup_result.set_text(text)
        widgets.notify_ok("Cleanup finished")
        await self.refresh()


def register(sts: StsApp) -> None:
    @ui.page("/metrics")
    async def metrics_page(request: Request) -> RedirectResponse | None:
        user = await session.current_user(sts)
        if user is None:
            return session.to_login(request)
        with theme.frame(user, active="metrics", title="Metrics"):
            if not widgets.admins_only(user, "The metrics dashboard is for administrators."):
                return None
            view = MetricsView(sts)
            await view.refresh()
            # only now: NiceGUI sends the page as soon as something (a timer) waits for the browser's connection
            ui.timer(5.0, view.refresh, immediate=False)
        return None
