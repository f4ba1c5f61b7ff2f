"""The room's parties and their approvals: add or remove a party, set an approval with a comment."""

from __future__ import annotations

from dataclasses import dataclass

from nicegui import ui

from ...domain.models import PARTY_ROLES
from ...domain.records import ApprovalRecord, PartyRecord
from ..shell import formatting, theme, widgets
from ..shell.live import LiveSection
from .context import RoomContext

SECTION = "parties"
APPROVAL_CHOICES = {"approved": "Approve", "rejected": "Reject", "pending": "Pending"}


@dataclass(frozen=True)
class PartyRow:
    """A party with its approval; a party that has not set one yet reads as pending."""

    party: PartyRecord
    approval: ApprovalRecord | None

    @property
    def status(self) -> str:
        return self.approval["status"] if self.approval else "pending"

    @property
    def comment(self) -> str:
        return (self.approval.get("comment") if self.approval else "") or ""


def load_parties(ctx: RoomContext) -> list[PartyRow]:
    rooms = ctx.sts.rooms
    approvals = {a["party_id"]: a for a in rooms.approvals_of(ctx.room_id)}
    return [PartyRow(p, approvals.get(p["id"])) for p in rooms.parties_of(ctx.room_id)]


class PartiesSection:
    def __init__(self, ctx: RoomContext) -> None:
        self.ctx = ctx
        with widgets.card("Parties & approvals", "groups", marker="parties") as head:
            if ctx.can_manage:
                with head:
                    ui.button("Add party", icon="person_add", on_click=self.open_add_dialog) \
                        .props("flat no-caps color=secondary").mark("add-party")
            self.live = LiveSection(lambda: load_parties(ctx), self.build, classes="gap-0")
        ctx.on_change(self.live.reload, "parties")

    async def reload(self) -> None:
        await self.live.reload()

    def build(self, entries: list[PartyRow]) -> None:
        if not entries:
            widgets.empty_state("group_off", "No parties yet")
        for entry in entries:
            self.row(entry)

    def row(self, entry: PartyRow) -> None:
        ctx, party = self.ctx, entry.party
        mine = bool(party.get("email")) and party.get("email") == ctx.user.email
        with ui.row().classes("w-full px-5 py-3 gap-3 no-wrap items-start border-b border-[#edf0f3]") \
                .mark(f"party-{party['id']}"):
            ui.html(self.describe(entry, mine), sanitize=False).classes("contents")
            with ui.column().classes("items-end gap-1 shrink-0"):
                widgets.status_chip(entry.status)
                with ui.row().classes("gap-0 no-wrap"):
                    if mine or ctx.user.is_admin:
                        ui.button("Set approval", on_click=lambda: self.open_approval_dialog(entry)) \
                            .props("flat dense no-caps color=secondary").mark(f"approval-{party['id']}")
                    if ctx.can_manage and not mine:
                        with ui.button(icon="person_remove", on_click=lambda: self.remove(party)) \
                                .props("flat round dense color=grey-8").mark(f"remove-{party['id']}") as button:
                            ui.tooltip("Remove from the room")
                        button.props["aria-label"] = f"Remove {party['name']} from the room"

    @staticmethod
    def describe(entry: PartyRow, mine: bool) -> str:
        """The party's initials, name, role, company and approval comment as escaped HTML: one element, not ten
        (the section is rebuilt when a party is added)."""
        esc, party, approval = widgets.esc, entry.party, entry.approval
        you = '<span class="text-[11px] font-semibold uppercase text-[#1d5c96]">you</span>' if mine else ""
        lines = [f'<div class="flex flex-nowrap items-center gap-2 min-w-0">'
                 f'<span class="font-semibold text-[14px] truncate">{esc(party["name"])}</span>{you}</div>',
                 f'<div class="text-[13px] text-[#34475b]">{esc(widgets.role_label(party["role"]))}</div>']
        if party.get("company"):
            lines.append(f'<div class="sts-muted text-[12px] truncate">{esc(party["company"])}</div>')
        if entry.comment:
            bad = " sts-note-bad" if entry.status == "rejected" else ""
            lines.append(f'<div class="sts-note mt-1{bad}">{esc(entry.comment)}</div>')
        if approval and approval.get("updated_by") and entry.status != "pending":
            lines.append(f'<div class="sts-muted text-[12px]">{esc(formatting.relative(approval.get("updated_at")))}'
                         '</div>')
        return (f'<div class="sts-avatar shrink-0 mt-[2px]">{esc(theme.initials(party["name"]))}</div>'
                f'<div class="flex-1 min-w-0 flex flex-col">{"".join(lines)}</div>')

    def open_approval_dialog(self, entry: PartyRow) -> None:
        party = entry.party
        with widgets.dialog_box(f"Approval of {party['name']}", widgets.role_label(party["role"])) as dialog:
            with widgets.dialog_body():
                choice = ui.toggle(APPROVAL_CHOICES, value=entry.status).props(
                    "no-caps unelevated toggle-color=primary spread").classes("w-full").mark("approval-choice")
                comment = ui.textarea("Comment", value=entry.comment).props("outlined autogrow") \
                    .classes("w-full").mark("approval-comment")

            async def save() -> None:
                ok, _ = await self.ctx.act(self.ctx.sts.rooms.set_approval, party["id"], choice.value,
                                           comment.value or "")
                if ok:
                    dialog.close()
                    widgets.notify_ok(f"Approval of {party['name']}: {choice.value}")
                    await self.ctx.changed(SECTION, "activity")

            widgets.actions(dialog, "Save", save, marker="approval-save")
        dialog.open()

    def open_add_dialog(self) -> None:
        with widgets.dialog_box("Add party", "Parties with an account see the room when they sign in.") as dialog:
            with widgets.dialog_body():
                role = ui.select(PARTY_ROLES, value="charterer", label="Role").props("outlined").classes("w-full") \
                    .mark("party-role")
                name = ui.input("Name *").props("outlined").classes("w-full").mark("party-name")
                company = ui.input("Company").props("outlined").classes("w-full").mark("party-company")
                email = ui.input("Email", placeholder="Their sign-in email, to give them access") \
                    .props("outlined type=email").classes("w-full").mark("party-email")

            async def add() -> None:
                fields = {"role": role.value, "name": name.value or "", "company": company.value or "",
                          "email": (email.value or "").strip()}
                ok, _ = await self.ctx.act(self.ctx.sts.rooms.add_party, fields)
                if ok:
                    dialog.close()
                    widgets.notify_ok(f"{fields['name']} added")
                    await self.ctx.changed(SECTION, "activity")

            widgets.actions(dialog, "Add party", add, icon="person_add", marker="add-party-ok")
        dialog.open()

    async def remove(self, party: PartyRecord) -> None:
        if not await widgets.confirm("Remove party?", f"{party['name']} ({widgets.role_label(party['role'])}) "
                                     "will no longer see this room.", ok="Remove"):
            return
        ok, _ = await self.ctx.act(self.ctx.sts.rooms.remove_party, party["id"])
        if ok:
            widgets.notify_ok(f"{party['name']} removed")
            await self.ctx.changed(SECTION, "activity")
