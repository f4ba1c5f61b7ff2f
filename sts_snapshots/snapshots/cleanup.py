"""The cleanup job (the guide's cleanup_old_data.py): old tasks, cache entries and metrics."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass

from ..metrics.recorder import MetricsRecorder
from ..services.tasks import TaskStore
from .cache import PdfCache

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CleanupResult:
    tasks: int
    cache_entries: int
    metrics: int

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


def run_cleanup(tasks: TaskStore, cache: PdfCache, metrics: MetricsRecorder, *, task_hours: float = 24,
                cache_hours: float = 72, metrics_hours: float = 168) -> CleanupResult:
    """Remove finished tasks, cache entries and metrics older than their limits; log and return the counts."""
    result = CleanupResult(tasks=tasks.cleanup_old_tasks(hours=task_hours),
                           cache_entries=cache.clear_old_entries(hours=cache_hours),
                           metrics=metrics.clear_old_metrics(hours=metrics_hours))
    log.info("Cleanup removed %d old tasks, %d old cache entries, %d old metrics",
             result.tasks, result.cache_entries, result.metrics)
    return result
