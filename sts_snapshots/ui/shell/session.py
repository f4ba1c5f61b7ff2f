"""Who is signed in: the e-mail in ``app.storage.user``, looked up afresh so role changes apply at once."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import app

from ...context import StsApp
from ...services.users import User
from . import threads

SESSION_KEY = "email"


def safe_next(value: str | None, default: str = "/") -> str:
    """The path to return to after login, only if it stays on this site; otherwise ``default``.

    >>> safe_next("/rooms/abc?x=1")
    '/rooms/abc?x=1'
    >>> [safe_next(v) for v in ("//evil.com", "http://evil.com/x", "/\\\\evil.com", "rooms", None, "/login")]
    ['/', '/', '/', '/', '/', '/']
    """
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return default
    if any(ch in value for ch in "\\\r\n\t") or any(ord(ch) < 32 for ch in value):
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or parts.path.startswith(("/login", "/logout")):
        return default
    return value


def login_url(request: Request) -> str:
    """``/login?next=<this page>`` for the page the request asked for.

    >>> from starlette.requests import Request as R
    >>> login_url(R({"type": "http", "path": "/rooms/a b", "query_string": b"x=1", "headers": []}))
    '/login?next=/rooms/a%20b%3Fx%3D1'
    """
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return f"/login?next={quote(target, safe='/')}"


def to_login(request: Request) -> RedirectResponse:
    return RedirectResponse(login_url(request), status_code=303)


def signed_in_email() -> str | None:
    """The e-mail stored for this browser session, if any (needs a request context)."""
    email = app.storage.user.get(SESSION_KEY)
    return email if isinstance(email, str) else None


async def current_user(sts: StsApp) -> User | None:
    """The signed-in user, or None; a deleted account ends the session."""
    email = signed_in_email()
    if not email:
        return None
    user = await threads.io(sts.users.get, email)
    if user is None:
        app.storage.user.pop(SESSION_KEY, None)
    return user


def sign_in(user: User) -> None:
    app.storage.user[SESSION_KEY] = user.email


def sign_out() -> None:
    app.storage.user.clear()
