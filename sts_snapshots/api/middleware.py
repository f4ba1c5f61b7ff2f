"""One plain ASGI middleware for what every request needs: the security headers, an early 413 for a declared body
over every limit, and for the API its metric; plus ``GET /metrics`` for scrapers.

Written against ASGI directly rather than with ``@app.middleware("http")``: Starlette's ``BaseHTTPMiddleware``
runs each request through an extra task and memory streams, about half a millisecond a request each.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from prometheus_client.exposition import CONTENT_TYPE_LATEST
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..context import StsApp
from ..domain.urls import API_PREFIX
from ..metrics.prometheus import PATH, PrometheusExporter, wants_page

# Only ``frame-ancestors``: a fuller policy would have to allow NiceGUI's inline scripts and styles anyway.
SECURITY_HEADERS = {"Content-Security-Policy": "frame-ancestors 'self'", "X-Frame-Options": "SAMEORIGIN",
                    "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"}

TOO_LARGE = b'{"detail":"the request body is larger than this route accepts"}'


class ApiMiddleware:
    def __init__(self, app: ASGIApp, sts: StsApp, exporter: PrometheusExporter, max_body_size: int,
                 larger: dict[str, int] | None = None) -> None:
        self.app = app
        self.sts = sts
        self.exporter = exporter
        self.max_body_size = max_body_size
        self.larger = larger or {}  # paths whose route takes more (a room pack's import)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = _with_security_headers(_json_413(send))
        path: str = scope["path"]
        if path == PATH and scope["method"] in ("GET", "HEAD") and not wants_page(Request(scope)):
            await Response(self.exporter.exposition(), media_type=CONTENT_TYPE_LATEST)(scope, receive, send)
            return
        limit = self.larger.get(path, self.max_body_size)
        if _declared_length(scope) > limit:
            # refused before routing: no route takes this much
            await JSONResponse({"detail": f"the request body is larger than the {limit} byte limit"},
                               status_code=413)(scope, receive, send)
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


def _with_security_headers(send: Send) -> Send:
    async def send_with_headers(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            for name, value in SECURITY_HEADERS.items():
                headers.setdefault(name, value)
        await send(message)

    return send_with_headers


def _json_413(send: Send) -> Send:
    """FastAPI's body limit (Starlette's middleware) answers a declared length over the limit in plain text."""
    replacing = False

    async def send_json_413(message: Message) -> None:
        nonlocal replacing
        if message["type"] == "http.response.start" and message["status"] == 413:
            headers = MutableHeaders(scope=message)
            if headers.get("content-type", "").startswith("text/plain"):
                replacing = True
                headers["content-type"] = "application/json"
                headers["content-length"] = str(len(TOO_LARGE))
        elif message["type"] == "http.response.body" and replacing:
            if message.get("more_body", False):
                return
            message = {"type": "http.response.body", "body": TOO_LARGE}
        await send(message)

    return send_json_413


def _declared_length(scope: Scope) -> int:
    try:
        return int(Headers(scope=scope).get("content-length", 0))
    except ValueError:
        return 0
