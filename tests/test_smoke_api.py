from tests.harness import API, Harness


async def test_health_and_docs(harness: Harness) -> None:
    health = (await harness.client.get(f"{API}/health")).json()
    assert health["status"] == "ok" and health["scheduler_running"] is True
    assert (await harness.client.get("/docs")).status_code == 200
    assert "/api/v1/rooms/{room_id}/snapshots" in (await harness.client.get("/openapi.json")).json()["paths"]
