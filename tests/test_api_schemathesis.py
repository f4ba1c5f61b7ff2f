"""Schemathesis over /openapi.json against the real server process: no input may produce a 5xx.

The run uses the demo room's real ids for the path parameters, so the generated bodies and queries reach
the handlers instead of stopping at a 404; the example count is kept modest so the suite stays quick.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.server_process import start_server, stop_server

ADMIN = ("admin@sts-demo.example", "demo-admin-pass")


def post_form(url: str, fields: dict[str, str]) -> dict:
    data = "&".join(f"{k}={urllib.request.quote(v)}" for k, v in fields.items()).encode()
    with urllib.request.urlopen(urllib.request.Request(url, data=data)) as response:
        return dict(json.loads(response.read()))


def get_json(url: str, token: str, body: dict | None = None) -> object:
    """GET ``url``, or POST ``body`` as JSON to it."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Authorization": f"Bearer {token}",
                                                              "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    url, process = start_server(tmp_path / "data", tmp_path / "server.log")
    try:
        yield url
    finally:
        stop_server(process)


def test_no_input_gives_a_server_error(server: str, tmp_path: Path) -> None:
    st = shutil.which("st", path=str(Path(sys.executable).parent))
    assert st, "schemathesis is part of the test extra"
    token = post_form(f"{server}/api/v1/auth/token", {"username": ADMIN[0], "password": ADMIN[1]})["access_token"]
    room_id = get_json(f"{server}/api/v1/rooms", token)[0]["id"]  # type: ignore[index]
    room = get_json(f"{server}/api/v1/rooms/{room_id}", token)
    party = room["parties"][-1]["id"]  # type: ignore[index]
    snapshot = get_json(f"{server}/api/v1/rooms/{room_id}/snapshots", token, {"title": "Before fuzzing"})
    docs = get_json(f"{server}/api/v1/rooms/{room['id']}/documents", token)
    doc = next(d for d in docs if d["latest_version"])  # type: ignore[union-attr]
    (tmp_path / "schemathesis.toml").write_text(
        f'headers = {{ Authorization = "Bearer {token}" }}\n'
        "[parameters]\n"
        f'"path.room_id" = "{room["id"]}"\n'
        f'"path.doc_id" = "{doc["id"]}"\n'
        f'"path.party_id" = "{party}"\n'
        f'"path.snapshot_id" = "{snapshot["id"]}"\n'  # type: ignore[index]
        f'"path.task_id" = "{snapshot["task_id"]}"\n'  # type: ignore[index]
    )
    result = subprocess.run(
        [st, "run", f"{server}/openapi.json", "--url", server, "--checks", "not_a_server_error",
         "--max-examples", "5", "--seed", "20261128", "--generation-database", "none", "--workers", "2",
         "--exclude-path", "/api/v1/auth/token"],  # fuzzing the login would lock the admin out, by design
        check=False, cwd=tmp_path, capture_output=True, text=True, timeout=600,
        env={**os.environ, "NO_COLOR": "1"},
    )
    summary = result.stdout[-3000:]
    assert result.returncode == 0, summary
    assert "passed" in summary and "failed" not in summary.split("Test cases:")[-1], summary
