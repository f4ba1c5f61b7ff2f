"""Map use-case errors to HTTP answers: always JSON with a ``detail``, never a 500 for bad input."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from ..services.errors import Conflict, Forbidden, Invalid, NotFound
from ..services.users import LockedOut

log = logging.getLogger(__name__)
STATUS = {NotFound: 404, Forbidden: 403, Conflict: 409, Invalid: 422}


def install_error_handlers(app: FastAPI) -> None:
    for exc_type, code in STATUS.items():
        app.add_exception_handler(exc_type, _handler(code))
    app.add_exception_handler(LockedOut, _locked_out)


def _handler(code: int):  # type: ignore[no-untyped-def]
    async def handle(request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=code)

    return handle


async def _locked_out(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, LockedOut)
    return JSONResponse({"detail": str(exc)}, status_code=429, headers={"Retry-After": str(int(exc.seconds) + 1)})
