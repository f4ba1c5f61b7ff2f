"""The API's fast lane: ``/api/v1/*`` goes to a plain FastAPI app, in front of NiceGUI's middleware stack.

NiceGUI wraps every request in its session cookie, its request tracking (which makes a user storage for every
request without a session cookie, as every bearer-token API call is), a cache-control and a redirect middleware:
three of them ``BaseHTTPMiddleware``, each an extra task and memory streams. The API needs none of that, and on
two cores shared with the render workers it was about half the server's CPU per API request.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.types import ASGIApp, Receive, Scope, Send

from ..domain.urls import API_PREFIX


def is_api_path(path: str) -> bool:
    """Whether a request path belongs to the REST API.

    >>> [is_api_path(p) for p in ("/api/v1", "/api/v1/rooms", "/api/v1x", "/api/v2/rooms", "/rooms")]
    [True, True, False, False, False]
    """
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")


class FastLane:
    """An ASGI dispatcher: HTTP requests to the API go to ``api``, everything else (pages, websockets, NiceGUI's
    own routes, the lifespan) to ``rest``."""

    def __init__(self, api: ASGIApp, rest: ASGIApp) -> None:
        self.api = api
        self.rest = rest

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and is_api_path(scope["path"]):
            await self.api(scope, receive, send)
        else:
            await self.rest(scope, receive, send)


def put_in_front(app: Starlette, api: ASGIApp) -> None:
    """Make ``app`` answer API requests with ``api`` before its own middleware stack; call it once, at start-up.

    Starlette builds an app's middleware stack once (at its first call: the lifespan, under uvicorn) and keeps it
    in ``middleware_stack``; NiceGUI adds its middleware while ``ui.run`` starts the server, after ``create_app``,
    always in front of ours. So the dispatcher wraps the finished stack, at start-up, before the first request.
    """
    inner = app.middleware_stack if app.middleware_stack is not None else app.build_middleware_stack()
    if not isinstance(inner, FastLane):
        app.middleware_stack = FastLane(api, inner)
