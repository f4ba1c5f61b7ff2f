"""The REST API under ``/api/v1``: one router per resource, registered on NiceGUI's FastAPI app."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from ..context import StsApp
from ..domain.urls import API_PREFIX
from . import auth, documents, health, rooms, snapshots
from .errors import install_error_handlers
from .middleware import ApiMiddleware
from .prometheus import PrometheusExporter

__all__ = ["register_api"]


def register_api(app: FastAPI, sts: StsApp) -> None:
    app.state.sts = sts
    api = APIRouter(prefix=API_PREFIX)
    for module in (auth, rooms, documents, snapshots, health):
        api.include_router(module.router)
    app.include_router(api)
    install_error_handlers(app)
    app.add_middleware(ApiMiddleware, sts=sts, exporter=PrometheusExporter(sts))
