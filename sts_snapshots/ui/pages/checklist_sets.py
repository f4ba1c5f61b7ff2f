"""``/checklist-sets``: the installed checklist template sets (administrators), newest version first."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import ui

from ...context import StsApp
from ..shell import session, theme, widgets


def register(sts: StsApp) -> None:
    @ui.page("/checklist-sets")
    async def checklist_sets_page(request: Request) -> RedirectResponse | None:
        me = await session.current_user(sts)
        if me is None:
            return session.to_login(request)
        with theme.frame(me, active="checklist-sets", title="Checklist sets"):
            if not widgets.admins_only(me, "Only administrators see the installed checklist sets."):
                return None
            ui.label("Checklist sets").classes("sts-h1")
            ui.label(f"New rooms get the newest version of {sts.settings.checklist_set!r} (setting checklist_set). "
                     "Import your organisation's own set with: sts-snapshots checklists import FILE") \
                .classes("sts-muted text-[14px]")
            with widgets.card("Installed", "checklist", marker="checklist-sets"):
                with ui.column().classes("w-full p-4 gap-3"):
                    for s in sts.checklists.book.installed():
                        with ui.column().classes("gap-0 border-b pb-2 w-full").mark(f"set-{s['key']}"):
                            sample = "  · SAMPLE" if s["sample"] else ""
                            ui.label(f"{s['title']} — {s['key']}{sample}").classes("font-semibold text-[15px]")
                            ui.label(f"{s['checklists']} checklists, {s['items']} items · installed "
                                     f"{s['installed_at'][:16].replace('T', ' ')} UTC by {s['installed_by']}") \
                                .classes("sts-muted text-[13px]")
                            if s["notice"]:
                                ui.label(s["notice"]).classes("text-[13px]")
        return None
