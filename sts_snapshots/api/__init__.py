"""The REST API under ``/api/v1``: one router per resource, served by a plain FastAPI app of its own (the fast
lane, ``fastlane.py``) that NiceGUI's app hands API requests to before its own middleware."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI
from fastapi.middleware.gzip import GZipMiddleware

from ..context import StsApp
from ..domain.urls import API_PREFIX
from ..metrics.prometheus import PrometheusExporter
from . import auth, checklists, conflicts, documents, health, packs, rooms, snapshots, sync, verify
from .errors import install_error_handlers
from .limits import JSON_LIMIT, strict_json, upload_limit
from .middleware import ApiMiddleware

__all__ = ["build_api_app", "register_api"]


def register_api(app: FastAPI, sts: StsApp) -> FastAPI:
    """Give NiceGUI's ``app`` the API's error answers, limits and middleware; returns the app serving the API.

    NiceGUI's app keeps them for what still reaches it: pages, ``/metrics``, a path under ``/api/`` that is not
    the API (a JSON 404), the documentation pages.
    """
    exporter = PrometheusExporter(sts.metrics, cache_stats=sts.cache.stats, task_counts=sts.task_counts,
                                  uptime_s=sts.uptime_s)
    app.state.sts = sts
    # The default of every route added to the app from now on: the pages and NiceGUI's own upload routes (made
    # when a page shows a ui.upload). Not the app-wide ``app.max_body_size``: that one answers in plain text,
    # even over our JSON 413.
    app.router.max_body_size = upload_limit(sts.settings)
    _serve_common(app, sts, exporter)
    return build_api_app(sts, exporter)


def build_api_app(sts: StsApp, exporter: PrometheusExporter) -> FastAPI:
    """A plain FastAPI app with the API's routes, error answers, limits, metric and CORS; no docs of its own
    (NiceGUI's app serves ``/docs`` and ``/openapi.json`` from this app's schema)."""
    api_app = FastAPI(title="STS Snapshots", version=sts.version, openapi_url=None, docs_url=None, redoc_url=None)
    api_app.state.sts = sts
    uploads = upload_limit(sts.settings)
    api_app.router.max_body_size = uploads
    # The API's JSON bodies get far less than an upload, its upload routes the upload limit.
    api = APIRouter(prefix=API_PREFIX, max_body_size=JSON_LIMIT, dependencies=[Depends(strict_json)])
    for module in (auth, rooms, documents, checklists, snapshots, health, conflicts, sync):
        api.include_router(module.router)
    api.include_router(checklists.sets)
    api.include_router(documents.uploads, max_body_size=uploads)
    api.include_router(verify.router, max_body_size=uploads)
    room_packs = packs.pack_limit(sts.settings.max_pack_mb)
    api.include_router(packs.router, max_body_size=room_packs)
    api.include_router(sync.peer_router, max_body_size=room_packs)
    api_app.include_router(api)
    api_app.add_middleware(GZipMiddleware)  # as NiceGUI's app compresses what it answers (large room listings)
    _serve_common(api_app, sts, exporter)
    return api_app


def _serve_common(app: FastAPI, sts: StsApp, exporter: PrometheusExporter) -> None:
    install_error_handlers(app)
    app.add_middleware(ApiMiddleware, sts=sts, exporter=exporter, max_body_size=upload_limit(sts.settings),
                       larger={f"{API_PREFIX}{path}": packs.pack_limit(sts.settings.max_pack_mb)
                               for path in (packs.IMPORT_PATH, sync.SYNC_IMPORT_PATH)})
    if sts.settings.cors_origin_list:  # a web client on another origin; bearer tokens, so no cookies cross
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=sts.settings.cors_origin_list, allow_credentials=False,
                           allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
                           allow_headers=["Authorization", "Content-Type"], expose_headers=["Content-Disposition"])
