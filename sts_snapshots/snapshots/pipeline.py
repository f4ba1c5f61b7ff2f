"""The background job: a plain function of explicit arguments. The queue only decides when and where it runs."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..datadir import DataLayout
from ..domain.ids import task_id_for
from ..domain.records import SnapshotRecord
from ..domain.report_model import AppendixItem, ReportModel, SnapshotFacts
from ..domain.time import now_iso, utcnow
from ..domain.urls import snapshot_download_url
from ..metrics.recorder import MetricsRecorder
from ..report.evidence import Limits
from ..services.checklists import ChecklistService
from ..services.documents import DocumentService
from ..services.rooms import RoomService
from ..services.snapshot_records import SnapshotRecords
from ..services.sync_state import SyncState
from ..services.tasks import TaskStore
from ..services.users import UserService
from ..settings import Settings
from ..signing import SignerConfig, load_signer, signer_line
from .cache import PdfCache
from .model import gather_snapshot
from .renderer import RenderPool, RenderStopped
from .worker import RenderJob

log = logging.getLogger(__name__)

# Progress steps the deployment guide promises: 0 -> 30 (data gathered) -> 60 (rendered) -> 80 (stored) -> 100.
GATHERED, RENDERED, STORED, DONE = 30, 60, 80, 100


@dataclass(frozen=True)
class Pipeline:
    """What the job reads and writes: the services it gathers from, the records it completes, where it renders."""

    rooms: RoomService
    documents: DocumentService
    users: UserService
    records: SnapshotRecords
    tasks: TaskStore
    cache: PdfCache
    metrics: MetricsRecorder
    pool: RenderPool
    layout: DataLayout
    fonts_dir: Path
    include_limits: Limits = Limits()
    signer: SignerConfig | None = None  # None: snapshots are not signed (bench and tests of the render alone)
    checklists: ChecklistService | None = None  # None: the report has no checklists (bench)
    sync: SyncState | None = None  # the rooms' open merge conflicts, for the cover (None: none, as in the bench)


def generate_snapshot(pipeline: Pipeline, snapshot_id: str) -> dict[str, Any] | None:
    """Generate the PDF of one snapshot, recording progress, cache use, metrics and activity.

    Returns the task result, or None when the task was cancelled (or is gone) before it started.
    Never raises for a failed generation: the error is recorded on the task and the snapshot.
    """
    p = pipeline
    task_id = task_id_for(snapshot_id)
    snapshot = p.records.get(snapshot_id)
    if snapshot is None or p.tasks.start(task_id) is None:
        return None
    output = p.layout.snapshot_pdf(snapshot_id)
    started = time.perf_counter()
    try:
        model = gather_snapshot(p.rooms, p.documents, snapshot, p.checklists, limits=p.include_limits,
                                conflicts=p.sync.open_lines(snapshot["room_id"]) if p.sync else None)
        key = model["content_key"]
        hit = p.cache.get(key)
        # A hit without included files is done in tens of milliseconds, before a poller could see a step: its steps
        # between 0 and 100 are not written (each is a store write with fsync). A render (and a hit with included
        # files, which the worker may have to render after all: see build_pdf) shows every one as it happens.
        steps = hit is None or bool(model["included_files"])
        if steps:
            p.tasks.progress(task_id, GATHERED)
        job: RenderJob = {"model": model, "facts": snapshot_facts(p, snapshot, key), "body": hit[0] if hit else None,
               "fonts_dir": str(p.fonts_dir), "output": str(output), "appendix": appendix_items(p, model),
               "signer": p.signer}
        out = p.pool.run(job)
        if steps:
            p.tasks.progress(task_id, RENDERED)
        if out["body"] is not None:  # None when the cached body served, or the body holds outcomes of this run only
            p.cache.put(key, out["body"])
        was_cached = hit is not None and out["body_reused"]
        if p.records.get(snapshot_id) is None:  # deleted while rendering: leave nothing behind
            output.unlink(missing_ok=True)
            p.tasks.cancel(task_id)
            return None
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        file_url = snapshot_download_url(snapshot["room_id"], snapshot_id)
        result = {"file_url": file_url, "file_size": out["size"], "sha256": out["sha256"], "pages": out["pages"],
                  "unprintable_characters": out["unprintable"],
                  "was_cached": was_cached, "cache_layer": hit[1] if hit and was_cached else None,
                  "content_key": key, "duration_ms": duration_ms}
        p.records.update(snapshot_id, {"status": "completed", "file_url": file_url, "file_size": out["size"],
                                       "sha256": out["sha256"], "pages": out["pages"], "content_key": key,
                                       "completed_at": now_iso(), "error": None})
        if steps:
            p.tasks.progress(task_id, STORED)
        p.metrics.record_generation(duration_ms=duration_ms, was_cached=was_cached, size=out["size"],
                                    pages=out["pages"], room_id=snapshot["room_id"])
        p.rooms.log(snapshot["room_id"], snapshot["created_by"], "snapshot generated",
                    f"{snapshot['title']} ({out['pages']} pages, was_cached={str(was_cached).lower()})")
        p.tasks.complete(task_id, result)
        return result
    except RenderStopped:
        p.tasks.put_back(task_id)  # the next start's recovery queues it again
        log.info("Snapshot %s not rendered: the server is stopping; it will be generated after the next start",
                 snapshot_id)
        return None
    except Exception as exc:
        message = _readable(exc)
        # ValueError: bad input (an included document that cannot be read is listed as not included, it does not
        # fail the snapshot); LookupError: the room went away. The user's input,
        # not our bug: a WARNING, so that `verify` (which counts ERROR lines) stays green.
        # OSError: the disk refused the PDF (full, file too large): an ERROR for the operator, whose message says
        # it all; anything else is our bug and keeps its traceback.
        level = logging.WARNING if isinstance(exc, ValueError | LookupError) else logging.ERROR
        log.log(level, "Snapshot %s failed: %s", snapshot_id, message,
                exc_info=level == logging.ERROR and not isinstance(exc, OSError))
        output.unlink(missing_ok=True)
        p.records.update(snapshot_id, {"status": "failed", "error": message, "completed_at": now_iso()})
        p.tasks.fail(task_id, message)
        p.metrics.record_generation(duration_ms=(time.perf_counter() - started) * 1000, was_cached=False,
                                    size=0, pages=0, room_id=snapshot["room_id"], status="failed")
        p.rooms.log(snapshot["room_id"], snapshot["created_by"], "snapshot failed", message)
        return None


def snapshot_facts(p: Pipeline, snapshot: SnapshotRecord, key: str) -> SnapshotFacts:
    """What the cover and the assembly print about this one snapshot (not part of the cached body)."""
    user = p.users.get(snapshot["created_by"])
    by = f"{user.name} <{user.email}>" if user and user.name != user.email else snapshot["created_by"]
    own = p.rooms.chain.origin  # this installation's id: its own chain needs no name
    chains = [("" if h.origin == own else f"from installation {h.origin}: ")
              + f"{h.count} entries, head {h.hash[:16]}… ({h.label()})"
              for h in p.rooms.chain.chain_heads(snapshot["room_id"])]
    return {"snapshot_id": snapshot["id"], "title": snapshot["title"], "content_key": key,
            "generated_at": utcnow().strftime("%Y-%m-%d %H:%M:%S UTC"), "generated_by": by,
            "signed_by": signer_line(load_signer(p.signer)) if p.signer else "", "activity_chains": chains}


def include_limits(settings: Settings) -> Limits:
    """The limits included documents are judged under, from the settings ``include_max_*``."""
    return Limits(pages=settings.include_max_file_pages, total_pages=settings.include_max_total_pages,
                  bytes=settings.include_max_file_mb * 1024 * 1024, seconds=settings.include_max_file_seconds)


def appendix_items(p: Pipeline, model: ReportModel) -> list[AppendixItem]:
    """The files of ``model``'s index, in order, as the worker reads, stamps and attaches them."""
    return [AppendixItem(path=str(p.layout.documents / f["file_id"]), name=f["file_name"], kind=f["kind"],
                         title=f"{f['group']}: {f['document']} ({f['file_name']})",
                         attachment=f"{f['vessel']} - {f['document']} - v{f['version']} - {f['file_name']}",
                         label=f"{f['document']} — v{f['version']} — {f['file_name']}", status=f["status"],
                         document=f["document"], version=f["version"])
            for f in model["included_files"]]


def _readable(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return f"could not write the PDF: {exc.strerror}"
    text = str(exc) or exc.__class__.__name__
    return text if len(text) < 500 else text[:497] + "..."
