"""Run the real app in-process: NiceGUI's user simulation, plus an httpx client against the same ASGI app."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
from nicegui import core, ui
from nicegui.functions.download import download
from nicegui.functions.navigate import Navigate
from nicegui.functions.notify import notify
from nicegui.testing.general import nicegui_reset_globals, prepare_simulation
from nicegui.testing.user import User

from sts_snapshots.app import create_app
from sts_snapshots.context import StsApp
from sts_snapshots.demo import ADMIN_EMAIL, MEMBER_EMAIL
from sts_snapshots.server import ui_run_options
from sts_snapshots.settings import Settings

API = "/api/v1"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@dataclass
class Harness:
    sts: StsApp
    client: httpx.AsyncClient
    user: User

    def token(self, email: str) -> str:
        found = self.sts.users.get(email)
        assert found is not None, email
        return self.sts.tokens.issue(found.email, found.role, found.credential)

    def auth(self, email: str = ADMIN_EMAIL) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(email)}"}

    @property
    def admin(self) -> dict[str, str]:
        return self.auth(ADMIN_EMAIL)

    @property
    def member(self) -> dict[str, str]:
        return self.auth(MEMBER_EMAIL)

    def demo_room_id(self) -> str:
        return self.sts.rooms.room_ids()[0]

    async def wait_task(self, task_id: str, headers: dict[str, str], timeout: float = 60) -> dict[str, Any]:
        """Poll the task endpoint until the task is finished; returns the last answer and the progress seen."""
        seen: list[int] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            response = await self.client.get(f"{API}/snapshots/tasks/{task_id}", headers=headers)
            assert response.status_code == 200, response.text
            task = response.json()
            if not seen or seen[-1] != task["progress"]:
                seen.append(task["progress"])
            if task["status"] in ("completed", "failed", "cancelled"):
                return {**task, "progress_seen": seen}
            await asyncio.sleep(0.02)
        raise AssertionError(f"task {task_id} did not finish in {timeout} s (progress seen {seen})")


@asynccontextmanager
async def running_app(settings: Settings, today: Callable[[], date] | None = None) -> AsyncIterator[Harness]:
    with nicegui_reset_globals():
        os.environ["NICEGUI_USER_SIMULATION"] = "true"
        try:
            prepare_simulation()
            sts = create_app(settings, today=today)
            ui.run(**ui_run_options(sts))
            async with core.app.router.lifespan_context(core.app):
                # like a browser: pages are asked for as HTML (GET /metrics serves Prometheus text to everyone else)
                async with httpx.AsyncClient(transport=httpx.ASGITransport(core.app), base_url="http://test",
                                             headers={"Accept": BROWSER_ACCEPT}) as client:
                    yield Harness(sts=sts, client=client, user=User(client))
        finally:
            os.environ.pop("NICEGUI_USER_SIMULATION", None)
            ui.navigate = Navigate()
            ui.notify = notify
            ui.download = download
