"""Who is signed in: the e-mail and credential in ``app.storage.user``, checked against the store at every page,
so a password reset, role change or removal signs the browser out; and the one-time tickets that move a sign-in
onto a fresh session id."""

from __future__ import annotations

import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import app

from ...context import StsApp
from ...services.throttle import client_address
from ...services.users import User
from . import threads

SESSION_KEY = "email"
CREDENTIAL_KEY = "credential"
TICKET_SECONDS = 60.0


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
    """The signed-in user, or None; a removed account, a new password or a new role ends the session."""
    email = signed_in_email()
    if not email:
        return None
    credential = app.storage.user.get(CREDENTIAL_KEY)
    user = await threads.io(sts.users.current, email, credential if isinstance(credential, str) else "")
    if user is None:
        app.storage.user.clear()
    return user


def request_address(sts: StsApp, request: Request) -> str:
    """The client address of a page request, as login throttling counts it."""
    return client_address(request.client.host if request.client else None, request.headers.get("x-forwarded-for"),
                          sts.settings.trusted_proxy_set)


def sign_in(user: User) -> None:
    """Store the sign-in in this browser session; call it only on a session id issued after the password was
    checked (see :class:`LoginTickets`), never on one the browser brought to the login page."""
    app.storage.user[SESSION_KEY] = user.email
    app.storage.user[CREDENTIAL_KEY] = user.credential


def renew_session_id(request: Request) -> str:
    """Give the browser a new session id (sent with this response); its old one keeps nothing of the sign-in."""
    request.session["id"] = new = str(uuid.uuid4())
    return new


def sign_out() -> None:
    app.storage.user.clear()


@dataclass
class _Grant:
    email: str
    credential: str
    target: str
    expires: float
    session_id: str | None = None


@dataclass
class LoginTickets:
    """One-time tickets from a checked password to a signed-in session.

    The password is checked over the page's websocket, which cannot change the browser's cookie; the page then
    sends the browser to ``/login/complete?ticket=...``, which first gives it a new session id (binding the
    ticket to it) and, on the next request with that id, signs it in. A session id planted before login is
    never signed in, and a ticket seen by someone else is worthless without the new id's cookie.
    """

    clock: Callable[[], float] = time.monotonic
    _grants: dict[str, _Grant] = field(default_factory=dict)

    def issue(self, user: User, target: str) -> str:
        now = self.clock()
        for key in [k for k, g in self._grants.items() if g.expires < now]:
            del self._grants[key]
        ticket = secrets.token_urlsafe(24)
        self._grants[ticket] = _Grant(user.email, user.credential, target, now + TICKET_SECONDS)
        return ticket

    def bind(self, ticket: str, session_id: str) -> bool:
        """Tie an unbound ticket to the session id just issued; False if it is unknown, expired or bound."""
        grant = self._valid(ticket)
        if grant is None or grant.session_id is not None:
            return False
        grant.session_id = session_id
        return True

    def pending(self, ticket: str) -> bool:
        """Whether ``ticket`` is valid and not yet tied to a session id."""
        grant = self._valid(ticket)
        return grant is not None and grant.session_id is None

    def take(self, ticket: str, session_id: str) -> tuple[str, str, str] | None:
        """(email, credential, target) of a ticket bound to ``session_id``, used up; None otherwise."""
        grant = self._valid(ticket)
        if grant is None or grant.session_id is None or not secrets.compare_digest(grant.session_id, session_id):
            return None
        del self._grants[ticket]
        return grant.email, grant.credential, grant.target

    def _valid(self, ticket: str) -> _Grant | None:
        grant = self._grants.get(ticket)
        if grant is not None and grant.expires < self.clock():
            del self._grants[ticket]
            return None
        return grant
