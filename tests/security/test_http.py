"""Issue 13: body limits before authentication, strict JSON, short 422s, one log, security headers, socket origin."""

from __future__ import annotations

import logging
import os
import stat
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from nicegui import core

from sts_snapshots.api.limits import JSON_LIMIT
from sts_snapshots.logging_setup import setup_logging
from sts_snapshots.settings import Settings
from tests.harness import API, Harness, running_app

JSON = {"content-type": "application/json"}
HEADERS = {"Content-Security-Policy": "frame-ancestors 'self'", "X-Frame-Options": "SAMEORIGIN",
           "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"}


async def stream(total: int, chunk: int = 1024 * 1024) -> AsyncIterator[bytes]:
    sent = 0
    while sent < total:
        piece = min(chunk, total - sent)
        sent += piece
        yield b"x" * piece


@pytest.mark.parametrize("body", [b'{"title": NaN}', b'{"title": Infinity}', b'{"title": -Infinity}',
                                  b'{"title": 1e999}', b'{"title": "\\ud800"}', b'{"title": "a\xffb"}'],
                         ids=["nan", "infinity", "minus-infinity", "1e999", "lone-surrogate", "invalid-utf8"])
async def test_json_that_is_not_standard_json_is_a_short_422(harness: Harness, body: bytes) -> None:
    response = await harness.client.post(f"{API}/rooms/{harness.demo_room_id()}/snapshots", content=body,
                                         headers={**JSON, **harness.admin})
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["msg"] and len(response.content) < 500


async def test_a_long_title_is_answered_without_echoing_it(harness: Harness) -> None:
    title = "x" * 500_000
    response = await harness.client.post(f"{API}/rooms/{harness.demo_room_id()}/snapshots", json={"title": title},
                                         headers=harness.admin)
    assert response.status_code == 422 and len(response.content) < 1000, response.text[:300]


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
async def test_a_20_mb_json_body_is_a_json_413_before_authentication(harness: Harness, chunked: bool) -> None:
    size = 20 * 1024 * 1024
    headers = dict(JSON) if chunked else {**JSON, "content-length": str(size)}
    response = await harness.client.post(f"{API}/rooms/{harness.demo_room_id()}/snapshots", content=stream(size),
                                         headers=headers)
    assert response.status_code == 413 and "detail" in response.json()


async def test_a_json_body_just_over_the_limit_is_a_413_on_any_api_route(harness: Harness) -> None:
    response = await harness.client.post(f"{API}/auth/token", content=b"x" * (JSON_LIMIT + 1),
                                         headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 413 and "detail" in response.json()


@pytest.fixture
def small_uploads(tmp_path: Path) -> Settings:
    return Settings.load({"data_dir": tmp_path / "data", "workers": 0, "open_browser": False, "max_upload_mb": 1},
                         env={})


async def test_an_oversized_unauthenticated_upload_spools_nothing(small_uploads: Settings, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    spool = tmp_path / "spool"
    spool.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool))
    async with running_app(small_uploads) as harness:
        room = harness.demo_room_id()
        doc = harness.sts.rooms.documents_of(room)[0]
        url = f"{API}/rooms/{room}/documents/{doc['id']}/file"
        boundary = "b0undary"
        head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n"
                "Content-Type: application/pdf\r\n\r\n").encode()
        size = 8 * 1024 * 1024

        async def body() -> AsyncIterator[bytes]:
            yield head
            async for chunk in stream(size):
                yield chunk
            yield f"\r\n--{boundary}--\r\n".encode()

        for headers in ({"content-length": str(len(head) + size + len(boundary) + 8)}, {}):  # declared, chunked
            response = await harness.client.put(url, content=body(), headers={
                **headers, "content-type": f"multipart/form-data; boundary={boundary}"})
            assert response.status_code == 413 and "detail" in response.json()
            assert list(spool.iterdir()) == []
        small = await harness.client.put(url, files={"file": ("a.pdf", b"%PDF-1.4 small")})
        assert small.status_code == 401  # under the limit: the body is read, then authentication answers


async def test_the_security_headers_are_on_pages_and_api_answers(harness: Harness) -> None:
    for path in ("/login", f"{API}/health", f"{API}/rooms", f"{API}/no-such-thing", "/no-such-page"):
        response = await harness.client.get(path)
        for name, value in HEADERS.items():
            assert response.headers.get(name) == value, (path, name)


@pytest.mark.parametrize(("origin", "accepted"), [("http://test", True), ("http://evil.example", False)])
async def test_the_socket_accepts_only_its_own_origin(harness: Harness, origin: str, accepted: bool,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    response = await harness.client.get("/_nicegui_ws/socket.io/", params={"EIO": "4", "transport": "polling"},
                                        headers={"Origin": origin})
    assert (response.status_code == 200) is accepted, response.text
    if accepted:
        assert response.text.startswith("0{")  # engine.io's open packet
    # a refused visitor is a WARNING: an ERROR would turn `sts-snapshots verify` red
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_nicegui_s_own_upload_route_refuses_an_oversized_body(small_uploads: Settings, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A declared length over the limit is a JSON 413 before NiceGUI's route runs; a chunked one is never spooled
    (NiceGUI's route answers an unknown page before reading it, and Starlette's limit stops a known one)."""
    spool = tmp_path / "spool"
    spool.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool))
    async with running_app(small_uploads) as harness:
        size = 3 * 1024 * 1024
        url = "/_nicegui/client/abc/upload/123"
        declared = await harness.client.post(url, content=stream(size), headers={
            "content-length": str(size), "content-type": "multipart/form-data; boundary=x"})
        assert declared.status_code == 413 and "detail" in declared.json()
        chunked = await harness.client.post(url, content=stream(size),
                                            headers={"content-type": "multipart/form-data; boundary=x"})
        assert chunked.status_code in (404, 413) and list(spool.iterdir()) == []


@pytest.mark.allow_error_logs  # the route's failure is logged as an ERROR on purpose
async def test_an_unhandled_error_is_logged_with_its_traceback_and_answered_without_its_text(
        harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(type(harness.sts.rooms), "list_rooms", broken)
    log_file = harness.sts.layout.log_file
    root = logging.getLogger()
    level = root.level
    setup_logging(log_file, "INFO", console=False)
    try:
        transport = httpx.ASGITransport(core.app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            response = await client.get(f"{API}/rooms", headers=harness.admin)
    finally:
        setup_logging(None, logging.getLevelName(level), console=False)
    assert response.status_code == 500 and "secret" not in response.text and response.json()["detail"]
    for name, value in HEADERS.items():  # Starlette sends a 500 from outside every middleware of ours
        assert response.headers.get(name) == value, name
    text = log_file.read_text()
    assert "Traceback" in text and "RuntimeError: secret internal detail" in text and "GET /api/v1/rooms" in text


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
async def test_the_session_files_are_private(settings: Settings) -> None:
    folder = settings.data_dir / ".nicegui"
    folder.mkdir(parents=True)
    left = folder / "storage-user-left.json"
    left.write_text("{}")
    left.chmod(0o644)
    async with running_app(settings) as harness:
        await harness.client.get("/login")
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert stat.S_IMODE(left.stat().st_mode) == 0o600
