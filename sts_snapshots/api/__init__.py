"""The REST API under ``/api/v1``: one router per resource, registered on NiceGUI's FastAPI app."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI

from ..context import StsApp
from ..domain.urls import API_PREFIX
from ..metrics.prometheus import PrometheusExporter
from . import auth, checklists, conflicts, documents, health, packs, rooms, snapshots, verify
from .errors import install_error_handlers
from .limits import JSON_LIMIT, strict_json, upload_limit
from .middleware import ApiMiddleware

__all__ = ["register_api"]


def register_api(app: FastAPI, sts: StsApp) -> None:
    app.state.sts = sts
    uploads = upload_limit(sts.settings)
    # The default of every route added to the app from now on: the pages and NiceGUI's own upload routes (made
    # when a page shows a ui.upload). The API's JSON bodies get far less, its one upload route the upload limit.
    # Not the app-wide ``app.max_body_size``: that one answers in plain text, even over our JSON 413.
    app.router.max_body_size = uploads
    api = APIRouter(prefix=API_PREFIX, max_body_size=JSON_LIMIT, dependencies=[Depends(strict_json)])
    for module in (auth, rooms, documents, checklists, snapshots, health, conflicts):
        api.include_router(module.router)
    api.include_router(checklists.sets)
    api.include_router(documents.uploads, max_body_size=uploads)
    api.include_router(verify.router, max_body_size=uploads)
    room_packs = packs.pack_limit(sts.settings.max_pack_mb)
    api.include_router(packs.router, max_body_size=room_packs)
    app.include_router(api)
    install_error_handlers(app)
    exporter = PrometheusExporter(sts.metrics, cache_stats=sts.cache.stats, task_counts=sts.task_counts,
                                  uptime_s=sts.uptime_s)
    app.add_middleware(ApiMiddleware, sts=sts, exporter=exporter, max_body_size=uploads,
                       larger={f"{API_PREFIX}{packs.IMPORT_PATH}": room_packs})
