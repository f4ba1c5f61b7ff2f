"""Where render jobs run: a pool of worker processes (recycled after N jobs), or inline for tests."""

from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from .worker import build_pdf, init_pool_worker, init_worker


class RenderError(RuntimeError):
    """The render worker died (killed, out of memory) before finishing the job."""


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

    def _pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = ProcessPoolExecutor(
                    max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
                    initializer=init_pool_worker, initargs=(self.fonts_dir, self.niceness),
                    max_tasks_per_child=self.recycle_after)
            return self._executor

    def run(self, job: dict[str, Any]) -> dict[str, Any]:
        if self.workers == 0:
            init_worker()
            return build_pdf(job)
        pool = self._pool()
        try:
            return pool.submit(build_pdf, job).result()
        except BrokenProcessPool:
            with self._lock:
                if self._executor is pool:
                    self._executor = None
            pool.shutdown(wait=False, cancel_futures=True)
            raise RenderError("the PDF render worker stopped unexpectedly (killed or out of memory)") from None

    def shutdown(self) -> None:
        with self._lock:
            pool, self._executor = self._executor, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
