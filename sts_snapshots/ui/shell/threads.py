"""Blocking service calls (TinyDB files, argon2, PDF files) off the event loop, typed as the call itself."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import ParamSpec, TypeVar, cast

from nicegui import core, run

P = ParamSpec("P")
R = TypeVar("R")


async def io(fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """``run.io_bound`` with the function's own return type.

    NiceGUI 3 answers None, instead of the call's answer, while the app shuts down or when the awaiting task
    is cancelled (a browser tab closed during a timer's poll); like NiceGUI 4 will, this raises CancelledError
    then, so a page never mistakes that None for the call's answer.
    """
    result = await run.io_bound(fn, *args, **kwargs)
    task = asyncio.current_task()
    if result is None and (core.app.is_stopping or (task is not None and task.cancelling())):
        raise asyncio.CancelledError("the app is shutting down or the page went away")
    return cast(R, result)
