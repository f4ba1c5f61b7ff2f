"""One bench run's temporary folder: the template data folder (built once) and fresh copies per server."""

from __future__ import annotations

import contextlib
import logging
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from .server import Server, ServerOptions
from .setup_data import build_template, fresh_copy

log = logging.getLogger("bench")


class Workspace:
    def __init__(self, quick: bool = False, keep: bool = False) -> None:
        self.quick = quick
        self.keep = keep
        self.root = Path(tempfile.mkdtemp(prefix="sts-bench-"))
        self.sizes: tuple[int, ...] = (10, 40) if quick else (10, 40, 200)
        self._rooms: dict[str, str] | None = None
        self._copies = 0

    @property
    def template(self) -> Path:
        return self.root / "template"

    @property
    def rooms(self) -> dict[str, str]:
        """Room ids by name (``demo``, ``docs10``, ``docs40``, ``docs200``); builds the template on first use."""
        if self._rooms is None:
            started = time.perf_counter()
            self._rooms = build_template(self.template, self.sizes)
            log.info("template data folder ready in %.1f s", time.perf_counter() - started)
        return self._rooms

    def fresh(self) -> Path:
        self.rooms  # noqa: B018 - make sure the template exists
        self._copies += 1
        return fresh_copy(self.template, self.root / f"data-{self._copies}")

    @contextlib.contextmanager
    def server(self, options: ServerOptions | None = None) -> Iterator[Server]:
        """A server on a fresh copy of the template data folder, stopped (and its copy removed) afterwards."""
        options = options or ServerOptions()
        data = self.fresh()
        server = Server(data, options)
        try:
            server.start()
            yield server
        finally:
            server.stop()
            if not self.keep:
                shutil.rmtree(data, ignore_errors=True)

    def close(self) -> None:
        if not self.keep:
            shutil.rmtree(self.root, ignore_errors=True)
        else:
            log.info("kept the bench folder %s", self.root)
