"""``/verify``: a recipient drops a snapshot PDF and reads whether to believe it (no login, nothing external)."""

from __future__ import annotations

import hashlib

from fastapi import Request
from nicegui import events, ui

from ...context import StsApp
from ...services.throttle import LockedOut
from ...signing import SignerConfig
from ...signing.verify import BadPdf, check_pdf, describe_check
from ..shell import session, theme, threads, widgets


def register(sts: StsApp) -> None:
    limit_mb = sts.settings.max_upload_mb

    @ui.page("/verify", title="Check a snapshot · STS Snapshots")
    def verify_page(request: Request) -> None:
        address = session.request_address(sts, request)

        async def received(event: events.UploadEventArguments) -> None:
            data = await event.file.read()
            result_box.clear()
            with result_box:
                try:
                    sts.verify_throttle.begin(hashlib.sha256(data).hexdigest(), address)
                    settings = sts.settings
                    result = await threads.io(check_pdf, data, sts.layout,
                                              SignerConfig.of(settings.data_dir, settings.signing_p12))
                except LockedOut as exc:
                    ui.label(f"Too many checks from here. Try again in {int(exc.seconds) + 1} seconds.") \
                        .classes("text-negative").mark("verify-error")
                    return
                except BadPdf as exc:
                    ui.label(f"{event.file.name}: {exc}.").classes("text-negative").mark("verify-error")
                    return
                verdict = "Valid signature by this installation" if result.ok else (
                    "Signature valid, but not this installation's certificate"
                    if result.signature == "valid" else f"Signature {result.signature}")
                ui.label(verdict).classes("text-h6 " + ("text-positive" if result.ok else "text-negative")) \
                    .mark("verify-verdict")
                with ui.grid(columns=2).classes("gap-x-6 gap-y-1").mark("verify-fields"):
                    for label, value in describe_check(result):
                        ui.label(label).classes("sts-muted")
                        ui.label(value).classes("break-all")
            upload.reset()

        with theme.frame(None), ui.column().classes("w-full max-w-3xl mx-auto gap-4"):
            widgets.heading("Check a snapshot you received")
            ui.label("Drop an STS clearance snapshot PDF here: this page reads its digital signature and tells you "
                     "whether it was made by this installation and is unchanged since. The file is not kept.") \
                .classes("sts-muted")
            upload = ui.upload(label="Drop the PDF here, or click to choose", auto_upload=True, max_files=1,
                               max_file_size=limit_mb * 1024 * 1024, on_upload=received,
                               on_rejected=lambda: ui.notify(f"Larger than {limit_mb} MB", type="negative")) \
                .props("accept=.pdf,application/pdf").classes("w-full").mark("verify-upload")
            result_box = ui.column().classes("w-full gap-2").mark("verify-result")
