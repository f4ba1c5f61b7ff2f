"""Bad input, oversize uploads and login lockout: every answer is a JSON error with a detail, never a 500."""

from __future__ import annotations

import pytest

from sts_snapshots.settings import Settings
from tests.harness import API, Harness, running_app


@pytest.mark.parametrize(("method", "path", "body", "expected"), [
    ("GET", "/rooms/..%2F..%2Fetc", None, 404),
    ("GET", "/rooms/%2e%2e", None, 422),
    ("GET", "/rooms/" + "a" * 500, None, 422),
    ("GET", "/rooms/{room}/snapshots?limit=0", None, 422),
    ("GET", "/rooms/{room}/snapshots?limit=abc", None, 422),
    ("GET", "/rooms/{room}/documents?status=lost", None, 422),
    ("POST", "/rooms/{room}/snapshots", {"snapshot_type": "docx"}, 422),
    ("POST", "/rooms/{room}/snapshots", {"include_documents": "maybe"}, 422),
    ("POST", "/rooms/{room}/snapshots", {"title": "x" * 300}, 422),
    ("POST", "/rooms/{room}/snapshots", {"unknown": 1}, 422),
    ("POST", "/rooms/{room}/vessels", {"name": "MT X", "imo": "9321484", "role": "mother"}, 422),
    ("POST", "/rooms/{room}/vessels", {"name": "MT X", "imo": "9321483", "role": "tug"}, 422),
    ("POST", "/rooms", {"title": ""}, 422),
    ("POST", "/rooms", {"title": "x", "sts_eta": "tomorrow"}, 422),
    ("PATCH", "/rooms/{room}", {"status": "sailing"}, 422),
    ("GET", "/snapshots/tasks/not-a-task", None, 422),
    ("GET", "/snapshots/tasks/snapshot-unknown", None, 404),
    ("GET", "/rooms/{room}/snapshots/unknown/download", None, 404),
    ("GET", "/snapshots/metrics/summary?hours=-1", None, 422),
    ("GET", "/no/such/endpoint", None, 404),
    ("DELETE", "/rooms/{room}", None, 405),
])
async def test_bad_input_is_a_clear_4xx(harness: Harness, method: str, path: str, body: dict | None,
                                        expected: int) -> None:
    response = await harness.client.request(method, API + path.format(room=harness.demo_room_id()),
                                            headers=harness.admin, json=body)
    assert response.status_code == expected, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["detail"] and "root:" not in response.text


async def test_oversize_upload_is_413(settings: Settings) -> None:
    async with running_app(settings.replace(max_upload_mb=1)) as harness:
        room = harness.demo_room_id()
        doc = harness.sts.rooms.documents_of(room)[0]
        response = await harness.client.put(f"{API}/rooms/{room}/documents/{doc['id']}/file", headers=harness.admin,
                                            files={"file": ("big.pdf", b"x" * (1024 * 1024 + 10), "application/pdf")})
    assert response.status_code == 413 and "1 MB" in response.json()["detail"]


async def test_login_and_lockout(harness: Harness) -> None:
    ok = await harness.client.post(f"{API}/auth/token", data={"username": "admin@sts-demo.example",
                                                               "password": "demo-admin-pass"})
    assert ok.status_code == 200 and ok.json()["token_type"] == "bearer"
    me = await harness.client.get(f"{API}/auth/me", headers={"Authorization": f"Bearer {ok.json()['access_token']}"})
    assert me.json()["role"] == "admin"
    codes = [(await harness.client.post(f"{API}/auth/token", data={"username": "admin@sts-demo.example",
                                                                    "password": "wrong-password"})).status_code
             for _ in range(6)]
    assert codes == [401] * 5 + [429]


async def test_unknown_page_outside_the_api_is_still_the_html_404(harness: Harness) -> None:
    response = await harness.client.get("/no-such-page")
    assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")


@pytest.mark.allow_error_logs
async def test_an_upload_the_disk_cannot_take_is_a_507_and_changes_nothing(harness: Harness) -> None:
    room = harness.demo_room_id()
    doc = harness.sts.rooms.documents_of(room)[0]
    folder = harness.sts.layout.documents
    folder.rename(folder.with_name("documents-away"))
    folder.write_bytes(b"")  # a file where the folder was: every write into it fails, as on a full disk
    response = await harness.client.put(f"{API}/rooms/{room}/documents/{doc['id']}/file", headers=harness.admin,
                                        files={"file": ("plan.pdf", b"%PDF-1.4 plan", "application/pdf")})
    assert response.status_code == 507 and response.json()["detail"].startswith("could not store the file")
    assert next(d for d in harness.sts.rooms.documents_of(room) if d["id"] == doc["id"]) == doc
