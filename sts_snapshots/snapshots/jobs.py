"""The background job: a plain function of explicit arguments. The scheduler only decides when it runs."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from .model import gather
from .renderer import RenderStopped

if TYPE_CHECKING:
    from .engine import SnapshotEngine

log = logging.getLogger(__name__)

# Progress steps the deployment guide promises: 0 -> 30 (data gathered) -> 60 (rendered) -> 80 (stored) -> 100.
GATHERED, RENDERED, STORED, DONE = 30, 60, 80, 100


def generate_snapshot(engine: SnapshotEngine, snapshot_id: str) -> dict[str, Any] | None:
    """Generate the PDF of one snapshot, recording progress, cache use, metrics and activity.

    Returns the task result, or None when the task was cancelled (or is gone) before it started.
    Never raises for a failed generation: the error is recorded on the task and the snapshot.
    """
    task_id = f"snapshot-{snapshot_id}"
    snapshot = engine.records.get(snapshot_id)
    if snapshot is None or engine.tasks.start(task_id) is None:
        return None
    started = time.perf_counter()
    try:
        model = gather(engine.rooms, engine.documents, snapshot["room_id"], snapshot["include_documents"])
        engine.tasks.progress(task_id, GATHERED)
        key = model["content_key"]
        hit = engine.cache.get(key)
        job = {"model": model, "facts": engine.facts(snapshot, key), "body": hit[0] if hit else None,
               "fonts_dir": str(engine.fonts_dir), "output": str(engine.pdf_path(snapshot_id)),
               "appendix": engine.appendix(model)}
        out = engine.pool.run(job)
        engine.tasks.progress(task_id, RENDERED)
        if out["body"] is not None:
            engine.cache.put(key, out["body"])
        if engine.records.get(snapshot_id) is None:  # deleted while rendering: leave nothing behind
            engine.pdf_path(snapshot_id).unlink(missing_ok=True)
            engine.tasks.cancel(task_id)
            return None
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        result = {"file_url": engine.file_url(snapshot), "file_size": out["size"], "sha256": out["sha256"],
                  "pages": out["pages"], "was_cached": hit is not None, "cache_layer": hit[1] if hit else None,
                  "content_key": key, "duration_ms": duration_ms}
        engine.records.update(snapshot_id, {"status": "completed", "file_url": result["file_url"],
                                            "file_size": out["size"], "sha256": out["sha256"], "pages": out["pages"],
                                            "content_key": key, "completed_at": engine.now(), "error": None})
        engine.tasks.progress(task_id, STORED)
        engine.metrics.record_generation(duration_ms=duration_ms, was_cached=hit is not None, size=out["size"],
                                         pages=out["pages"], room_id=snapshot["room_id"])
        engine.rooms.log(snapshot["room_id"], snapshot["created_by"], "snapshot generated",
                         f"{snapshot['title']} ({out['pages']} pages, was_cached={str(hit is not None).lower()})")
        engine.tasks.complete(task_id, result)
        return result
    except RenderStopped:
        engine.tasks.put_back(task_id)  # the next start's recovery queues it again
        log.info("Snapshot %s not rendered: the server is stopping; it will be generated after the next start",
                 snapshot_id)
        return None
    except Exception as exc:
        message = _readable(exc)
        log.error("Snapshot %s failed: %s", snapshot_id, message)
        engine.pdf_path(snapshot_id).unlink(missing_ok=True)
        engine.records.update(snapshot_id, {"status": "failed", "error": message, "completed_at": engine.now()})
        engine.tasks.fail(task_id, message)
        engine.metrics.record_generation(duration_ms=(time.perf_counter() - started) * 1000, was_cached=False,
                                         size=0, pages=0, room_id=snapshot["room_id"], status="failed")
        engine.rooms.log(snapshot["room_id"], snapshot["created_by"], "snapshot failed", message)
        return None


def _readable(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return f"could not write the PDF: {exc.strerror}"
    text = str(exc) or exc.__class__.__name__
    return text if len(text) < 500 else text[:497] + "..."
