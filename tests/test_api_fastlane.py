"""The API's fast lane: ``/api/v1`` is answered by the API's own app, ahead of NiceGUI's session middleware."""

from nicegui import core

from tests.harness import API, Harness


async def test_an_api_call_makes_no_session(harness: Harness) -> None:
    """NiceGUI's request tracking would give every cookie-less request a session and a user storage."""
    before = len(core.app.storage._users)
    room = harness.demo_room_id()
    for path in ("/health", f"/rooms/{room}", "/no-such-endpoint"):
        response = await harness.client.get(API + path, headers=harness.admin)
        assert "set-cookie" not in response.headers, path
        assert response.headers["x-frame-options"] == "SAMEORIGIN"
        assert response.headers["content-type"] == "application/json"
    assert response.status_code == 404 and response.json()["detail"].startswith("no API endpoint")
    assert len(core.app.storage._users) == before
    page = await harness.client.get("/login")  # a page still goes through NiceGUI's stack
    assert "set-cookie" in page.headers and page.headers["x-frame-options"] == "SAMEORIGIN"


async def test_the_schema_is_the_apis(harness: Harness) -> None:
    paths = (await harness.client.get("/openapi.json")).json()["paths"]
    assert paths and all(path.startswith(API + "/") for path in paths)
    assert f"{API}/snapshots/tasks/{{task_id}}" in paths


async def test_metrics_count_fast_lane_requests(harness: Harness) -> None:
    for _ in range(3):
        assert (await harness.client.get(f"{API}/health")).status_code == 200
    routes = harness.sts.summary(1)["api_performance"]["routes"]
    assert routes[f"GET {API}/health"]["count"] >= 3
