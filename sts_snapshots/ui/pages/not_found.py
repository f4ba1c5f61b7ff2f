"""The 404 page in the app's own frame, with a way back; the API and file routes keep their JSON answers."""

from __future__ import annotations

import inspect

from fastapi import FastAPI, Request
from fastapi.responses import Response
from nicegui import Client
from nicegui.page import page

from ...context import StsApp
from ..shell import session, theme, widgets


def register_not_found(app: FastAPI, sts: StsApp) -> None:
    """Answer an unknown page with our page; whatever answered 404s before keeps the API's and the files'."""
    previous = app.exception_handlers.get(404)

    async def not_found(request: Request, exc: Exception) -> Response:
        endpoint = request.scope.get("endpoint")
        is_route = endpoint is not None and endpoint is not app and not request.scope.get("nicegui_page_path")
        if previous is not None and (is_route or request.url.path.startswith(("/api/", "/_nicegui/"))):
            answer = previous(request, exc)
            return await answer if inspect.isawaitable(answer) else answer
        user = await session.current_user(sts)
        with Client(page(""), request=request) as client, theme.frame(user, title="Page not found"):
            widgets.message_panel("explore_off", "Page not found",
                                  f"There is no page at {request.url.path}. It may have moved, or the link is "
                                  "mistyped.", "page-not-found")
        return client.build_response(request, 404)

    app.add_exception_handler(404, not_found)
