"""The room's checklists, per transfer pair in order: one tap answers an item, sign-off per side, admin re-open,
and the rounds of a repeated checklist (each its own panel; a party starts the next once the last is signed off).

Made for a tablet on deck: answer buttons are large, an item is answered by a single tap on its choice. The
checklist to work on now (a pair's first not signed off) is open; the others open on a tap, and stay as the user
left them when the section reloads after a change.
"""

from __future__ import annotations

from typing import Any

from nicegui import ui

from ...domain.checklist_format import SIDE_LABELS
from ...domain.checklists import ChecklistView, round_title
from ...services.checklists import RoomChecklists
from ..shell import widgets
from ..shell.island import Island
from ..shell.live import LiveSection
from .context import RoomContext

CHOICES = {"yes_no": ["yes", "no"], "yes_no_na": ["yes", "no", "n/a"]}
STATE_TEXT = {"open": "Open", "signing": "Partly signed", "signed_off": "Signed off"}
BIG = "min-h-[48px] min-w-[76px] text-[15px]"
# what a checklist change touches: this section, the readiness (checklists to sign before transfer) and the log;
# the documents and parties above are left alone, so the page does not shift under a finger on deck
CHANGED = ("checklists", "readiness", "activity")


def tag_of(c: ChecklistView) -> str:
    """The checklist's part of its elements' markers: its code, and the round after the first."""
    return c["code"] if c["round"] == 1 else f"{c['code']}-r{c['round']}"


def when(iso: str) -> str:
    """An ISO 8601 UTC time as the section prints it.

    >>> when("2026-12-03T06:05:09.120000+00:00")
    '2026-12-03 06:05 UTC'
    """
    return f"{iso[:16].replace('T', ' ')} UTC"


class ChecklistsSection:
    def __init__(self, ctx: RoomContext) -> None:
        self.ctx = ctx
        self.toggled: dict[str, bool] = {}  # checklist round id -> opened (True) or closed by the user
        self.current: set[str] = set()  # the checklists to work on now, as last built
        with widgets.card("Checklists", "checklist", marker="checklists"):
            self.live = LiveSection(lambda: ctx.sts.checklists.list(ctx.user, ctx.room_id), self.build,
                                    classes="p-4")
        ctx.on_change(self.live.reload, "checklists")

    async def reload(self) -> None:
        await self.live.reload()

    def build(self, data: RoomChecklists) -> None:
        if data["set"] is not None:
            sample = " — a SAMPLE set: import your organisation's own" if data["set"]["sample"] else ""
            with ui.row().classes("items-center gap-2"):
                ui.label(f"{data['set']['title']} (v{data['set']['version']}){sample}") \
                    .classes("sts-muted text-[13px]")
                if self.ctx.user.is_admin:
                    ui.button("Change set", icon="swap_horiz", on_click=lambda: self.set_dialog(data)) \
                        .props("flat no-caps").classes(BIG).mark("change-set")
        if not data["pairs"]:
            widgets.empty_state("checklist", "No checklists yet", "Add a mother and a daughter vessel first.")
        now = {next((c["id"] for c in pair["checklists"] if c["latest"] and c["state"] != "signed_off"), "")
               for pair in data["pairs"]}
        for newly in now - self.current:  # a checklist that has just become the one to work on opens
            self.toggled.pop(newly, None)
        self.current = now
        for pair in data["pairs"]:
            ui.label(f"Transfer {pair['label']}").classes("font-semibold text-[15px]")
            for checklist in pair["checklists"]:
                self.checklist(checklist, pair["your_sides"], data["poac"], checklist["id"] in now)
                if checklist["next_round"]:
                    self.next_round(checklist)

    def next_round(self, c: ChecklistView) -> None:
        """Under a repeated checklist whose latest round is signed off: start the next round."""
        every = f" Repeated every {c['repeat_every_hours']} h." if c["repeat_every_hours"] else ""
        with ui.row().classes("w-full items-center gap-3 pl-2").mark(f"rounds-{c['code']}"):
            ui.label(f"Round {c['round']} signed off.{every}").classes("sts-muted text-[13px]")
            ui.button(f"Start round {c['next_round']}", icon="replay", on_click=lambda: self.start_round(c)) \
                .props("unelevated no-caps").classes(BIG).mark(f"start-round-{c['code']}")

    async def start_round(self, c: ChecklistView) -> None:
        ok, started = await self.ctx.act(self.ctx.sts.checklists.start_round, c["id"])
        if ok and started is not None:
            self.toggled[started["id"]] = True
            await self.ctx.changed(*CHANGED)

    def checklist(self, c: ChecklistView, sides: list[str], poac: str, current: bool) -> None:
        """A checklist's panel; its items are built when it is first opened (most panels stay closed, and a room's
        checklists are a fifth of the room page's elements)."""
        open_items = f" · {c['unanswered_required']} required open" if c["unanswered_required"] else ""
        repeated = f" — Round {c['round']}" if c["repeatable"] else ""
        opened = self.toggled.get(c["id"], current)
        built = [opened]

        def toggle(value: Any) -> None:
            self.toggled[c["id"]] = bool(value)
            if value and not built[0] and not panel.is_deleted:
                built[0] = True
                with panel:
                    self.panel_content(c, sides, poac)

        # the state goes in the label, not a caption: Quasar names the header "Expand <label>", and a caption
        # outside that name is visible text the accessible name lacks (axe: label-content-name-mismatch);
        # an island: opening a panel re-renders that panel in the browser
        with Island(), ui.expansion(f"{c['position'] + 1}. {c['title']}{repeated} — {STATE_TEXT[c['state']]}"
                                    f"{open_items}", value=opened, on_value_change=lambda e: toggle(e.value)) \
                .classes("w-full border rounded-lg").mark(f"checklist-{tag_of(c)}") as panel:
            if opened:
                self.panel_content(c, sides, poac)

    def panel_content(self, c: ChecklistView, sides: list[str], poac: str) -> None:
        tag = tag_of(c)
        if c["repeatable"]:
            by = f" by {c['started_by']}" if c["started_by"] and c["round"] > 1 else ""
            ui.label(f"Round {c['round']} of {c['rounds']}, started {when(c['started_at'])}{by}") \
                .classes("sts-muted text-[13px]").mark(f"round-{tag}")
        locked = bool(c["signoffs"])
        for item in c["items"]:
            self.item(c, item, item["side"] in sides and not locked)
        for s in c["signoffs"]:
            ui.label(f"Signed for the {SIDE_LABELS.get(s['side'], s['side']).lower()}: {s['name']}, {s['rank']} "
                     f"— {when(s['at'])} ({s['party_role']})").classes("text-[13px]") \
                .mark(f"signoff-{tag}-{s['side']}")
        with ui.row().classes("gap-2 mt-2"):
            signed = {s["side"] for s in c["signoffs"]}
            for side in c["sign_off"]:
                if side in sides and side not in signed:
                    ui.button(f"Sign off: {SIDE_LABELS[side]}", icon="draw",
                              on_click=lambda side=side: self.sign_dialog(c, side, poac)) \
                        .props("unelevated no-caps").classes(BIG).mark(f"sign-{tag}-{side}")
            if self.ctx.user.is_admin and c["signoffs"]:
                ui.button("Re-open", icon="lock_open", on_click=lambda: self.reopen_dialog(c)) \
                    .props("outline no-caps color=negative").classes(BIG).mark(f"reopen-{tag}")

    def item(self, c: ChecklistView, item: Any, editable: bool) -> None:
        mark = f"{tag_of(c)}-{item['id']}"
        with ui.column().classes("w-full gap-1 py-2 border-b").mark(f"item-{mark}"):
            required = "" if item["required"] else " (optional)"
            ui.label(f"{item['id']}  {item['text']}{required}").classes("text-[15px]")
            ui.label(SIDE_LABELS.get(item["side"], item["side"])).classes("sts-muted text-[12px]")
            with ui.row().classes("gap-2 items-center"):
                if item["kind"] in CHOICES:
                    for choice in CHOICES[item["kind"]]:
                        self._choice(c, item, choice, item["answer"] == choice, editable, mark)
                else:
                    field = ui.input("Answer", value=item["answer"] or "").props("outlined").classes("min-w-[220px]") \
                        .mark(f"input-{mark}")
                    field.set_enabled(editable)
                    if editable:
                        ui.button("Save", on_click=lambda f=field: self.answer(c, item, f.value or None)) \
                            .props("unelevated no-caps").classes(BIG).mark(f"save-{mark}")
                if editable:
                    remarks = ui.input("Remarks", value=item["remarks"]).props("outlined dense").classes("flex-1") \
                        .mark(f"remarks-{mark}")
                    remarks.on("blur", lambda r=remarks: self.remark(c, item, r.value))
                elif item["remarks"]:
                    ui.label(item["remarks"]).classes("sts-muted text-[13px]")

    def _choice(self, c: ChecklistView, item: Any, choice: str, chosen: bool, editable: bool, mark: str) -> None:
        look = "unelevated" if chosen else "outline"
        button = ui.button(choice.upper(), on_click=lambda: self.answer(c, item, choice)) \
            .props(f"{look} no-caps").classes(BIG).mark(f"answer-{mark}-{choice}")
        button.set_enabled(editable)

    async def answer(self, c: ChecklistView, item: Any, value: Any) -> None:
        ok, _ = await self.ctx.act(self.ctx.sts.checklists.answer, c["id"], item["id"], value, None)
        if ok:
            await self.ctx.changed(*CHANGED)

    async def remark(self, c: ChecklistView, item: Any, text: str) -> None:
        if (text or "") == item["remarks"] or item["answer"] is None:
            return
        ok, _ = await self.ctx.act(self.ctx.sts.checklists.answer, c["id"], item["id"], item["answer"], text)
        if ok:
            item["remarks"] = text

    def sign_dialog(self, c: ChecklistView, side: str, poac: str) -> None:
        with ui.dialog() as dialog, ui.card().classes("min-w-[360px]").mark("sign-dialog"):
            ui.label(f"Sign off {round_title(c)} for the {SIDE_LABELS[side].lower()}").classes("font-semibold")
            if poac:
                ui.label(f"POAC: {poac}").classes("sts-muted text-[13px]")
            name = ui.input("Name of the person in charge").props("outlined").classes("w-full").mark("sign-name")
            rank = ui.input("Rank", value="Master").props("outlined").classes("w-full").mark("sign-rank")

            async def sign() -> None:
                ok, _ = await self.ctx.act(self.ctx.sts.checklists.sign_off, c["id"], side, name.value, rank.value)
                if ok:
                    dialog.close()
                    await self.ctx.changed(*CHANGED)

            with ui.row().classes("justify-end w-full"):
                ui.button("Cancel", on_click=dialog.close).props("flat no-caps").classes(BIG)
                ui.button("Sign off", on_click=sign).props("unelevated no-caps").classes(BIG).mark("sign-confirm")
        dialog.open()

    def set_dialog(self, data: RoomChecklists) -> None:
        """Admin: give the room another installed set (refused once any of its checklists is answered)."""
        sets = {s["key"]: f"{s['title']} (v{s['version']}){' — sample' if s['sample'] else ''}"
                for s in self.ctx.sts.checklists.book.installed()}
        current = data["set"]["key"] if data["set"] else None
        with ui.dialog() as dialog, ui.card().classes("min-w-[360px]").mark("set-dialog"):
            ui.label("Checklist set of this room").classes("font-semibold")
            ui.label("Only while none of its checklists has an answer; the change is logged.") \
                .classes("sts-muted text-[13px]")
            choice = ui.select(sets, value=current if current in sets else None, label="Installed sets") \
                .props("outlined").classes("w-full").mark("set-choice")

            async def attach() -> None:
                if not choice.value:
                    ui.notify("Choose a set", type="warning")
                    return
                set_id, _, version = str(choice.value).rpartition("@")
                ok, _ = await self.ctx.act(self.ctx.sts.checklists.attach_set, set_id, int(version))
                if ok:
                    dialog.close()
                    await self.ctx.changed(*CHANGED)

            with ui.row().classes("justify-end w-full"):
                ui.button("Cancel", on_click=dialog.close).props("flat no-caps").classes(BIG)
                ui.button("Use this set", on_click=attach).props("unelevated no-caps").classes(BIG) \
                    .mark("set-confirm")
        dialog.open()

    def reopen_dialog(self, c: ChecklistView) -> None:
        with ui.dialog() as dialog, ui.card().classes("min-w-[360px]").mark("reopen-dialog"):
            ui.label(f"Re-open {round_title(c)}: its sign-offs are set aside").classes("font-semibold")
            reason = ui.input("Reason (logged)").props("outlined").classes("w-full").mark("reopen-reason")

            async def reopen() -> None:
                ok, _ = await self.ctx.act(self.ctx.sts.checklists.reopen, c["id"], reason.value)
                if ok:
                    dialog.close()
                    await self.ctx.changed(*CHANGED)

            with ui.row().classes("justify-end w-full"):
                ui.button("Cancel", on_click=dialog.close).props("flat no-caps").classes(BIG)
                ui.button("Re-open", on_click=reopen).props("unelevated no-caps color=negative").classes(BIG) \
                    .mark("reopen-confirm")
        dialog.open()

