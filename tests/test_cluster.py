"""The distributed mode as an office runs it: two web nodes and two render nodes, real processes, one PostgreSQL,
one shared files folder, each node with its own copy of the cluster's secrets.

- 100 snapshots created round-robin on both web nodes all complete, each job run exactly once, by both render nodes;
- a render node killed with SIGKILL during a render: the other node's stalled-job sweep retries it and finishes it;
- a web node killed with SIGKILL: the other keeps serving, and no task it acknowledged is lost.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import psycopg
import pytest

from sts_snapshots.demo import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.server_process import free_port, wait_healthy
from tests.test_pg_queue import wait_for as pg_queue_wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.faults]
ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")


def wait_for(check: Callable[[], T | None], timeout: float, what: str) -> T:
    """As the queue tests wait, asking less often: a check here is HTTP calls to real nodes."""
    return pg_queue_wait_for(check, timeout, what, pause=0.5)


@dataclass
class Node:
    name: str
    process: subprocess.Popen[bytes]
    log: Path
    url: str = ""

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)  # the node and its render worker processes
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.kill()


@dataclass
class Office:
    """The cluster of one test: nodes started with :meth:`web` and :meth:`render`, all stopped at the end."""

    base: Path
    database_url: str
    nodes: list[Node] = field(default_factory=list)
    settings: dict[str, str] = field(default_factory=dict)  # STS_* variables every node gets

    def _env(self, name: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "NICEGUI_", "STS_"))}
        secrets = self.base / f"secrets-{name}"
        first = self.base / "secrets-web1"
        if name != "web1":  # the operator copies the first node's secrets to every other node (README)
            shutil.copytree(first, secrets, dirs_exist_ok=True)
        env |= {"STS_DATABASE_URL": self.database_url, "STS_FILES_DIR": str(self.base / "shared"),
                "STS_SECRETS_DIR": str(secrets), "PYTHONPATH": str(ROOT), **self.settings}
        return env

    def _start(self, name: str, args: list[str]) -> Node:
        log = self.base / f"{name}.log"
        with log.open("wb") as out:
            process = subprocess.Popen([sys.executable, "-m", "sts_snapshots", *args, "--data-dir",
                                        str(self.base / name)], stdout=out, stderr=subprocess.STDOUT,
                                       env=self._env(name), cwd=ROOT, start_new_session=True)
        node = Node(name, process, log)
        self.nodes.append(node)
        return node

    def web(self, name: str) -> Node:
        port = free_port()
        node = self._start(name, ["serve", "--port", str(port), "--no-browser", "--workers", "1"])
        node.url = f"http://127.0.0.1:{port}"
        wait_healthy(node.url, node.process, timeout=90)
        return node

    def render(self, name: str) -> Node:
        node = self._start(name, ["render-node", "--workers", "1"])
        wait_for(lambda: "render node" in node.log.read_text(errors="replace") or node.process.poll() is not None,
                 90, f"{name} to start")
        assert node.process.poll() is None, node.log.read_text(errors="replace")
        return node

    def stop(self) -> None:
        for node in reversed(self.nodes):
            node.stop()


@pytest.fixture
def office(tmp_path: Path, pg_url: str) -> Iterator[Office]:
    cluster = Office(tmp_path, pg_url)
    try:
        yield cluster
    finally:
        cluster.stop()


def call(url: str, path: str, token: str | None = None, body: dict[str, Any] | None = None,
         form: dict[str, str] | None = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = None
    if body is not None:
        data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
    elif form is not None:
        data = urllib.parse.urlencode(form).encode()
    with urllib.request.urlopen(urllib.request.Request(f"{url}/api/v1{path}", data=data, headers=headers),
                                timeout=30) as answer:
        return json.load(answer)


def token_of(url: str) -> str:
    return str(call(url, "/auth/token", form={"username": ADMIN_EMAIL, "password": ADMIN_PASSWORD})["access_token"])


def jobs(url: str) -> list[tuple[str, str, int, Any]]:
    """(snapshot id, status, attempts, worker) of every generation job Procrastinate holds."""
    with psycopg.connect(url) as conn:
        return [(r[0], r[1], r[2], r[3]) for r in conn.execute(
            "SELECT args->>'snapshot_id', status::text, attempts, worker_id FROM procrastinate_jobs "
            "WHERE task_name = 'sts.generate_pdf'")]


def test_two_web_and_two_render_nodes_complete_every_snapshot_exactly_once(office: Office) -> None:
    web1 = office.web("web1")  # the first node makes the cluster's secrets and seeds the demo room
    web2 = office.web("web2")
    office.render("render1")
    office.render("render2")
    tokens = {web.url: token_of(web.url) for web in (web1, web2)}
    room = call(web1.url, "/rooms", tokens[web1.url])[0]["id"]
    assert call(web2.url, "/rooms", token_of(web1.url))[0]["id"] == room  # a token of one node is good on the other
    created = []
    for number in range(100):
        web = (web1, web2)[number % 2]
        created.append(call(web.url, f"/rooms/{room}/snapshots", tokens[web.url], {"title": f"Clearance {number}"}))

    def finished() -> list[dict[str, Any]] | None:
        answers = [call((web1, web2)[n % 2].url, f"/snapshots/tasks/{s['task_id']}", tokens[web1.url])
                   for n, s in enumerate(created)]
        return answers if all(a["status"] in ("completed", "failed") for a in answers) else None

    answers = wait_for(finished, 600, "100 snapshots to finish")
    assert [a["status"] for a in answers] == ["completed"] * 100, [a for a in answers if a["status"] != "completed"]
    held = {sid: (status, attempts, worker) for sid, status, attempts, worker in jobs(office.database_url)}
    assert {s["id"] for s in created} <= set(held)
    assert all(held[s["id"]][:2] == ("succeeded", 1) for s in created), [held[s["id"]] for s in created]
    workers = {held[s["id"]][2] for s in created}  # Procrastinate's worker ids: one per render node here
    assert len(workers) == 2, f"not both render nodes took jobs: {workers}"
    def counted() -> dict[str, Any] | None:  # every node's metrics (flushed every 5 s) on either web node's dashboard
        summary = call(web2.url, "/snapshots/metrics/summary?hours=1", tokens[web2.url])
        return summary if summary["pdf_generation"]["total_generations"] >= 100 else None

    summary = wait_for(counted, 60, "the render nodes' generations on a web node's dashboard")
    assert summary["api_performance"]["routes"]["POST /api/v1/rooms/{room_id}/snapshots"]["count"] == 100
    for snapshot in created[:3]:  # the PDFs are in the shared folder, served by either web node
        for web in (web1, web2):
            request = urllib.request.Request(f"{web.url}/api/v1/rooms/{room}/snapshots/{snapshot['id']}/download",
                                             headers={"Authorization": f"Bearer {tokens[web.url]}"})
            with urllib.request.urlopen(request, timeout=30) as answer:
                assert answer.read(5) == b"%PDF-"


def test_a_render_node_killed_during_a_render_is_replaced_by_another(office: Office) -> None:
    web = office.web("web1")
    token = token_of(web.url)
    room = call(web.url, "/rooms", token)[0]["id"]
    render1 = office.render("render1")
    # with the room's files appended a render takes long enough to be caught in the middle
    snapshot = call(web.url, f"/rooms/{room}/snapshots", token, {"title": "Interrupted", "include_documents": True})
    wait_for(lambda: call(web.url, f"/snapshots/tasks/{snapshot['task_id']}", token)["status"] == "running", 120,
             "render1 to start the job")
    render1.kill()
    task = call(web.url, f"/snapshots/tasks/{snapshot['task_id']}", token)
    assert task["status"] == "running"  # nobody finished it: the node died with it
    office.render("render2")
    task = wait_for(lambda: (t := call(web.url, f"/snapshots/tasks/{snapshot['task_id']}", token))["status"]
                    in ("completed", "failed") and t, 300, "render2's sweep to retry and finish the stalled job")
    assert task["status"] == "completed", task
    assert (task.get("attempts") or 2) >= 2
    assert [j[1] for j in jobs(office.database_url) if j[0] == snapshot["id"]] == ["succeeded"]


def test_a_web_node_killed_leaves_the_other_serving_and_no_task_lost(office: Office) -> None:
    web1 = office.web("web1")
    web2 = office.web("web2")
    token = token_of(web1.url)
    room = call(web1.url, "/rooms", token)[0]["id"]
    acknowledged = [call(web1.url, f"/rooms/{room}/snapshots", token, {"title": f"Before {n}"}) for n in range(10)]
    web1.kill()  # before any render node runs: its tasks wait in PostgreSQL, not in web1
    with pytest.raises(urllib.error.URLError):
        call(web1.url, "/rooms", token)
    assert call(web2.url, "/rooms", token)[0]["id"] == room
    after = [call(web2.url, f"/rooms/{room}/snapshots", token, {"title": f"After {n}"}) for n in range(5)]
    office.render("render1")
    def finished(task_id: str) -> dict[str, Any] | None:
        task: dict[str, Any] = call(web2.url, f"/snapshots/tasks/{task_id}", token)
        return task if task["status"] in ("completed", "failed") else None

    for snapshot in acknowledged + after:
        task = wait_for(partial(finished, snapshot["task_id"]), 300, f"task of {snapshot['title']}")
        assert task["status"] == "completed", task
