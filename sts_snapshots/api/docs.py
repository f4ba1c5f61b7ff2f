"""``/docs`` (Swagger UI) and ``/redoc`` from files shipped in ``static/api-docs/``: both work with no network.

FastAPI's own pages (NiceGUI's ``fastapi_docs``) load their scripts from a public CDN, a favicon from FastAPI's
site and fonts from Google; on a ship without internet they stay blank.
"""

from __future__ import annotations

from functools import lru_cache

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from ..resources import static_dir

ASSETS = "/api-docs-assets"
OPENAPI = "/openapi.json"
FAVICON = "/favicon.ico"
REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"  # ReDoc's menu footer shows it, and has no option to stop


@lru_cache(maxsize=1)
def redoc_script() -> bytes:
    """The shipped ReDoc bundle with its one fetched outside address (its logo) pointed at our icon."""
    text = (static_dir() / "api-docs" / "redoc" / "redoc.standalone.js").read_text(encoding="utf-8")
    return text.replace(REDOC_LOGO, FAVICON).encode("utf-8")


def register_docs(app: FastAPI, title: str, version: str) -> None:
    """Serve the OpenAPI schema and both documentation pages from local assets."""
    @app.get(f"{ASSETS}/redoc/redoc.standalone.js", include_in_schema=False)
    def redoc_js() -> Response:
        return Response(redoc_script(), media_type="text/javascript")

    # only Swagger's folder is served as files: ReDoc's script goes through the route above
    app.mount(f"{ASSETS}/swagger-ui", StaticFiles(directory=static_dir() / "api-docs" / "swagger-ui"),
              name="swagger-ui-assets")
    app.title, app.version = title, version
    app.openapi_url = OPENAPI  # Swagger's "Try it out" and the schema link read it
    oauth2_redirect = "/docs/oauth2-redirect"

    @app.get(OPENAPI, include_in_schema=False)
    def openapi() -> JSONResponse:
        return JSONResponse(app.openapi())

    @app.get("/docs", include_in_schema=False)
    def swagger() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url=OPENAPI, title=f"{title} · API", oauth2_redirect_url=oauth2_redirect,
                                   swagger_js_url=f"{ASSETS}/swagger-ui/swagger-ui-bundle.js",
                                   swagger_css_url=f"{ASSETS}/swagger-ui/swagger-ui.css",
                                   swagger_favicon_url=FAVICON)

    @app.get(oauth2_redirect, include_in_schema=False)
    def swagger_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return get_redoc_html(openapi_url=OPENAPI, title=f"{title} · API",
                              redoc_js_url=f"{ASSETS}/redoc/redoc.standalone.js", redoc_favicon_url=FAVICON,
                              with_google_fonts=False)
