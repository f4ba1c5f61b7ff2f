"""A small synchronous API client for the fault tests (httpx), logged in as the demo admin."""

from __future__ import annotations

import time
from typing import Any

import httpx

ADMIN = ("admin@sts-demo.example", "demo-admin-pass")
FINISHED = ("completed", "failed")


class Api:
    def __init__(self, url: str, timeout: float = 30) -> None:
        self.client = httpx.Client(base_url=f"{url}/api/v1", timeout=timeout)
        response = self.client.post("/auth/token", data={"username": ADMIN[0], "password": ADMIN[1]})
        response.raise_for_status()
        self.client.headers["Authorization"] = f"Bearer {response.json()['access_token']}"

    def __enter__(self) -> Api:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.client.close()

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.client.request(method, path, **kwargs)
        if response.status_code >= 400:
            raise AssertionError(f"{method} {path} -> {response.status_code}: {response.text[:500]}")
        return response.json() if response.content else None

    def demo_room(self) -> str:
        rooms = self.call("GET", "/rooms")
        assert len(rooms) == 1, rooms
        return str(rooms[0]["id"])

    def create_snapshot(self, room_id: str, title: str, include_documents: bool) -> dict[str, Any]:
        body = {"title": title, "include_documents": include_documents}
        snapshot: dict[str, Any] = self.call("POST", f"/rooms/{room_id}/snapshots", json=body)
        return snapshot

    def snapshots(self, room_id: str) -> list[dict[str, Any]]:
        return list(self.call("GET", f"/rooms/{room_id}/snapshots", params={"limit": 500}))

    def wait_finished(self, room_ids: list[str], timeout: float) -> list[dict[str, Any]]:
        """Poll until no snapshot of these rooms is ``generating``; returns them all."""
        deadline = time.monotonic() + timeout
        while True:
            found = [s for room_id in room_ids for s in self.snapshots(room_id)]
            stuck = [s for s in found if s["status"] not in FINISHED]
            if not stuck:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(stuck)} of {len(found)} snapshots still generating after {timeout} s: "
                                     f"{[(s['id'], s['status']) for s in stuck][:10]}")
            time.sleep(0.5)

    def wait_task(self, task_id: str, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            task: dict[str, Any] = self.call("GET", f"/snapshots/tasks/{task_id}")
            if task["status"] in (*FINISHED, "cancelled"):
                return task
            if time.monotonic() > deadline:
                raise AssertionError(f"task {task_id} still {task['status']} after {timeout} s")
            time.sleep(0.3)
