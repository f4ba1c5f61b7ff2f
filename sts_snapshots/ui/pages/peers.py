"""Other installations, for admins (issue 19): pair with one from the browser (this installation's pairing code to
copy, the other's code to paste), the pairing codes issued here and not used yet (each cancellable), the
installations this one syncs with, and those whose room packs it trusts, each revocable. The work is
:mod:`sts_snapshots.packs.pairing`'s."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import ui

from ...context import StsApp
from ...packs.pairing import (
    OutstandingCode,
    add_peer,
    cancel_codes,
    make_code,
    outstanding_codes,
    pairings,
    revoke,
    trusted,
)
from ...services.errors import Forbidden, Invalid, NotFound
from ...services.pairing import SyncPeer
from ...services.peers import TrustedPeer
from ...services.users import User
from ..shell import session, theme, threads, widgets
from ..shell.formatting import when

PEERS_PAGE = "/peers"


def load(sts: StsApp, user: User) -> tuple[list[SyncPeer], list[TrustedPeer], list[OutstandingCode]]:
    return pairings(sts).peers(), trusted(sts, user), outstanding_codes(sts, user)


class PeersView:
    def __init__(self, sts: StsApp, user: User) -> None:
        self.sts, self.user = sts, user
        with widgets.card("Pair with another installation", "link", marker="pairing-card"):
            with ui.column().classes("w-full gap-2 px-4 py-3"):
                ui.label("Give the other installation's admin this installation's pairing code (a code pairs one "
                         f"installation, within {sts.settings.pairing_code_hours} hours; only its hash is kept "
                         "here), and paste theirs below with the address this installation reaches it at.") \
                    .classes("sts-muted text-[13px]")
                ui.button("Make a pairing code", icon="key", on_click=self.make_code) \
                    .props("outline dense no-caps color=primary").mark("make-pair-code")
                self.code = ui.textarea("This installation's pairing code").props("readonly outlined autogrow") \
                    .classes("w-full font-mono text-[12px]").mark("own-pair-code")
                self.code.set_visibility(False)
                self.url = ui.input("The other installation's address (https://…)").classes("w-full") \
                    .mark("peer-url")
                self.their_code = ui.textarea("The other installation's pairing code").props("outlined autogrow") \
                    .classes("w-full font-mono text-[12px]").mark("peer-code")
                ui.button("Pair", icon="link", on_click=self.pair).props("unelevated no-caps color=primary") \
                    .mark("pair-peer")
                self.message = ui.label("").classes("text-negative text-[14px] break-all").mark("pair-message")
        self.box = ui.column().classes("w-full gap-4").mark("peers-lists")

    async def make_code(self) -> None:
        code = await threads.io(make_code, self.sts, self.user)
        self.code.set_value(code.text())
        self.code.set_visibility(True)
        await self.reload()

    async def pair(self) -> None:
        self.message.set_text("")
        try:
            added = await threads.io(add_peer, self.sts, self.user, self.url.value or "",
                                     self.their_code.value or "")
        except (Invalid, Forbidden) as exc:
            self.message.set_text(f"Not paired: {widgets.user_message(exc)}")
            return
        peer = added.peer
        widgets.notify_ok(f"Paired with installation {peer['id']} at {peer['url']} (CA SHA-256 "
                          f"{peer['ca_fingerprint']}: compare it with its admin)")
        if added.note:
            self.message.set_text(f"Paired, not checked yet: {added.note}")
        self.url.set_value("")
        self.their_code.set_value("")
        await self.reload()

    async def revoke(self, ident: str) -> None:
        try:
            done = await threads.io(revoke, self.sts, self.user, ident)
        except (NotFound, Forbidden) as exc:
            widgets.notify_error(exc)
            return
        widgets.notify_ok(f"Installation {done.installation_id} is trusted no more: its packs are refused and its "
                          "sync token works no more")
        await self.reload()

    async def cancel(self, ident: str | None) -> None:
        try:
            done = await threads.io(cancel_codes, self.sts, self.user, ident)
        except (NotFound, Forbidden) as exc:
            widgets.notify_error(exc)
            return
        widgets.notify_ok(f"{len(done)} pairing code(s) cancelled: an installation that tries one is refused")
        await self.reload()

    async def reload(self) -> None:
        peers, trusted_ones, codes = await threads.io(load, self.sts, self.user)
        if self.box.is_deleted:
            return
        self.box.clear()
        with self.box:
            self._codes(codes)
            with widgets.card(f"Paired ({len(peers)})", "sync", marker="paired-card"):
                with ui.column().classes("w-full gap-0"):
                    if not peers:
                        ui.label("None yet: this installation syncs with no other.") \
                            .classes("sts-muted text-[13px] px-4 py-3")
                    for p in peers:
                        ui.label(f"{p['url']} — installation {p['id']}, CA SHA-256 {p['ca_fingerprint']}") \
                            .classes("text-[13px] break-all px-4 py-2").mark(f"paired-{p['id']}")
            with widgets.card(f"Trusted ({len(trusted_ones)})", "verified_user", marker="trusted-card"):
                with ui.column().classes("w-full gap-0"):
                    if not trusted_ones:
                        ui.label("None yet: a room pack from another installation is refused until an admin "
                                 "trusts it.").classes("sts-muted text-[13px] px-4 py-3")
                    for t in trusted_ones:
                        with ui.row().classes("w-full items-center gap-2 px-4 py-2 border-b border-[#f0f2f5]"):
                            ui.label(f"installation {t['installation_id']}, CA SHA-256 {t['fingerprint']} (trusted "
                                     f"by {t['trusted_by'] or '—'} on {when(t['trusted_at'])})") \
                                .classes("text-[13px] break-all grow")
                            ui.button("Revoke", icon="block", on_click=lambda i=t["installation_id"]: self.revoke(i)) \
                                .props("outline dense no-caps color=negative").mark(f"revoke-{t['installation_id']}")


    def _codes(self, codes: list[OutstandingCode]) -> None:
        with widgets.card(f"Pairing codes not used yet ({len(codes)})", "key", marker="codes-card"):
            with ui.column().classes("w-full gap-0"):
                if not codes:
                    ui.label("None: every pairing code made here was used, cancelled or has expired.") \
                        .classes("sts-muted text-[13px] px-4 py-3")
                for c in codes:
                    with ui.row().classes("w-full items-center gap-2 px-4 py-2 border-b border-[#f0f2f5]"):
                        ui.label(f"code {c.id}, made by {c.issued_by} on {when(c.issued_at)}, "
                                 f"expires {when(c.expires_at)}") \
                            .classes("text-[13px] break-all grow").mark(f"code-{c.id}")
                        ui.button("Cancel", icon="cancel", on_click=lambda i=c.id: self.cancel(i)) \
                            .props("outline dense no-caps color=negative").mark(f"cancel-code-{c.id}")
                if len(codes) > 1:
                    ui.button("Cancel all", icon="cancel", on_click=lambda: self.cancel(None)) \
                        .props("outline dense no-caps color=negative").classes("mx-4 my-2").mark("cancel-codes")


def register(sts: StsApp) -> None:
    @ui.page(PEERS_PAGE, title="Installations · STS Snapshots")
    async def peers_page(request: Request) -> RedirectResponse | None:
        me = await session.current_user(sts)
        if me is None:
            return session.to_login(request)
        with theme.frame(me, active="peers", title="Other installations"):
            if not widgets.admins_only(me, "Only administrators pair installations and decide whom to trust."):
                return None
            with ui.column().classes("gap-1 sts-page-head"):
                widgets.heading("Other installations")
                ui.label("Pair with another installation to sync rooms; trust decides whose room packs are read.") \
                    .classes("sts-muted")
            view = PeersView(sts, me)
            await view.reload()
        return None
