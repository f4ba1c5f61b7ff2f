"""Map use-case errors to HTTP answers: always JSON with a ``detail``, never a 500 for bad input.

A 422 names what was wrong with at most a short excerpt of the input (never the whole body back); an unhandled
error is logged with its traceback (to ``logs/backend.log`` with everything else) and answered without its text.
"""

from __future__ import annotations

import html
import inspect
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException

from ..services.errors import Conflict, Forbidden, Invalid, NotFound, StorageFailed
from ..services.users import LockedOut
from ..store import StoreUnavailable
from .middleware import SECURITY_HEADERS

log = logging.getLogger(__name__)
STATUS = {NotFound: 404, Forbidden: 403, Conflict: 409, Invalid: 422, StorageFailed: 507}
EXCERPT = 100  # characters of the input a 422 repeats


def install_error_handlers(app: FastAPI, api_prefix: str = "/api/") -> None:
    for exc_type, code in STATUS.items():
        app.add_exception_handler(exc_type, _handler(code))
    app.add_exception_handler(LockedOut, _locked_out)
    app.add_exception_handler(StoreUnavailable, _unavailable)
    page_not_found = app.exception_handlers.get(404)

    async def not_found(request: Request, exc: Exception) -> Response:
        """A path under the API that matches no route is a JSON 404 (NiceGUI would answer with its HTML page)."""
        if request.url.path.startswith(api_prefix) or page_not_found is None:
            return JSONResponse({"detail": f"no API endpoint at {request.url.path}"}, status_code=404)
        answer = page_not_found(request, exc)
        return await answer if inspect.isawaitable(answer) else answer

    app.add_exception_handler(404, not_found)
    app.add_exception_handler(400, _bad_request)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    page_error = app.exception_handlers.get(Exception)

    async def unhandled(request: Request, exc: Exception) -> Response:
        """Our own bug: the traceback goes to the log, the answer says only that it happened."""
        if request.scope.get("nicegui_page_path") and page_error is not None:  # a page: NiceGUI logs it, shows its page
            answer = page_error(request, exc)
            answer = await answer if inspect.isawaitable(answer) else answer
        else:
            log.exception("%s %s failed", request.method, request.url.path)
            answer = JSONResponse({"detail": "internal server error; the details are in the server log"},
                                  status_code=500)
        # Starlette sends this answer from its outermost middleware, outside ours: the headers are set here
        for name, value in SECURITY_HEADERS.items():
            answer.headers.setdefault(name, value)
        return answer

    app.add_exception_handler(Exception, unhandled)


def _handler(code: int):  # type: ignore[no-untyped-def]
    async def handle(request: Request, exc: Exception) -> JSONResponse:
        if code >= 500:
            log.error("%s %s: %s", request.method, request.url.path, exc)
        return JSONResponse({"detail": str(exc)}, status_code=code)

    return handle


async def _locked_out(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, LockedOut)
    return JSONResponse({"detail": str(exc)}, status_code=429, headers={"Retry-After": str(int(exc.seconds) + 1)})


UNAVAILABLE_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>STS Snapshots: try again</title>
<meta http-equiv="refresh" content="10"></head><body style="font-family: sans-serif; margin: 3em">
<h1>The database cannot be reached just now</h1><p>{detail}</p><p>This page tries again by itself every 10 seconds;
nothing you had saved is lost.</p></body></html>"""


async def _unavailable(request: Request, exc: Exception) -> Response:
    """The database went away (distributed mode): 503 with a ``detail``; the node recovers once it is back."""
    log.warning("%s %s: %s", request.method, request.url.path, exc)
    headers = {"Retry-After": "5"}
    if request.url.path.startswith("/api/") or "text/html" not in request.headers.get("accept", ""):
        return JSONResponse({"detail": str(exc)}, status_code=503, headers=headers)
    return HTMLResponse(UNAVAILABLE_PAGE.format(detail=html.escape(str(exc))), status_code=503, headers=headers)


async def _bad_request(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if isinstance(exc.__cause__, UnicodeDecodeError):  # FastAPI's JSON parsing met bytes that are not UTF-8
        return JSONResponse({"detail": [{"type": "json_invalid", "loc": ["body"], "input": None,
                                         "msg": f"the body is not valid UTF-8 (byte {exc.__cause__.start})"}]},
                            status_code=422)
    return await http_exception_handler(request, exc)


async def _invalid_request(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return JSONResponse({"detail": [_short(error) for error in exc.errors()]}, status_code=422)


def _short(error: Any) -> dict[str, Any]:
    """One validation error, JSON-safe, with the input cut to an excerpt.

    >>> _short({"type": "string_too_long", "loc": ("body", "title"), "msg": "too long", "input": "x" * 500,
    ...         "ctx": {"max_length": 200}})["input"][-5:]
    'x ...'
    >>> _short({"type": "float_type", "loc": ("body", 0), "msg": "bad", "input": float("nan")})["input"]
    'nan'
    """
    short: dict[str, Any] = {"type": str(error.get("type", "")),
                             "loc": [_excerpt(part) for part in error.get("loc", ())],
                             "msg": _excerpt(error.get("msg", ""), 300)}
    if "input" in error:
        short["input"] = _excerpt(error["input"])
    if error.get("ctx"):
        short["ctx"] = {str(key): _excerpt(value) for key, value in error["ctx"].items()}
    return short


def _excerpt(value: Any, limit: int = EXCERPT) -> Any:
    if value is None or isinstance(value, bool) or (isinstance(value, int) and abs(value) < 2**53):
        return value
    text = value if isinstance(value, str) else repr(value) if not isinstance(value, float) else str(value)
    text = text.encode("utf-8", "replace").decode("utf-8")  # lone surrogates cannot go into JSON
    return text if len(text) <= limit else text[:limit] + " ..."
