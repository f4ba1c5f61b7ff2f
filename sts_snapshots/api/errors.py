"""Map use-case errors to HTTP answers: always JSON with a ``detail``, never a 500 for bad input."""

from __future__ import annotations

import inspect
import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from ..services.errors import Conflict, Forbidden, Invalid, NotFound, StorageFailed
from ..services.users import LockedOut

log = logging.getLogger(__name__)
STATUS = {NotFound: 404, Forbidden: 403, Conflict: 409, Invalid: 422, StorageFailed: 507}


def install_error_handlers(app: FastAPI, api_prefix: str = "/api/") -> None:
    for exc_type, code in STATUS.items():
        app.add_exception_handler(exc_type, _handler(code))
    app.add_exception_handler(LockedOut, _locked_out)
    page_not_found = app.exception_handlers.get(404)

    async def not_found(request: Request, exc: Exception) -> Response:
        """A path under the API that matches no route is a JSON 404 (NiceGUI would answer with its HTML page)."""
        if request.url.path.startswith(api_prefix) or page_not_found is None:
            return JSONResponse({"detail": f"no API endpoint at {request.url.path}"}, status_code=404)
        answer = page_not_found(request, exc)
        return await answer if inspect.isawaitable(answer) else answer

    app.add_exception_handler(404, not_found)


def _handler(code: int):  # type: ignore[no-untyped-def]
    async def handle(request: Request, exc: Exception) -> JSONResponse:
        if code >= 500:
            log.error("%s %s: %s", request.method, request.url.path, exc)
        return JSONResponse({"detail": str(exc)}, status_code=code)

    return handle


async def _locked_out(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, LockedOut)
    return JSONResponse({"detail": str(exc)}, status_code=429, headers={"Retry-After": str(int(exc.seconds) + 1)})
