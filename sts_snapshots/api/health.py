"""``/api/v1/health``: is the server up, its scheduler running, its data folder writable, its database reachable."""

from __future__ import annotations

import shutil
import tempfile
from typing import Any

from fastapi import APIRouter

from .deps import Sts

router = APIRouter(tags=["health"])


@router.get("/health")
def health(sts: Sts) -> dict[str, Any]:
    try:
        with tempfile.TemporaryFile(dir=sts.layout.uploads):
            writable = True
    except OSError:
        writable = False
    running = sts.scheduler.running
    free_mb = shutil.disk_usage(sts.layout.root).free // (1024 * 1024)
    answer: dict[str, Any] = {"status": "ok" if running and writable else "degraded", "version": sts.version,
                              "uptime_s": sts.uptime_s(), "scheduler_running": running,
                              "data_dir_writable": writable, "disk_free_mb": free_mb}
    if sts.settings.database_url:  # the distributed mode: every store is in PostgreSQL
        problem = sts.stores.backend.ping()
        answer["database_reachable"] = problem is None
        if problem is not None:
            answer |= {"status": "degraded", "database_error": problem}
    return answer
