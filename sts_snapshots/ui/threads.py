"""Blocking service calls (TinyDB files, argon2, PDF files) off the event loop, typed as the call itself."""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar, cast

from nicegui import run

P = ParamSpec("P")
R = TypeVar("R")


async def io(fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """``run.io_bound`` with the function's own return type.

    NiceGUI answers None instead of running the call only while the app shuts down, when no page is left to
    show a result, so the cast is safe for the pages.
    """
    return cast(R, await run.io_bound(fn, *args, **kwargs))
