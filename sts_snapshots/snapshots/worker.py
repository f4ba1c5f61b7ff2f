"""What a render worker process does with one job. Runs outside the server's event loop and GIL.

A worker never touches the TinyDB stores (they belong to the server process): it gets everything
in the job, writes the PDF to a temporary file and renames it into place, and returns facts.
"""

from __future__ import annotations

import hashlib
import io
import multiprocessing
import os
import signal
import threading
import time
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TYPE_CHECKING, NotRequired

from typing_extensions import TypedDict

from ..datadir.atomic import atomic_write_bytes
from ..domain.report_model import AppendixItem, ReportModel, SnapshotFacts
from ..signing import SignerConfig

if TYPE_CHECKING:
    from ..report.evidence import Prepared


class RenderJob(TypedDict):
    """What the server sends a render worker (pickled across the process boundary)."""

    model: ReportModel
    facts: SnapshotFacts
    body: bytes | None  # the cached report body, or None to render it
    fonts_dir: str
    output: str  # where the PDF goes (written atomically)
    appendix: list[AppendixItem]
    signer: NotRequired[SignerConfig | None]  # sign the finished file with this identity (None: leave it unsigned)


class RenderResult(TypedDict):
    pages: int
    size: int
    sha256: str
    body: bytes | None  # the body rendered now (for the cache), None when reused or valid for this run only
    body_reused: bool  # the job's cached body served
    render_ms: float
    unprintable: list[str]  # characters of the model no shipped font has (printed as a box)


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


def _count(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def _render_placed(model: ReportModel, prepared: list[Prepared], cover_pages: int, fonts_dir: Path) -> bytes:
    """The body, its index giving each included file's pages in the whole file.

    Those page numbers depend on the body's own length: render with a guess, and again with the length found
    (the numbers sit in a column wide enough for them, so the second pass keeps the length).
    """
    from ..report import render_body
    from ..report.evidence import placed

    if not model["included_files"]:
        return render_body(model, fonts_dir)
    guess = 0
    for _ in range(3):
        body = render_body(placed(model, prepared, cover_pages + guess + 1), fonts_dir)
        pages = _count(body)
        if pages == guess:
            break
        guess = pages
    return body


def build_pdf(job: RenderJob) -> RenderResult:
    """Inspect the included files, render (or reuse) the report body, add the cover and appendix, and write
    ``job["output"]`` atomically. A file that cannot be included is listed as such; it never fails the job.
    """
    from ..report import assemble, clear_borb_caches, disable_borb_telemetry, draw_cover, unprintable_characters
    from ..report.assemble import COVER_PAGES
    from ..report.evidence import Limits, prepare

    disable_borb_telemetry()
    started = time.perf_counter()
    fonts_dir = Path(job["fonts_dir"])
    model = job["model"]
    try:
        appendix = job.get("appendix") or []
        prepared = prepare(appendix, [Limits.of(f) for f in model["included_files"]]) if appendix else []
        # an outcome of this run only (too slow, file gone) must not reuse, nor become, the cached body
        volatile = any(p.volatile for p in prepared)
        cover = draw_cover(model, job["facts"], fonts_dir)
        body = None if volatile else job.get("body")
        reused = body is not None
        rendered = None
        if body is None:
            body = _render_placed(model, prepared, COVER_PAGES, fonts_dir)
            rendered = None if volatile else body
        pdf, pages = assemble(cover, body, job["facts"], prepared)
    finally:
        clear_borb_caches()
    signer = job.get("signer")
    if signer is not None:  # the signature covers the whole file, evidence included: so it is made last
        from ..signing import load_signer, sign_pdf

        pdf = sign_pdf(pdf, load_signer(signer))
    atomic_write_bytes(Path(job["output"]), pdf)
    return {"pages": pages, "size": len(pdf), "sha256": hashlib.sha256(pdf).hexdigest(), "body": rendered,
            "body_reused": reused, "render_ms": round((time.perf_counter() - started) * 1000, 1),
            "unprintable": unprintable_characters(_strings([model, job["facts"]]))}


def _strings(value: object) -> list[str]:
    """Every string in a JSON-like value (the model and facts: everything the PDF prints).

    >>> _strings({"a": ["x", {"b": "y"}], "n": 3})
    ['x', 'y']
    """
    found: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list | tuple):
            stack.extend(reversed(item))
    return found
