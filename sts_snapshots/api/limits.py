"""What a request body may be: how large (FastAPI's ``max_body_size``) and, for JSON, strictly standard JSON.

The size limits are FastAPI's own (``max_body_size``, FastAPI >= 0.165 with Starlette's body-limit middleware):
they count bytes while the body is read, before any dependency (authentication included) runs and before a
multipart body is spooled to disk, and refuse a ``Content-Length`` over the limit before reading anything.
"""

from __future__ import annotations

import json
import math
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError

from ..settings import Settings

JSON_LIMIT = 1024 * 1024  # every body that is not an upload: the largest JSON body we accept is a few KB
MULTIPART_OVERHEAD = 64 * 1024  # boundaries and part headers around the file of an upload


def upload_limit(settings: Settings) -> int:
    """The largest request body of an upload: the file limit plus the multipart framing.

    >>> upload_limit(Settings.load({"max_upload_mb": 1}, env={}))
    1114112
    """
    return settings.max_upload_mb * 1024 * 1024 + MULTIPART_OVERHEAD


class NotStrictJson(ValueError):
    pass


def strict_loads(body: bytes) -> Any:
    """Parse JSON as RFC 8259 has it: UTF-8, finite numbers, no lone surrogates.

    :raises NotStrictJson: with a short reason.

    >>> strict_loads(b'{"a": 1.5}')
    {'a': 1.5}
    >>> strict_loads(b'[NaN]')
    Traceback (most recent call last):
    ...
    sts_snapshots.api.limits.NotStrictJson: NaN is not a JSON number
    >>> strict_loads(b'[1e999]')
    Traceback (most recent call last):
    ...
    sts_snapshots.api.limits.NotStrictJson: 1e999 is out of range
    >>> strict_loads(b'["\\\\ud800"]')
    Traceback (most recent call last):
    ...
    sts_snapshots.api.limits.NotStrictJson: a string holds a lone surrogate (not valid Unicode)
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotStrictJson(f"the body is not valid UTF-8 (byte {exc.start})") from None
    try:
        value = json.loads(text, parse_constant=_constant, parse_float=_finite)
    except json.JSONDecodeError as exc:
        raise NotStrictJson(f"not JSON: {exc.msg} at character {exc.pos}") from None
    _check_strings(value)
    return value


def _constant(name: str) -> Any:
    raise NotStrictJson(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise NotStrictJson(f"{text[:20]} is out of range")
    return value


def _check_strings(value: Any) -> None:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, int) and not isinstance(item, bool) and item.bit_length() > 64 * 8:
            raise NotStrictJson("an integer is out of range")
        elif isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise NotStrictJson("a string holds a lone surrogate (not valid Unicode)") from None


async def strict_json(request: Request) -> None:
    """A router dependency: a JSON body that Python's lenient parser took but JSON does not allow is a 422.

    Runs before the route's other dependencies (authentication too); the body is already read (and limited).
    """
    if request.method in ("GET", "HEAD", "OPTIONS", "DELETE") or not _is_json(request.headers.get("content-type")):
        return
    body = await request.body()
    if not body:
        return
    try:
        strict_loads(body)
    except NotStrictJson as exc:
        raise RequestValidationError([{"type": "json_invalid", "loc": ("body",), "msg": str(exc), "input": None}]) \
            from None


def _is_json(content_type: str | None) -> bool:
    if not content_type:
        return True  # FastAPI parses a body without a content type as JSON
    kind = content_type.split(";", 1)[0].strip().lower()
    return kind == "application/json" or (kind.startswith("application/") and kind.endswith("+json"))
