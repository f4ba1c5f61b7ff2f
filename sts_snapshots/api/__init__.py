"""The REST API under ``/api/v1``: one router per resource, registered on NiceGUI's FastAPI app."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, FastAPI, Request, Response

from ..app import StsApp
from . import auth, documents, health, rooms, snapshots
from .errors import install_error_handlers
from .prometheus import register_prometheus

PREFIX = "/api/v1"


def register_api(app: FastAPI, sts: StsApp) -> None:
    app.state.sts = sts
    api = APIRouter(prefix=PREFIX)
    for module in (auth, rooms, documents, snapshots, health):
        api.include_router(module.router)
    app.include_router(api)
    install_error_handlers(app)
    register_prometheus(app, sts)

    @app.middleware("http")
    async def record_request(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        if not request.url.path.startswith(PREFIX):
            return await call_next(request)
        started = time.perf_counter()
        response = await call_next(request)
        route = request.scope.get("route")
        template = getattr(route, "path", None) or "unmatched"
        if template.startswith("/") and not template.startswith(PREFIX):  # the router's own path, unprefixed
            template = PREFIX + template
        full = sts.metrics.record_request(route=template, method=request.method, status_code=response.status_code,
                                          duration_ms=(time.perf_counter() - started) * 1000)
        if full:  # the write happens in a thread, after the response: the event loop never waits for the disk
            asyncio.get_running_loop().run_in_executor(None, sts.metrics.flush)
        return response
