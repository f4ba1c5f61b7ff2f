"""What a render worker process does with one job. Runs outside the server's event loop and GIL.

A worker never touches the TinyDB stores (they belong to the server process): it gets everything
in the job, writes the PDF to a temporary file and renames it into place, and returns facts.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import signal
import threading
import time
from multiprocessing.process import BaseProcess
from pathlib import Path

from typing_extensions import TypedDict

from ..datadir.atomic import atomic_write_bytes
from ..domain.report_model import AppendixItem, ReportModel, SnapshotFacts


class RenderJob(TypedDict):
    """What the server sends a render worker (pickled across the process boundary)."""

    model: ReportModel
    facts: SnapshotFacts
    body: bytes | None  # the cached report body, or None to render it
    fonts_dir: str
    output: str  # where the PDF goes (written atomically)
    appendix: list[AppendixItem]


class RenderResult(TypedDict):
    pages: int
    size: int
    sha256: str
    body: bytes | None  # the body rendered now (for the cache), None when the job brought one
    render_ms: float


def init_worker(fonts_dir: str | None = None) -> None:
    """Process initializer: borb must not phone home or install signal handlers in our workers.

    The fonts are parsed here, once per worker, so the first job does not pay for it.
    """
    from ..report import disable_borb_telemetry

    disable_borb_telemetry()
    if fonts_dir is not None:
        from ..report.fonts import load_fonts

        load_fonts(Path(fonts_dir))


def init_pool_worker(fonts_dir: str | None = None, niceness: int = 0) -> None:
    """Initializer of a pooled worker process: :func:`init_worker`, a lower CPU priority, and exit with the server.

    borb's layout is pure CPU: at the server's priority, two workers on two cores leave the server's event
    loop waiting for a time slice, and every API call and page slows down while PDFs render. With
    ``niceness`` added (POSIX), the server's requests get the CPU first and the renders use the rest.

    A worker blocked on the pool's queue, or still rendering, outlives a server killed with SIGKILL
    (or by a crash): it would finish its job after a restart and rename its PDF over the file the new
    server rendered and recorded. Exiting with the server makes its unfinished jobs simply lost, and
    the restarted server's recovery renders them again.
    """
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with_parent, args=(parent,), name="exit-with-server", daemon=True).start()
    if niceness and hasattr(os, "nice"):
        os.nice(niceness)
    # Ctrl+C in a terminal (SIGINT) and a service manager's stop (SIGTERM to the whole group) reach the workers
    # too. The server stops them itself: it lets a render in progress finish and puts queued jobs back for the
    # next start, while a worker stopped by the signal would fail its snapshot (and print a traceback). The
    # pool starts workers with both blocked (renderer.signals_blocked), so one that arrived meanwhile is dropped.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    init_worker(fonts_dir)


def _exit_with_parent(parent: BaseProcess) -> None:
    parent.join()  # returns when the parent's end of the spawn pipe closes, i.e. the server process is gone
    os._exit(1)


def build_pdf(job: RenderJob) -> RenderResult:
    """Render (or reuse) the report body, add the cover and appendix, and write ``job["output"]`` atomically.

    :raises ValueError: an included document cannot be read.
    """
    from ..report import assemble, clear_borb_caches, disable_borb_telemetry, render_body, render_cover

    disable_borb_telemetry()
    started = time.perf_counter()
    fonts_dir = Path(job["fonts_dir"])
    try:
        body = job.get("body")
        rendered = None
        if body is None:
            body = rendered = render_body(job["model"], fonts_dir)
        cover = render_cover(job["model"], job["facts"], fonts_dir)
        pdf, pages = assemble(cover, body, job["facts"], job.get("appendix") or [])
    finally:
        clear_borb_caches()
    atomic_write_bytes(Path(job["output"]), pdf)
    return {"pages": pages, "size": len(pdf), "sha256": hashlib.sha256(pdf).hexdigest(), "body": rendered,
            "render_ms": round((time.perf_counter() - started) * 1000, 1)}
