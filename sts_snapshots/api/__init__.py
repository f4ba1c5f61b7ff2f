"""The REST API under ``/api/v1``: one router per resource, registered on NiceGUI's FastAPI app."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from ..context import StsApp
from ..domain.urls import API_PREFIX
from ..metrics.prometheus import PrometheusExporter
from . import auth, documents, health, rooms, snapshots
from .errors import install_error_handlers
from .middleware import ApiMiddleware

__all__ = ["register_api"]


def register_api(app: FastAPI, sts: StsApp) -> None:
    app.state.sts = sts
    api = APIRouter(prefix=API_PREFIX)
    for module in (auth, rooms, documents, snapshots, health):
        api.include_router(module.router)
    app.include_router(api)
    install_error_handlers(app)
    exporter = PrometheusExporter(sts.metrics, cache_stats=sts.cache.stats, task_counts=sts.task_counts,
                                  uptime_s=sts.uptime_s)
    app.add_middleware(ApiMiddleware, sts=sts, exporter=exporter)
