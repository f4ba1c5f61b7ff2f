"""The job queue's contract (``services.snapshots.JobQueue``), run against every backend (APScheduler in-process)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest

from sts_snapshots.services.snapshots import JobQueue
from sts_snapshots.snapshots.queue import SchedulerQueue, build_scheduler, stop_scheduler

Ran = list[str]


def scheduler_queue(run: Callable[[str], object]) -> Iterator[tuple[JobQueue, Callable[[], None]]]:
    scheduler = build_scheduler(1)
    queue = SchedulerQueue(scheduler, run)
    yield queue, scheduler.start
    stop_scheduler(scheduler, wait=True)


@pytest.fixture(params=[scheduler_queue])
def backend(request: pytest.FixtureRequest) -> Iterator[tuple[JobQueue, Callable[[], None], Ran, threading.Event]]:
    ran: Ran = []
    gate, done = threading.Event(), threading.Event()

    def run(snapshot_id: str) -> None:
        gate.wait(10)  # the first job holds the only worker until the test lets it go
        ran.append(snapshot_id)
        done.set()

    factory = request.param(run)
    queue, start = next(factory)
    start()
    yield queue, gate.set, ran, done
    next(factory, None)


def test_a_submitted_job_runs(backend: tuple[JobQueue, Callable[[], None], Ran, threading.Event]) -> None:
    queue, release, ran, done = backend
    queue.submit("s1")
    release()
    assert done.wait(10) and ran == ["s1"]


def test_a_removed_job_that_has_not_started_never_runs(
        backend: tuple[JobQueue, Callable[[], None], Ran, threading.Event]) -> None:
    queue, release, ran, done = backend
    queue.submit("first")  # takes the only worker and waits at the gate
    queue.submit("second")
    queue.remove("second")
    queue.remove("never-submitted")  # nothing to remove: no error
    release()
    assert done.wait(10)
    done.clear()
    queue.submit("third")
    assert done.wait(10) and ran == ["first", "third"]


def test_submitting_before_the_queue_runs_does_nothing() -> None:
    ran: Ran = []
    scheduler = build_scheduler(1)
    SchedulerQueue(scheduler, ran.append).submit("s1")  # the start's recovery queues pending tasks instead
    assert not scheduler.get_jobs() and ran == []
