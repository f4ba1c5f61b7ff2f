"""Login, logout, the ``next`` redirect (local paths only), lockout, and the cookie-session file routes."""

from __future__ import annotations

from urllib.parse import quote

from sts_snapshots.demo import ADMIN_EMAIL, ADMIN_PASSWORD, MEMBER_EMAIL
from tests.harness import Harness
from tests.test_ui_support import elements, page_path, sign_in, sign_out, texts, wait_for


async def test_signed_out_pages_redirect_to_login_and_back_to_local_paths_only(harness: Harness) -> None:
    for path in ("/", "/metrics", "/users", "/tasks/snapshot-abc", "/rooms/anything?tab=1"):
        response = await harness.client.get(path)
        assert response.status_code == 303
        assert response.headers["location"] == f"/login?next={quote(path, safe='/')}"

    user, room_id = harness.user, harness.demo_room_id()
    await sign_in(user, MEMBER_EMAIL, f"/rooms/{room_id}")
    assert page_path(user) == f"/rooms/{room_id}"
    await user.should_see("Clearance readiness")
    # signed in, the login page sends straight on, and only ever to a local path
    for target in ("//evil.com", "http://evil.com/", "/\\evil.com", "javascript:alert(1)", "/rooms/x"):
        response = await harness.client.get("/login", params={"next": target})
        assert response.headers["location"] == ("/rooms/x" if target == "/rooms/x" else "/"), target

    await sign_out(user)
    await user.open("/login?next=//evil.com")
    user.find(marker="email").type(ADMIN_EMAIL)
    user.find(marker="password").type(ADMIN_PASSWORD)
    user.find(marker="sign-in").click()
    await wait_for(lambda: page_path(user) == "/", what="the rooms page")
    await user.should_see("New room")


async def test_wrong_password_says_so_and_lockout_after_five(harness: Harness) -> None:
    user = harness.user
    await user.open("/login")
    user.find(marker="email").type(ADMIN_EMAIL)
    for attempt in range(6):
        user.find(marker="password").clear().type(f"wrong-{attempt}")
        user.find(marker="sign-in").click()
        await wait_for(lambda: not elements(user, "password")[0].value, what="the attempt to finish")  # type: ignore[attr-defined]
        expected = "Wrong email or password." if attempt < 5 else "Too many failed attempts"
        assert expected in texts(user, "login-error")[0]
    assert user.back_history[-1] == "/login"


async def test_logout_ends_the_session_and_files_need_one(harness: Harness) -> None:
    user, room_id = harness.user, harness.demo_room_id()
    doc = next(d for d in harness.sts.rooms.documents_of(room_id) if d["versions"])
    url = f"/ui/files/documents/{room_id}/{doc['id']}"
    assert (await harness.client.get(url)).status_code == 401

    await sign_in(user, MEMBER_EMAIL)
    response = await harness.client.get(url)
    assert response.status_code == 200 and response.content
    assert response.headers["content-disposition"].startswith("attachment")
    assert (await harness.client.get(f"{url}?inline=1")).headers["content-disposition"].startswith("inline")
    assert (await harness.client.get(f"/ui/files/documents/{room_id}/nope")).status_code == 404
    assert (await harness.client.get(f"/ui/files/snapshots/{room_id}/bad%20id")).status_code == 422

    user.find(marker="logout").click()
    await wait_for(lambda: user.back_history[-1] == "/logout", what="logout")
    await user.should_see(marker="sign-in")
    assert (await harness.client.get("/")).status_code == 303
    assert (await harness.client.get(url)).status_code == 401
