"""A peer whose version has no sync endpoint (an older installation: every sync path is an unknown path, 404) is
reported as such, not as a peer without the room (a 404 of the sync API itself, whose room then goes over: see
test_sync_servers)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from sts_snapshots.app import build_app, seed_if_empty
from sts_snapshots.cli import main
from sts_snapshots.packs.sync import OLDER_PEER
from sts_snapshots.settings import Settings


class _UnknownPath(BaseHTTPRequestHandler):
    """What an installation from before sync answers on /api/v1/sync/...: FastAPI's 404 for a path it lacks."""

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        body = json.dumps({"detail": "Not Found"}).encode()
        self.send_response(404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture()
def older_peer() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _UnknownPath)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_a_peer_without_the_sync_endpoint_is_reported_as_an_older_version(older_peer: str, tmp_path: Path) -> None:
    code = tmp_path / "older.pair"  # it was paired while it ran a version with sync, then went back to an older one
    assert invoke("peer", "pair-code", "-o", str(code), "--data-dir", str(tmp_path / "older"))[0] == 0
    vessel = tmp_path / "vessel"
    assert invoke("peer", "add", older_peer, str(code), "--data-dir", str(vessel))[0] == 0
    sts = build_app(Settings.load({"data_dir": vessel, "workers": 0}, env={}))
    seed_if_empty(sts)
    room_id = sts.rooms.room_ids()[0]
    sts.stores.close()
    status, out = invoke("sync", "--with", older_peer, "--data-dir", str(vessel))
    assert status != 0 and OLDER_PEER in out and "no such room" not in out, out
    status, out = invoke("sync", "--with", older_peer, "--room", room_id, "--data-dir", str(vessel))
    assert status != 0 and f"room {room_id}: not synced: {OLDER_PEER}" in out, out
    assert "pushed" not in out  # nothing was sent as if the peer lacked only the room
