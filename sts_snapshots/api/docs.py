"""``/docs`` (Swagger UI) and ``/redoc`` from files shipped in ``static/api-docs/``: both work with no network.

FastAPI's own pages (NiceGUI's ``fastapi_docs``) load their scripts from a public CDN, a favicon from FastAPI's
site and fonts from Google; on a ship without internet they stay blank.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from ..resources import static_dir

ASSETS = "/api-docs-assets"
OPENAPI = "/openapi.json"
FAVICON = "/favicon.ico"


# Swagger UI's badges, method labels and Authorize button fall short of 4.5:1: darker shades of its own colours
SWAGGER_CONTRAST = """<style>
.swagger-ui .info .title small { background: #4b5563 !important; }
.swagger-ui .info .title small.version-stamp { background: #2f6b0f !important; }
.swagger-ui .info .title small pre { color: #fff !important; }
.swagger-ui .btn.authorize { color: #1e6b45 !important; border-color: #1e6b45 !important; }
.swagger-ui .btn.authorize svg { fill: #1e6b45 !important; }
.swagger-ui .opblock-post .opblock-summary-method { background: #1e6b45 !important; }
.swagger-ui .opblock-get .opblock-summary-method { background: #1f5c99 !important; }
.swagger-ui .opblock-put .opblock-summary-method { background: #8a4b00 !important; }
.swagger-ui .opblock-patch .opblock-summary-method { background: #1d6b5c !important; }
.swagger-ui .opblock-delete .opblock-summary-method { background: #b3261e !important; }
.swagger-ui .info .url, .swagger-ui .info a { color: #1f5c99 !important; }
.swagger-ui .json-schema-2020-12-expand-deep-button { color: #3b4151 !important; }
</style>"""


def with_lang(page: HTMLResponse, head: str = "") -> HTMLResponse:
    """FastAPI's page with ``<html lang="en">`` (and ``head`` added to its head), as every page of the app has."""
    text = bytes(page.body).decode("utf-8").replace("<html>", '<html lang="en">', 1)
    return HTMLResponse(text.replace("</head>", f"{head}</head>", 1) if head else text)


def register_docs(app: FastAPI, api: FastAPI, title: str, version: str) -> None:
    """Serve ``api``'s OpenAPI schema and both documentation pages, from local assets, on ``app``."""
    app.mount(f"{ASSETS}/swagger-ui", StaticFiles(directory=static_dir() / "api-docs" / "swagger-ui"),
              name="swagger-ui-assets")
    app.mount(f"{ASSETS}/redoc", StaticFiles(directory=static_dir() / "api-docs" / "redoc"), name="redoc-assets")
    api.title, api.version = title, version
    app.openapi_url = OPENAPI  # Swagger's "Try it out" and the schema link read it
    oauth2_redirect = "/docs/oauth2-redirect"

    @app.get(OPENAPI, include_in_schema=False)
    def openapi() -> JSONResponse:
        return JSONResponse(api.openapi())

    @app.get("/docs", include_in_schema=False)
    def swagger() -> HTMLResponse:
        page = get_swagger_ui_html(openapi_url=OPENAPI, title=f"{title} · API", oauth2_redirect_url=oauth2_redirect,
                                   swagger_js_url=f"{ASSETS}/swagger-ui/swagger-ui-bundle.js",
                                   swagger_css_url=f"{ASSETS}/swagger-ui/swagger-ui.css",
                                   swagger_favicon_url=FAVICON)
        return with_lang(page, SWAGGER_CONTRAST)

    @app.get(oauth2_redirect, include_in_schema=False)
    def swagger_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return with_lang(get_redoc_html(openapi_url=OPENAPI, title=f"{title} · API",
                                        redoc_js_url=f"{ASSETS}/redoc/redoc.standalone.js",
                                        redoc_favicon_url=FAVICON, with_google_fonts=False))
