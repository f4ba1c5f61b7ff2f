"""One plain ASGI middleware for what every API request needs: its metric, and ``GET /metrics`` for scrapers.

Written against ASGI directly rather than with ``@app.middleware("http")``: Starlette's ``BaseHTTPMiddleware``
runs each request through an extra task and memory streams, about half a millisecond a request each.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from prometheus_client.exposition import CONTENT_TYPE_LATEST
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..context import StsApp
from ..domain.urls import API_PREFIX
from ..metrics.prometheus import PATH, PrometheusExporter, wants_page


class ApiMiddleware:
    def __init__(self, app: ASGIApp, sts: StsApp, exporter: PrometheusExporter) -> None:
        self.app = app
        self.sts = sts
        self.exporter = exporter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if path == PATH and scope["method"] in ("GET", "HEAD") and not wants_page(Request(scope)):
            await Response(self.exporter.exposition(), media_type=CONTENT_TYPE_LATEST)(scope, receive, send)
            return
        if not path.startswith(API_PREFIX):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_and_note_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note_status)
        finally:
            self._record(scope, status, (time.perf_counter() - started) * 1000)

    def _record(self, scope: Scope, status: int, duration_ms: float) -> None:
        route: Any = scope.get("route")  # set by the router on this same scope once a route matched
        template = getattr(route, "path", None) or "unmatched"
        if template.startswith("/") and not template.startswith(API_PREFIX):  # the router's own path, unprefixed
            template = API_PREFIX + template
        flush = self.sts.metrics.record_request(route=template, method=scope["method"], status_code=status,
                                                duration_ms=duration_ms)
        if flush:  # the write happens in a thread, after the response: the event loop never waits for the disk
            asyncio.get_running_loop().run_in_executor(None, self.sts.metrics.flush)
