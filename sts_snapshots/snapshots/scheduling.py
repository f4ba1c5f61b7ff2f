"""APScheduler 3 wiring: when and where jobs run. The jobs themselves are plain functions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.background import BackgroundScheduler

# APScheduler's default misfire_grace_time is 1 s: a queued job that starts late would be skipped
# silently. None means "run it however late".
JOB_DEFAULTS = {"misfire_grace_time": None, "coalesce": False, "max_instances": 1}


def build_scheduler(max_concurrent: int) -> BackgroundScheduler:
    return BackgroundScheduler(
        executors={"default": ThreadPoolExecutor(max_concurrent), "maintenance": ThreadPoolExecutor(1)},
        job_defaults=JOB_DEFAULTS, timezone=None)


def submit_now(scheduler: BackgroundScheduler, job_id: str, func: Callable[..., Any], *args: Any) -> None:
    scheduler.add_job(func, args=args, id=job_id, replace_existing=True, misfire_grace_time=None)


def remove(scheduler: BackgroundScheduler, job_id: str) -> None:
    try:
        scheduler.remove_job(job_id)
    except JobLookupError:
        pass


def add_maintenance(scheduler: BackgroundScheduler, *, cleanup: Callable[[], Any], cleanup_hour: int,
                    flush: Callable[[], Any]) -> None:
    scheduler.add_job(cleanup, "cron", hour=cleanup_hour, minute=0, id="cleanup", replace_existing=True,
                      executor="maintenance")
    scheduler.add_job(flush, "interval", seconds=5, id="metrics-flush", replace_existing=True,
                      executor="maintenance")
