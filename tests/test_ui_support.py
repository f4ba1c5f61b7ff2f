"""Helpers the UI tests share (no tests here): signing in, extra accounts, waiting for live updates."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from nicegui import ElementFilter, ui
from nicegui.testing import User

from sts_snapshots.demo import ADMIN_EMAIL, ADMIN_PASSWORD, MEMBER_EMAIL, MEMBER_PASSWORD
from sts_snapshots.services.users import LOCAL_ADMIN
from tests.harness import Harness

OUTSIDER_EMAIL, OUTSIDER_PASSWORD = "olaf.outsider@example.com", "outsider-pass-1"
VIEWER_EMAIL, VIEWER_PASSWORD = "vera.viewer@example.com", "viewer-pass-1"
PASSWORDS = {ADMIN_EMAIL: ADMIN_PASSWORD, MEMBER_EMAIL: MEMBER_PASSWORD, OUTSIDER_EMAIL: OUTSIDER_PASSWORD,
             VIEWER_EMAIL: VIEWER_PASSWORD}


def add_people(harness: Harness) -> None:
    """An account that is in no room, and one that is a viewer of the demo room."""
    sts = harness.sts
    sts.users.add(LOCAL_ADMIN, OUTSIDER_EMAIL, OUTSIDER_PASSWORD, "user", "Olaf Outsider")
    sts.users.add(LOCAL_ADMIN, VIEWER_EMAIL, VIEWER_PASSWORD, "user", "Vera Viewer")
    admin = sts.users.get(ADMIN_EMAIL)
    assert admin is not None
    sts.rooms.add_party(admin, harness.demo_room_id(), {"role": "viewer", "name": "Vera Viewer",
                                                        "email": VIEWER_EMAIL})


async def sign_in(user: User, email: str, path: str = "/", password: str | None = None) -> None:
    """Open ``path`` signed out (which lands on the login page), then sign in and wait to be sent back."""
    await user.open(path)
    await user.should_see(marker="sign-in")
    user.find(marker="email").type(email)
    user.find(marker="password").type(password or PASSWORDS[email])
    opened = len(user.back_history)
    user.find(marker="sign-in").click()
    await wait_for(lambda: len(user.back_history) > opened, what="the redirect after login")


def page_path(user: User) -> str:
    """The path of the page the simulated browser shows, after redirects (the history keeps what was opened)."""
    assert user.client is not None
    return user.client.request.url.path


async def sign_out(user: User) -> None:
    """Sign out as the Log out form does: a POST (a GET of /logout only shows the form)."""
    response = await user.http_client.post("/logout")
    assert response.status_code == 303 and response.headers["location"] == "/login"


async def wait_for(condition: Callable[[], Any], timeout: float = 10, what: str = "the condition") -> Any:
    """Poll ``condition`` (without blocking the event loop the page runs on) until it is truthy."""
    for _ in range(int(timeout / 0.05)):
        result = condition()
        if result:
            return result
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def elements(user: User, marker: str) -> list[ui.element]:
    """The page's elements with ``marker``, oldest first (empty list instead of an error)."""
    assert user.client is not None
    with user.client:
        return sorted(ElementFilter(marker=marker, local_scope=False), key=lambda e: e.id)


def texts(user: User, marker: str) -> list[str]:
    return [getattr(e, "text", "") for e in elements(user, marker)]


def prop(user: User, marker: str, name: str) -> str:
    found = elements(user, marker)
    assert found, f"no element marked {marker}"
    return str(found[0].props[name])


def contains(user: User, marker: str, *, text: str = "", inner: str = "") -> bool:
    """Whether an element marked ``marker`` holds ``text`` or an element marked ``inner`` (sections rebuild
    asynchronously, so tests poll this instead of scoping into an element that may be replaced meanwhile)."""
    for element in elements(user, marker):
        for child in element.descendants():
            if inner and inner in child._markers:
                return True
            if text and (text in str(getattr(child, "text", "")) or text in str(getattr(child, "content", ""))):
                return True
    return False
