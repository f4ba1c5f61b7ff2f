"""An async HTTP client for the parts of the REST API the bench drives."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

from sts_snapshots.demo import ADMIN_EMAIL, ADMIN_PASSWORD

API = "/api/v1"
FINISHED = ("completed", "failed", "cancelled")


class Api:
    def __init__(self, base_url: str, max_connections: int = 200) -> None:
        limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections)
        self.http = httpx.AsyncClient(base_url=base_url + API, limits=limits, timeout=120)
        self.note_counter = 0

    async def __aenter__(self) -> Api:
        response = await self.http.post("/auth/token", data={"username": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
        response.raise_for_status()
        self.http.headers["Authorization"] = f"Bearer {response.json()['access_token']}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.http.aclose()

    async def _json(self, method: str, path: str, **kw: Any) -> Any:
        response = await self.http.request(method, path, **kw)
        if response.status_code >= 400:
            raise RuntimeError(f"{method} {path} -> {response.status_code}: {response.text[:300]}")
        return response.json()

    async def create(self, room_id: str, include_documents: bool = False, title: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"include_documents": include_documents}
        if title:
            body["title"] = title
        return dict(await self._json("POST", f"/rooms/{room_id}/snapshots", json=body))

    async def timed_create(self, room_id: str, include_documents: bool = False) -> tuple[dict[str, Any], float]:
        started = time.perf_counter()
        snap = await self.create(room_id, include_documents)
        return snap, time.perf_counter() - started

    async def task(self, task_id: str) -> dict[str, Any]:
        return dict(await self._json("GET", f"/snapshots/tasks/{task_id}"))

    async def wait(self, task_id: str, poll: float = 0.01, timeout: float = 900,
                   until: Callable[[dict[str, Any]], bool] | None = None) -> dict[str, Any]:
        """Poll the task every ``poll`` seconds until it is finished (or ``until(task)`` holds)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            task = await self.task(task_id)
            if task["status"] in FINISHED or (until is not None and until(task)):
                return task
            await asyncio.sleep(poll)
        raise TimeoutError(f"task {task_id} not finished after {timeout} s")

    async def documents(self, room_id: str) -> list[dict[str, Any]]:
        return list(await self._json("GET", f"/rooms/{room_id}/documents"))

    async def touch(self, room_id: str, doc_id: str) -> None:
        """Change one document's notes, so the room's content key (and the next snapshot) is new."""
        self.note_counter += 1
        await self._json("PATCH", f"/rooms/{room_id}/documents/{doc_id}",
                         json={"notes": f"Bench revision {self.note_counter} at {time.time():.6f}"})

    async def summary(self, hours: float = 1) -> dict[str, Any]:
        return dict(await self._json("GET", "/snapshots/metrics/summary", params={"hours": hours}))


async def gather_limited(count: int, concurrency: int, job: Callable[[int], Awaitable[float]]) -> list[float]:
    """Run ``job(i)`` for i < count with at most ``concurrency`` in flight; returns what each returned."""
    results: list[float] = [0.0] * count
    queue = iter(range(count))

    async def lane() -> None:
        for i in queue:
            results[i] = await job(i)

    await asyncio.gather(*(lane() for _ in range(concurrency)))
    return results


def read_tasks(data_dir: Path) -> list[dict[str, Any]]:
    """The server's task records, read from its TinyDB files (atomically replaced, so always whole).

    Reading the file puts no load on the server, unlike polling a hundred tasks over HTTP.
    """
    found = []
    for path in sorted((data_dir / "uploads" / ".tasks" / "by-id").glob("*.json")):  # spread over files by id
        try:
            found += json.loads(path.read_bytes()).get("tasks", {}).values()
        except (OSError, ValueError):
            continue
    return found


def task_counts(data_dir: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for task in read_tasks(data_dir):
        counts[task["status"]] = counts.get(task["status"], 0) + 1
    return counts


async def drain(server_dir: Path, ids: set[str], timeout: float) -> list[dict[str, Any]]:
    """Wait until every task in ``ids`` is finished, reading the tasks file every 250 ms; returns their records."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = [t for t in read_tasks(server_dir) if t["task_id"] in ids and t["status"] in FINISHED]
        if len(done) == len(ids):
            return done
        await asyncio.sleep(0.25)
    raise TimeoutError(f"{len(ids)} snapshots not finished after {timeout} s")
