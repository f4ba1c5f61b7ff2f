"""``POST /api/v1/verify`` (httpx against the ASGI app) and the ``/verify`` page (NiceGUI's simulated user)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from nicegui import ui

from sts_snapshots.settings import Settings
from sts_snapshots.signing import SignerConfig, load_signer, sign_pdf
from tests.harness import API, Harness

from .pdfs import flip_byte_in_signed_range, make_pdf


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.load({"data_dir": tmp_path / "data", "workers": 0, "open_browser": False, "max_upload_mb": 1},
                         env={})


async def own_signed(harness: Harness) -> bytes:
    """Signed with the app's own identity (in a thread: pyHanko's sync API runs its own event loop)."""
    signer = load_signer(SignerConfig.of(harness.sts.settings.data_dir))
    return await asyncio.to_thread(sign_pdf, make_pdf("snapAPI"), signer)


async def post(harness: Harness, content: bytes, name: str = "s.pdf") -> tuple[int, dict[str, object]]:
    response = await harness.client.post(f"{API}/verify", files={"file": (name, content, "application/pdf")})
    return response.status_code, response.json()


async def test_a_good_file_is_valid_by_the_current_certificate(harness: Harness) -> None:
    status, body = await post(harness, await own_signed(harness))
    assert status == 200, body
    assert body["ok"] is True and body["signature"] == "valid" and body["certificate"] == "current"
    assert body["snapshot_id"] == "snapAPI" and body["modified_after_signing"] is False
    assert body["snapshot_known"] is False  # signed here, but never recorded as a snapshot of this installation


async def test_a_changed_file_is_invalid(harness: Harness) -> None:
    status, body = await post(harness, flip_byte_in_signed_range(await own_signed(harness)))
    assert status == 200 and body["ok"] is False and body["signature"] == "invalid"


async def test_a_non_pdf_is_a_clear_422(harness: Harness) -> None:
    status, body = await post(harness, b"GIF89a not a pdf", "x.gif")
    assert status == 422 and body["detail"] == "the file is not a PDF"


async def test_an_oversized_file_is_413(harness: Harness) -> None:
    status, _body = await post(harness, b"%PDF-1.7\n" + b"0" * (2 * 1024 * 1024))
    assert status == 413


async def test_a_flood_from_one_address_gets_429(harness: Harness) -> None:
    codes = [(await post(harness, make_pdf(f"s{i}")))[0] for i in range(25)]
    assert codes[0] == 200 and codes[-1] == 429


async def test_no_login_is_needed_and_nothing_else_is_answered(harness: Harness) -> None:
    status, body = await post(harness, make_pdf())
    assert status == 200 and body["signature"] == "absent"
    assert set(body) == {"ok", "signature", "signed_by", "fingerprint", "certificate", "signed_at",
                         "modified_after_signing", "snapshot_id", "snapshot_known", "sha256", "sha256_matches",
                         "reason"}


async def test_the_page_shows_the_verdict_of_a_dropped_file(harness: Harness) -> None:
    user = harness.user
    await user.open("/verify")
    await user.should_see("Check a snapshot you received")
    upload = user.find(ui.upload).elements.pop()
    data = await own_signed(harness)
    from nicegui.elements.upload_files import SmallFileUpload  # what NiceGUI's own tests hand an upload

    await upload.handle_uploads([SmallFileUpload("s.pdf", "application/pdf", data)])
    await user.should_see("Valid signature by this installation")
    await user.should_see("snapAPI")
    await upload.handle_uploads([SmallFileUpload("x.pdf", "application/pdf", b"not a pdf")])
    await user.should_see("x.pdf: the file is not a PDF.")
