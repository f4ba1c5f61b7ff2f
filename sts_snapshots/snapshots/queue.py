"""The job queue of the embedded mode: APScheduler 3 in this process decides when and where jobs run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.background import BackgroundScheduler

from ..domain.ids import task_id_for

# APScheduler's default misfire_grace_time is 1 s: a queued job that starts late would be skipped
# silently. None means "run it however late".
JOB_DEFAULTS = {"misfire_grace_time": None, "coalesce": False, "max_instances": 1}


def build_scheduler(max_concurrent: int) -> BackgroundScheduler:
    return BackgroundScheduler(
        executors={"default": ThreadPoolExecutor(max_concurrent), "maintenance": ThreadPoolExecutor(1)},
        job_defaults=JOB_DEFAULTS, timezone=None)


def stop_scheduler(scheduler: BackgroundScheduler, *, wait: bool = False) -> None:
    """Shut ``scheduler`` down without racing its own thread.

    APScheduler 3 removes a one-shot job (a queued generation, the start's orphan scan) right after handing it to an
    executor; if ``shutdown`` set the state to stopped in between, that removal looks among the jobs pending a start,
    finds nothing and raises JobLookupError in the scheduler's thread. So: pause first (a new pass returns at once),
    wait for a pass in progress (it holds the job stores' lock throughout), then shut down.
    """
    if not scheduler.running:
        return
    scheduler.pause()
    with scheduler._jobstores_lock:  # APScheduler 3: held through a whole pass; no public way to wait for one
        pass
    scheduler.shutdown(wait=wait)


class SchedulerQueue:
    """:class:`~sts_snapshots.services.snapshots.JobQueue` on an APScheduler: ``run(snapshot_id)`` in its threads.

    Submitting before the scheduler runs does nothing: the start's recovery queues every pending task.
    """

    def __init__(self, scheduler: BackgroundScheduler, run: Callable[[str], Any]) -> None:
        self.scheduler = scheduler
        self._run = run

    def submit(self, snapshot_id: str) -> None:
        if self.scheduler.running:
            self.scheduler.add_job(self._run, args=(snapshot_id,), id=task_id_for(snapshot_id), replace_existing=True,
                                   misfire_grace_time=None)

    def remove(self, snapshot_id: str) -> None:
        try:
            self.scheduler.remove_job(task_id_for(snapshot_id))
        except JobLookupError:
            pass


def add_maintenance(scheduler: BackgroundScheduler, *, cleanup: Callable[[], Any], cleanup_hour: int,
                    flush: Callable[[], Any]) -> None:
    scheduler.add_job(cleanup, "cron", hour=cleanup_hour, minute=0, id="cleanup", replace_existing=True,
                      executor="maintenance")
    add_metrics_flush(scheduler, flush)


def add_metrics_flush(scheduler: BackgroundScheduler, flush: Callable[[], Any]) -> None:
    """Write this process's buffered metrics every 5 s; per node in the distributed mode, where it is the only job."""
    scheduler.add_job(flush, "interval", seconds=5, id="metrics-flush", replace_existing=True,
                      executor="maintenance")
