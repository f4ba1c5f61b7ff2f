"""The admin pages: metrics (KPIs, charts, period, cleanup) and users (add, role, password, remove)."""

from __future__ import annotations

from nicegui import ui

from sts_snapshots.demo import ADMIN_EMAIL, MEMBER_EMAIL
from sts_snapshots.services.users import LOCAL_ADMIN
from tests.harness import Harness
from tests.test_ui_support import elements, sign_in, sign_out, texts, wait_for


async def test_metrics_dashboard_shows_kpis_charts_and_runs_cleanup(harness: Harness) -> None:
    user, sts = harness.user, harness.sts
    sts.metrics.record_generation(duration_ms=7300, was_cached=False, size=400_000, pages=8)
    sts.metrics.record_generation(duration_ms=45, was_cached=True, size=400_000, pages=8)
    sts.metrics.record_request(route="/api/v1/rooms", method="GET", status_code=200, duration_ms=12.5)
    await sign_in(user, ADMIN_EMAIL, "/metrics")
    for text in ("Generations", "Cache hit rate", "p95 generation time", "API p95 latency", "Tasks",
                 "Generations over time", "PDF cache memory", "Generation time", "Run cleanup now"):
        await user.should_see(text)
    with user.scope(marker="kpi-generations"):
        await user.should_see("2")
        await user.should_see("1 rendered · 1 cached · 0 failed")
    with user.scope(marker="kpi-hit_rate"):
        await user.should_see("50%")
    routes = elements(user, "api-routes")[0]
    assert isinstance(routes, ui.table) and routes.rows[0]["route"] == "GET /api/v1/rooms"
    timeline = elements(user, "chart-timeline")[0]
    assert isinstance(timeline, ui.echart)
    rendered = next(s for s in timeline.options["series"] if s["name"] == "Rendered")
    assert sum(rendered["data"]) == 1 and len(rendered["data"]) == 12  # 1 h in 5-minute buckets

    user.find(kind=ui.toggle, marker="period").elements.pop().set_value(168)
    await wait_for(lambda: len(timeline.options["xAxis"]["data"]) == 28, what="the 7-day period")
    assert "Last 7 d" in texts(user, "metrics-updated")[0]

    user.find(marker="run-cleanup").click()
    await wait_for(lambda: texts(user, "cleanup-result")[0].startswith("Removed"), what="the cleanup result")
    await user.should_see("Cleanup finished")


async def test_admin_pages_are_admins_only_and_users_page_manages_accounts(harness: Harness) -> None:
    user, sts = harness.user, harness.sts
    await sign_in(user, MEMBER_EMAIL, "/users")
    await user.should_see("Admins only")
    await user.should_not_see(marker="add-user")
    await user.open("/metrics")
    await user.should_see("Admins only")
    await user.should_not_see("Cache hit rate")

    await sign_out(user)
    await sign_in(user, ADMIN_EMAIL, "/users")
    await user.should_see(MEMBER_EMAIL)
    assert not user.find(kind=ui.select, marker=f"role-{ADMIN_EMAIL}").elements.pop().enabled  # no demoting yourself

    user.find(marker="add-user").click()
    user.find(marker="user-email").type("new.hand@example.com")
    user.find(marker="user-name").type("New Hand")
    user.find(marker="user-password").type("short")
    user.find(marker="add-user-ok").click()
    await user.should_see("Password must be at least 8 characters", retries=50)
    user.find(marker="user-password").clear().type("long-enough-pass")
    user.find(marker="add-user-ok").click()
    await user.should_see(marker="user-new.hand@example.com", retries=50)
    assert sts.users.authenticate("new.hand@example.com", "long-enough-pass") is not None

    user.find(kind=ui.select, marker="role-new.hand@example.com").elements.pop().set_value("admin")
    await wait_for(lambda: sts.users.get("new.hand@example.com").is_admin, what="the role change")  # type: ignore[union-attr]

    user.find(marker=f"password-{MEMBER_EMAIL}").click()
    user.find(marker="new-password").type("a-brand-new-pass")
    user.find(marker="password-save").click()
    await user.should_see("Password of Ingrid Ørsted changed", retries=50)
    assert sts.users.authenticate(MEMBER_EMAIL, "a-brand-new-pass") is not None

    assert not user.find(marker=f"remove-{ADMIN_EMAIL}").elements.pop().enabled  # no removing yourself
    token = harness.token(MEMBER_EMAIL)
    user.find(marker=f"remove-{MEMBER_EMAIL}").click()
    await user.should_see("Remove Ingrid Ørsted?", retries=50)
    user.find(marker="confirm-ok").click()
    await user.should_see(f"{MEMBER_EMAIL} removed", retries=50)
    await user.should_not_see(marker=f"user-{MEMBER_EMAIL}", retries=50)
    assert sts.users.get(MEMBER_EMAIL) is None
    gone = await harness.client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert gone.status_code == 401 and gone.json()["detail"] == "the token's user no longer exists"
    assert any(p["email"] == MEMBER_EMAIL for p in sts.rooms.parties_of(harness.demo_room_id()))  # still a party


async def test_an_open_users_page_stops_managing_once_its_admin_is_demoted(harness: Harness) -> None:
    user, sts = harness.user, harness.sts
    sts.users.add(LOCAL_ADMIN, "second.admin@example.com", "long-enough-pass", role="admin")
    await sign_in(user, ADMIN_EMAIL, "/users")
    await user.should_see("second.admin@example.com")
    sts.users.set_role(LOCAL_ADMIN, ADMIN_EMAIL, "user")  # meanwhile, the other admin demoted this one
    user.find(marker="remove-second.admin@example.com").click()
    await user.should_see("You are no longer an administrator", retries=50)
    assert sts.users.get("second.admin@example.com") is not None


async def test_the_admin_area_shows_the_signing_certificate(harness: Harness) -> None:
    from sts_snapshots.signing import load_identity

    identity = load_identity(harness.sts.layout)
    await sign_in(harness.user, ADMIN_EMAIL, "/metrics")
    await harness.user.should_see(marker="signing-certificate")
    await harness.user.should_see(identity.current_info.fingerprint)
    await harness.user.should_see(identity.ca_info.fingerprint, retries=5)
