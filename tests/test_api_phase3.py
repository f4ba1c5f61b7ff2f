"""The deployment guide's Phase 3, replayed against the ASGI app with real files."""

from __future__ import annotations

import asyncio
import io

from pypdf import PdfReader

from tests.harness import API, Harness


async def test_phase3_replay(harness: Harness) -> None:
    client, admin, member = harness.client, harness.admin, harness.member
    room_id = harness.demo_room_id()

    # 3.1 create: "generating", id; task id is snapshot-<id> (how fast it answers is measured by bench/, not here)
    response = await client.post(f"{API}/rooms/{room_id}/snapshots", headers=member,
                                 json={"title": "Deployment Test Snapshot", "snapshot_type": "pdf",
                                       "include_documents": True})
    assert response.status_code == 200, response.text
    snapshot = response.json()
    assert snapshot["status"] == "generating" and snapshot["task_id"] == f"snapshot-{snapshot['id']}"

    # 3.2 poll the task: pending -> running -> completed, progress 0 -> ... -> 100
    task = await harness.wait_task(snapshot["task_id"], member)
    assert task["status"] == "completed", task
    assert set(task) >= {"task_id", "task_type", "status", "progress", "created_at", "started_at", "completed_at",
                         "result", "error"}
    assert task["task_type"] == "generate_pdf" and task["error"] is None and task["progress"] == 100
    assert task["progress_seen"] == sorted(task["progress_seen"])
    assert task["result"]["pages"] >= 3 and task["result"]["was_cached"] is False

    # 3.3 a second snapshot of the unchanged room is a cache hit
    second = (await client.post(f"{API}/rooms/{room_id}/snapshots", headers=member,
                                json={"title": "Cache Test 1", "include_documents": True})).json()
    assert (await harness.wait_task(second["task_id"], member))["result"]["was_cached"] is True

    # 3.4 metrics as admin
    metrics = (await client.get(f"{API}/snapshots/metrics/summary?hours=1", headers=admin)).json()
    assert metrics["pdf_generation"]["total_generations"] == 2 and metrics["pdf_generation"]["cached_count"] == 1
    assert metrics["pdf_generation"]["cache_hit_rate_percent"] == 50.0
    assert {"memory_entries", "memory_used_mb", "disk_hits", "hit_rate_percent"} <= set(metrics["cache"])

    # 3.5 a user gets 403
    assert (await client.get(f"{API}/snapshots/metrics/summary", headers=member)).status_code == 403

    # 3.6 list with limit=1 gives the newest; download a real PDF
    newest = (await client.get(f"{API}/rooms/{room_id}/snapshots?limit=1", headers=member)).json()
    assert [s["id"] for s in newest] == [second["id"]] and newest[0]["status"] == "completed"
    download = await client.get(f"{API}/rooms/{room_id}/snapshots/{second['id']}/download", headers=member)
    assert download.status_code == 200 and download.headers["content-type"] == "application/pdf"
    # the file is named for the room, the title and the day (filename* keeps the room's letters)
    day = second["created_at"][:10]
    assert download.content.startswith(b"%PDF") and f'_-_Cache_Test_1_-_{day}.pdf"' in download.headers[
        "content-disposition"]
    reader = PdfReader(io.BytesIO(download.content))
    cover = reader.pages[0].extract_text()
    assert "Cache Test 1" in cover and second["id"] in cover

    # 3.7 backward compatibility: list, get, delete (admin only)
    assert len((await client.get(f"{API}/rooms/{room_id}/snapshots", headers=member)).json()) == 2
    one = (await client.get(f"{API}/rooms/{room_id}/snapshots/{second['id']}", headers=member)).json()
    assert one["id"] == second["id"] and one["sha256"] == download.headers["etag"].strip('"')
    assert (await client.delete(f"{API}/rooms/{room_id}/snapshots/{second['id']}", headers=member)).status_code == 403
    assert (await client.delete(f"{API}/rooms/{room_id}/snapshots/{second['id']}", headers=admin)).status_code == 204
    assert not harness.sts.layout.snapshot_pdf(second["id"]).exists()
    assert (await client.get(f"{API}/rooms/{room_id}/snapshots/{second['id']}", headers=member)).status_code == 404


async def test_ten_concurrent_creations_all_complete(harness: Harness) -> None:
    room_id = harness.demo_room_id()
    responses = await asyncio.gather(*[
        harness.client.post(f"{API}/rooms/{room_id}/snapshots", headers=harness.admin, json={"title": f"Load {i}"})
        for i in range(10)])
    assert all(r.status_code == 200 for r in responses)
    tasks = await asyncio.gather(*[harness.wait_task(r.json()["task_id"], harness.admin, timeout=120)
                                   for r in responses])
    assert [t["status"] for t in tasks] == ["completed"] * 10
    assert sum(t["result"]["was_cached"] for t in tasks) >= 1
    listed = (await harness.client.get(f"{API}/rooms/{room_id}/snapshots", headers=harness.admin)).json()
    assert len(listed) == 10
    for database in harness.sts.stores.all():  # every TinyDB file still parses
        assert database.path is not None
        import json

        json.loads(database.path.read_text())
