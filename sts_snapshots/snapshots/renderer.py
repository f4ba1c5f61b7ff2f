"""Where render jobs run: a pool of worker processes (recycled after N jobs), or inline for tests."""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
import threading
from collections.abc import Iterator
from concurrent.futures import CancelledError, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import NoReturn

from .worker import RenderJob, RenderResult, build_pdf, init_pool_worker, init_worker


class RenderError(RuntimeError):
    """The render worker died (killed, out of memory) before finishing the job."""


class RenderStopped(RuntimeError):
    """The server is shutting down: the job was not rendered and should run again after the next start."""


@contextlib.contextmanager
def signals_blocked() -> Iterator[None]:
    """Block SIGINT and SIGTERM in this thread meanwhile (POSIX); processes and threads started inherit it.

    Ctrl+C in a terminal signals the whole process group, and a service manager's stop may too. A worker
    process still importing when it arrives would die of it (a traceback, and a failed snapshot) before its
    initializer could ignore it; started with the signals blocked, it ignores them first and then unblocks
    (:func:`~sts_snapshots.snapshots.worker.init_pool_worker`). The pool's manager thread, which starts the
    replacement of a recycled worker, is created in here too and so blocks them for good. The server's own
    handling is unaffected: Python runs signal handlers in the main thread, which never renders.
    """
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    from multiprocessing import resource_tracker

    # Starting a process starts multiprocessing's resource tracker first if it is not running, and that
    # *unblocks* both signals in the calling thread afterwards (it uses the same trick, bpo-33613): so it
    # is started before they are blocked here.
    resource_tracker.ensure_running()
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


class RenderPool:
    """``workers == 0`` renders in the calling thread; otherwise in spawned worker processes.

    Workers are recycled after ``recycle_after`` jobs because borb's layout caches grow without bound.
    """

    def __init__(self, workers: int, recycle_after: int, fonts_dir: str | None = None, niceness: int = 0) -> None:
        self.workers = workers
        self.fonts_dir = fonts_dir
        self.niceness = niceness
        self.recycle_after = recycle_after
        self._executor: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._closed = False

    def _pool_locked(self) -> ProcessPoolExecutor:
        """The executor, started on first use; the caller holds ``self._lock``."""
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
                initializer=init_pool_worker, initargs=(self.fonts_dir, self.niceness),
                max_tasks_per_child=self.recycle_after)
        return self._executor

    def run(self, job: RenderJob) -> RenderResult:
        if self._closed:
            raise RenderStopped("the server is stopping")
        if self.workers == 0:
            init_worker()
            return build_pdf(job)
        # Checked and submitted under the lock: a shutdown either comes before (RenderStopped) or finds the job
        # queued (cancelled: RenderStopped below), never between, where it would fail the snapshot.
        with signals_blocked(), self._lock:
            if self._closed:
                raise RenderStopped("the server is stopping")
            pool = self._pool_locked()
            try:
                future = pool.submit(build_pdf, job)
            except BrokenProcessPool:
                future = None  # a worker died since the last job; handled below, outside the lock
        if future is None:
            self._broken(pool)
        try:
            return future.result()
        except CancelledError:  # still queued when the server shut the pool down
            raise RenderStopped("the server stopped before this job was rendered") from None
        except BrokenProcessPool:
            self._broken(pool)

    def _broken(self, pool: ProcessPoolExecutor) -> NoReturn:
        """A worker of ``pool`` died: drop the pool (the next job starts a new one) and say why the job failed."""
        with self._lock:
            if self._executor is pool:
                self._executor = None
        pool.shutdown(wait=False, cancel_futures=True)
        if self._closed:
            raise RenderStopped("the server stopped while this job was rendering") from None
        raise RenderError("the PDF render worker stopped unexpectedly (killed or out of memory)") from None

    def shutdown(self) -> None:
        """Stop taking jobs: queued ones are cancelled (:class:`RenderStopped`); renders in progress finish."""
        with self._lock:
            self._closed = True
            pool, self._executor = self._executor, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
