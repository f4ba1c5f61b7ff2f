"""The room's documents, grouped by vessel and "Operation", with a status filter and per-document actions."""

from __future__ import annotations

from dataclasses import dataclass

from nicegui import ui

from ...domain.labels import format_size
from ...domain.records import DocumentView
from ..pages.files import document_file_url
from ..shell import formatting, widgets
from ..shell.island import Island
from ..shell.live import LiveSection
from .context import RoomContext
from .document_dialogs import open_review_dialog, open_upload_dialog

FILTERS = {"all": "All", "action": "Needs action", "missing": "Missing", "under_review": "Under review",
           "approved": "Approved", "rejected": "Rejected", "expired": "Expired", "soon": "Expiring soon"}


@dataclass(frozen=True)
class DocumentGroup:
    """A card of documents: one vessel's, or the operation's."""

    title: str
    subtitle: str
    icon: str
    docs: list[DocumentView]


@dataclass(frozen=True)
class RoomDocuments:
    docs: list[DocumentView]
    groups: list[DocumentGroup]


def keep(doc: DocumentView, key: str) -> bool:
    """Whether a document passes the status filter.

    >>> doc = {"effective_status": "approved", "expiring_soon": True}
    >>> keep(doc, "all"), keep(doc, "soon"), keep(doc, "action"), keep(doc, "missing")
    (True, True, False, False)
    """
    status = doc["effective_status"]
    if key == "all":
        return True
    if key == "action":
        return status in ("missing", "rejected", "expired")
    if key == "soon":
        return bool(doc.get("expiring_soon"))
    return bool(status == key)


def load_documents(ctx: RoomContext) -> RoomDocuments:
    """Documents in groups: the mother vessel, the daughter vessel (and any other), then the operation."""
    docs = ctx.sts.documents.list(ctx.user, ctx.room_id)
    vessels = ctx.sts.rooms.vessels_of(ctx.room_id)
    groups = [DocumentGroup(f"{v['name']}", f"{v['role'].capitalize()} vessel · IMO {v['imo']}", "directions_boat",
                            [d for d in docs if d.get("vessel_id") == v["id"]]) for v in vessels]
    groups.append(DocumentGroup("Operation", "Documents for the transfer itself", "handshake",
                                [d for d in docs if not d.get("vessel_id")]))
    return RoomDocuments(docs, groups)


@dataclass
class GroupCard:
    """A group's card as built, so a filter or one document's change updates it in place."""

    title: str
    card: ui.element
    approved: ui.label
    doc_ids: list[str]


class DocumentsSection:
    """Built whole when the room's documents are (re)loaded; a filter only shows and hides rows, and one
    document's change rebuilds its row alone (a room shows dozens: rebuilding all of them took a second)."""

    def __init__(self, ctx: RoomContext) -> None:
        self.ctx = ctx
        self.filter = "all"
        self.docs: dict[str, DocumentView] = {}
        self.rows: dict[str, ui.row] = {}
        self.groups: list[GroupCard] = []
        self.chips: dict[str, ui.button] = {}
        self.total: ui.label | None = None
        self.empty: ui.element | None = None
        self.live = LiveSection(lambda: load_documents(ctx), self.build)
        ctx.on_change(self.live.reload, "documents")

    async def reload(self) -> None:
        await self.live.reload()

    def set_filter(self, key: str) -> None:
        self.filter = key
        self.apply_filter()

    async def document_changed(self, view: DocumentView) -> None:
        """One document changed (uploaded, reviewed, its note or expiry saved): its row, the counts, the room's
        readiness and the activity log follow; nothing else is rebuilt."""
        row = self.rows.get(view["id"])
        if row is None or row.is_deleted:
            await self.ctx.changed("documents", "readiness", "activity")
            return
        self.docs[view["id"]] = view
        group = next((g for g in self.groups if view["id"] in g.doc_ids), None)
        row.clear()
        with row:
            self.row_content(view, group.title if group else "")
        self.apply_filter()
        await self.ctx.changed("readiness", "activity")

    def build(self, data: RoomDocuments) -> None:
        self.docs = {d["id"]: d for d in data.docs}
        self.rows, self.groups, self.chips = {}, [], {}
        with ui.row().classes("w-full items-baseline gap-3"):
            widgets.heading("Documents", 2).classes("text-[20px]")
            self.total = ui.label(f"{len(data.docs)} in this room").classes("sts-muted text-[14px]")
        # islands around what a filter or one document's change updates: the browser re-renders those alone
        with Island(), ui.row().classes("w-full gap-2 sts-filters") \
                .props('role=group aria-label="Filter documents"'):
            for key in FILTERS:
                self.chips[key] = ui.button("", on_click=lambda k=key: self.set_filter(k)) \
                    .props("no-caps rounded dense").classes("px-3 text-[13px]").mark(f"filter-{key}")
        for group in data.groups:
            if not group.docs:
                continue
            with Island(), ui.column().classes("sts-card w-full gap-0").mark("doc-group") as card:
                with ui.row().classes("sts-group-head no-wrap"):
                    ui.icon(group.icon, size="22px").classes("text-[#1d5c96]")
                    with ui.column().classes("gap-0"):
                        ui.label(group.title).classes("font-semibold text-[15px] text-[#0b2545] sts-group-title")
                        ui.label(group.subtitle).classes("sts-muted text-[13px]")
                    ui.space()
                    with Island():
                        approved = ui.label("").classes("sts-muted text-[13px] font-medium")
                with ui.column().classes("w-full gap-0 sts-doc-list"):
                    for doc in group.docs:
                        with Island(), ui.row().classes("sts-doc-row").mark(f"doc-{doc['id']}") as row:
                            self.row_content(doc, group.title)
                        self.rows[doc["id"]] = row
            self.groups.append(GroupCard(group.title, card, approved, [d["id"] for d in group.docs]))
        with ui.column().classes("sts-card w-full gap-0") as self.empty:
            widgets.empty_state("filter_alt_off", "No documents match this filter",
                                "Choose another filter to see the rest.")
        self.apply_filter()

    def apply_filter(self) -> None:
        """Show the rows that pass the filter, and say the counts, without building anything."""
        docs = list(self.docs.values())
        for key, chip in self.chips.items():
            chip.set_text(f"{FILTERS[key]} ({sum(1 for d in docs if keep(d, key))})")
            active = "true" if key == self.filter else "false"
            if chip.props.get("aria-pressed") != active:  # a changed prop is sent to the browser: only on a change
                chip.props("unelevated color=primary aria-pressed=true" if active == "true" else
                           "outline color=grey-9 aria-pressed=false", remove="unelevated outline color aria-pressed")
        shown = 0
        for group in self.groups:
            visible = [self.docs[i] for i in group.doc_ids if keep(self.docs[i], self.filter)]
            for doc_id in group.doc_ids:
                self.rows[doc_id].set_visibility(keep(self.docs[doc_id], self.filter))
            group.card.set_visibility(bool(visible))
            approved = sum(1 for d in visible if d["effective_status"] == "approved")
            group.approved.set_text(f"{approved} of {len(visible)} approved")
            shown += len(visible)
        if self.empty is not None:
            self.empty.set_visibility(not shown)

    def row_content(self, doc: DocumentView, group: str) -> None:
        ctx, latest, status = self.ctx, doc.get("latest_version"), doc["effective_status"]
        # a row is one block of escaped HTML and the buttons: a room shows dozens of rows, and each element costs the
        # page load (in Python, and a component the browser mounts); the block's box is "contents", so its three
        # columns (what, expiry, status) lay out as the row's own children
        expiry, markers = self.expiry(doc)
        ui.html(f'<div class="flex-1 min-w-0 flex flex-col gap-1 sts-doc-what">{self.describe(doc)}</div>{expiry}'
                f'<div class="w-[140px] shrink-0 flex flex-col items-start sts-doc-status">'
                f'{widgets.chip_html(status)}</div>', sanitize=False).classes("contents") \
            .mark(f"status-{status}", *markers)
        with ui.row().classes("w-[150px] shrink-0 gap-1 justify-end no-wrap sts-doc-actions"):
            if latest:
                button = ui.button(icon="download").props("flat round color=secondary") \
                    .mark(f"download-{doc['id']}")
                button.props["href"] = document_file_url(ctx.room_id, doc["id"])
                button.props["title"] = button.props["aria-label"] = f"Download {latest['file_name']}"
            if ctx.can_upload:
                button = ui.button(icon="upload",
                                   on_click=lambda: open_upload_dialog(ctx, doc, group, self.document_changed)) \
                    .props("flat round color=secondary").mark(f"upload-{doc['id']}")
                button.props["title"] = button.props["aria-label"] = f"Upload a new version of {doc['type_name']}"
            if ctx.can_review:
                review = ui.button("Review",
                                   on_click=lambda: open_review_dialog(ctx, doc, group, self.document_changed)) \
                    .props("outline no-caps color=primary").mark(f"review-{doc['id']}")
                review.props["aria-label"] = f"Review {doc['type_name']}"

    @staticmethod
    def describe(doc: DocumentView) -> str:
        """The document's name, facts and note as one escaped HTML block (a room shows dozens of rows)."""
        esc, latest = widgets.esc, doc.get("latest_version")
        optional = "" if doc.get("required") else \
            ' <span class="sts-muted text-[12px] border rounded px-1 font-normal">optional</span>'
        facts = [doc.get("category") or ""]
        if latest:
            facts.append(f"v{latest['number']} · {latest['file_name']} · {format_size(latest['size'])}"
                         f" · {formatting.relative(latest['uploaded_at'])}")
        parts = [f'<div class="font-semibold text-[15px]">{esc(doc["type_name"])}{optional}</div>',
                 f'<div class="sts-muted text-[13px] truncate">{esc(" · ".join(f for f in facts if f))}</div>']
        if doc.get("notes"):
            bad = " sts-note-bad" if doc["effective_status"] in ("rejected", "expired") else ""
            parts.append(f'<div class="sts-note{bad}">{esc(doc["notes"])}</div>')
        return "".join(parts)

    @staticmethod
    def expiry(doc: DocumentView) -> tuple[str, list[str]]:
        """The expiry column (the date, "expiring soon", the operation window's sentence) as escaped HTML, and the
        markers its row carries for it (``status-soon``, ``operation-note``)."""
        esc = widgets.esc
        parts: list[str] = []
        markers: list[str] = []
        if not doc.get("expires_on"):
            if doc.get("has_expiry"):
                parts.append('<div class="sts-muted text-[13px]">No expiry date</div>')
        else:
            expired = bool(doc.get("expired"))
            css = "text-[#b42318] font-semibold" if expired else ""
            parts.append(f'<div><div class="sts-label text-[11px]">{"Expired" if expired else "Valid until"}</div>'
                         f'<div class="text-[14px] {css}">{esc(formatting.day(doc["expires_on"]))}</div></div>')
            if doc.get("expiring_soon"):
                parts.append(widgets.chip_html("soon"))
                markers.append("status-soon")
            if doc.get("operation_note"):
                note = esc(doc["operation_note"])
                parts.append(f'<div class="text-[#b42318] text-[13px] font-semibold">{note}</div>')
                markers.append("operation-note")
        box = "w-[150px] shrink-0 flex flex-col gap-1 items-start sts-doc-expiry"
        return f'<div class="{box}">{"".join(parts)}</div>', markers
