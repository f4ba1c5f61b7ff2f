"""Uploading a new version of a document, and approving or rejecting it with a note."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import events, ui

from ...domain.labels import format_size
from ...domain.records import DocumentView
from ..pages.files import document_file_url
from ..shell import formatting, widgets
from .context import RoomContext

Saved = Callable[[DocumentView], Awaitable[None]]  # what the page does with the document as it is now


def open_upload_dialog(ctx: RoomContext, doc: DocumentView, group: str, saved: Saved) -> None:
    limit_mb = ctx.sts.settings.max_upload_mb

    async def received(event: events.UploadEventArguments) -> None:
        if event.file.size() > limit_mb * 1024 * 1024:
            widgets.notify_error(ValueError(f"{event.file.name} is larger than the {limit_mb} MB limit"))
            return
        data = await event.file.read()
        ok, view = await ctx.act(ctx.sts.documents.upload, doc["id"], event.file.name, data,
                                 event.file.content_type or None)
        if ok and view is not None:
            dialog.close()
            widgets.notify_ok(f"{event.file.name} uploaded: {doc['type_name']} is now under review")
            await saved(view)

    with widgets.dialog_box(f"Upload {doc['type_name']}", group) as dialog:
        with widgets.dialog_body():
            ui.upload(label="Drop the file here, or click to choose", auto_upload=True, max_files=1,
                      max_file_size=limit_mb * 1024 * 1024, on_upload=received,
                      on_rejected=lambda: widgets.notify_error(ValueError(f"The file is larger than {limit_mb} MB"))) \
                .props("flat color=white text-color=primary").classes("sts-upload").mark("upload-input")
            latest = doc.get("latest_version")
            text = (f"Replaces version {latest['number']} ({latest['file_name']}). " if latest else "") + \
                f"Up to {limit_mb} MB. The new version goes to review."
            ui.label(text).classes("sts-muted text-[13px]")
        with ui.row().classes("sts-dialog-actions"):
            ui.button("Close", on_click=dialog.close).props("flat color=grey-8")
    dialog.open()


def file_box(ctx: RoomContext, doc: DocumentView) -> None:
    """The latest version under review, with a button to open it in a new tab."""
    latest = doc.get("latest_version")
    with ui.row().classes("w-full items-center gap-3 rounded-lg bg-[#f7f9fb] border border-[#dfe4ea] p-3 no-wrap"):
        ui.icon("description", size="26px").classes("text-[#1d5c96]")
        with ui.column().classes("gap-0 flex-1 min-w-0"):
            if latest is None:
                ui.label("No file uploaded yet: it can be rejected, not approved.").classes("font-medium")
                return
            ui.label(f"v{latest['number']} · {latest['file_name']}").classes("font-medium truncate")
            uploaded = formatting.when(latest["uploaded_at"])
            ui.label(f"{format_size(latest['size'])} · uploaded {uploaded} by {latest['uploaded_by']}") \
                .classes("sts-muted text-[13px]")
        url = document_file_url(ctx.room_id, doc["id"], inline=True)
        ui.button("Open", icon="open_in_new").props(f'flat no-caps color=secondary href="{url}" target=_blank')


def open_review_dialog(ctx: RoomContext, doc: DocumentView, group: str, saved: Saved) -> None:
    latest = doc.get("latest_version")

    async def decide(status: str | None) -> None:
        """Approve or reject with the note and expiry; ``None`` saves the note and expiry, keeping the status."""
        note = (notes.value or "").strip()
        if status == "rejected" and not note:
            notes.props("error error-message='Say what is wrong, so the owner can fix it'")
            return
        changes: dict[str, Any] = {"notes": note} if status is None else {"status": status, "notes": note}
        if expiry is not None:
            changes["expires_on"] = expiry.value or None
        if status is None and note == (doc.get("notes") or "") and \
                (expiry is None or (expiry.value or "") == (doc.get("expires_on") or "")[:10]):
            dialog.close()  # nothing changed: no activity entry
            return
        ok, view = await ctx.act(ctx.sts.documents.review, doc["id"], changes)
        if ok and view is not None:
            dialog.close()
            widgets.notify_ok(f"{doc['type_name']} {status or 'saved'}")
            await saved(view)

    with widgets.dialog_box(f"Review {doc['type_name']}", group) as dialog:
        with widgets.dialog_body():
            file_box(ctx, doc)
            with ui.row().classes("items-center gap-2"):
                ui.label("Current status").classes("sts-label")
                widgets.status_chip(doc["effective_status"])
            notes = ui.textarea("Note to the parties", value=doc.get("notes") or "",
                                placeholder="Required when rejecting: what is missing or wrong") \
                .props("outlined autogrow").classes("w-full").mark("review-notes")
            notes.on_value_change(lambda: notes.props(remove="error error-message"))
            expiry = None
            if doc.get("has_expiry"):
                expiry = ui.input("Valid until", value=(doc.get("expires_on") or "")[:10]) \
                    .props("outlined type=date stack-label").classes("w-60").mark("review-expiry")
        with ui.row().classes("sts-dialog-actions"):
            ui.button("Cancel", on_click=dialog.close).props("flat color=grey-8")
            ui.button("Save", icon="save", on_click=lambda: decide(None)) \
                .props("flat no-caps color=primary").mark("review-save").tooltip("Save the note and expiry only")
            ui.button("Reject", icon="close", on_click=lambda: decide("rejected")) \
                .props("outline color=negative").mark("reject")
            ui.button("Approve", icon="check", on_click=lambda: decide("approved")) \
                .props("unelevated color=positive").mark("approve").set_enabled(latest is not None)
    dialog.open()
