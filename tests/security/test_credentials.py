"""Credentials end when they should: a password reset, role change or removal ends tokens and browser sessions;
signing in gives the browser a new session id; signing out takes a POST."""

from __future__ import annotations

import httpx
from nicegui import core

from sts_snapshots.demo import ADMIN_EMAIL, MEMBER_EMAIL, MEMBER_PASSWORD
from sts_snapshots.services.users import LOCAL_ADMIN
from tests.harness import API, BROWSER_ACCEPT, Harness
from tests.test_ui_support import page_path, sign_in, sign_out

SESSION_COOKIE = "session"


async def login_token(harness: Harness, email: str, password: str) -> str:
    response = await harness.client.post(f"{API}/auth/token", data={"username": email, "password": password})
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


async def me(harness: Harness, token: str) -> int:
    return (await harness.client.get(f"{API}/auth/me", headers={"Authorization": f"Bearer {token}"})).status_code


async def test_a_password_reset_or_role_change_ends_the_accounts_tokens(harness: Harness) -> None:
    token = await login_token(harness, MEMBER_EMAIL, MEMBER_PASSWORD)
    assert await me(harness, token) == 200
    harness.sts.users.set_password(LOCAL_ADMIN, MEMBER_EMAIL, "a-brand-new-pass")
    assert await me(harness, token) == 401
    fresh = await login_token(harness, MEMBER_EMAIL, "a-brand-new-pass")
    assert await me(harness, fresh) == 200
    harness.sts.users.set_role(LOCAL_ADMIN, MEMBER_EMAIL, "admin")
    assert await me(harness, fresh) == 401
    admin_token = harness.token(ADMIN_EMAIL)
    harness.sts.users.set_role(LOCAL_ADMIN, ADMIN_EMAIL, "admin")  # no change, so nothing ends
    assert await me(harness, admin_token) == 200


async def test_the_token_of_a_removed_account_stays_dead_when_its_email_is_added_again(harness: Harness) -> None:
    token = await login_token(harness, MEMBER_EMAIL, MEMBER_PASSWORD)
    harness.sts.users.remove(LOCAL_ADMIN, MEMBER_EMAIL)
    assert await me(harness, token) == 401
    harness.sts.users.add(LOCAL_ADMIN, MEMBER_EMAIL, "someone-elses-pass", "admin", "Someone Else")
    response = await harness.client.get(f"{API}/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401 and "sign in again" in response.json()["detail"]


async def test_an_open_browser_session_is_signed_out_by_a_password_reset(harness: Harness) -> None:
    user = harness.user
    await sign_in(user, MEMBER_EMAIL)
    await user.should_see(marker="signed-in")
    harness.sts.users.set_password(LOCAL_ADMIN, MEMBER_EMAIL, "a-brand-new-pass")
    await user.open("/")
    await user.should_see(marker="sign-in")
    assert page_path(user) == "/login"


async def test_signing_in_renews_the_session_id_so_a_planted_one_is_worthless(harness: Harness) -> None:
    user = harness.user
    await user.open("/login")
    planted = harness.client.cookies[SESSION_COOKIE]
    await sign_in(user, MEMBER_EMAIL)
    await user.should_see(marker="signed-in")
    assert harness.client.cookies[SESSION_COOKIE] != planted
    assert (await harness.client.get("/")).status_code == 200
    async with httpx.AsyncClient(transport=httpx.ASGITransport(core.app), base_url="http://test",
                                 headers={"Accept": BROWSER_ACCEPT}, cookies={SESSION_COOKIE: planted}) as other:
        response = await other.get("/")
        assert response.status_code == 303 and response.headers["location"].startswith("/login")


async def test_a_login_ticket_works_once_and_only_for_the_browser_it_was_bound_to(harness: Harness) -> None:
    assert (await harness.client.get("/login/complete", params={"ticket": "made-up"})).headers["location"] == "/login"
    assert (await harness.client.get("/")).status_code == 303


async def test_get_logout_does_not_sign_out_and_post_does(harness: Harness) -> None:
    user = harness.user
    await sign_in(user, MEMBER_EMAIL)
    await user.open("/logout")
    await user.should_see(marker="logout-confirm")
    assert (await harness.client.get("/")).status_code == 200  # still signed in
    await sign_out(user)
    assert (await harness.client.get("/")).status_code == 303
    await user.open("/logout")  # signed out, the page sends on to the login page
    await user.should_see(marker="sign-in")
