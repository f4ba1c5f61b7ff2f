"""A signed snapshot looks exactly as it did before it was signed: in Chromium's PDF viewer and in pdftoppm.

The signature is an incremental update appended to the file the report was assembled into: the original bytes are
its prefix (up to the first ``%%EOF``), so the pages before and after signing are compared pixel for pixel.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageChops

from sts_snapshots.snapshots.pipeline import generate_snapshot
from tests.test_browser import CHROMEDRIVER, CHROMIUM, OUTPUT, make_driver
from tests.test_report_record import admin, make_app, room_id

from .pdfs import pdfsig


def _signed_and_original(tmp_path: Path) -> tuple[Path, Path]:
    sts = make_app(tmp_path)
    created = sts.snapshots.create(admin(sts), room_id(sts), None, "pdf", False)
    assert generate_snapshot(sts.pipeline, created["id"]) is not None
    signed = sts.layout.snapshot_pdf(created["id"])
    data = signed.read_bytes()
    end = data.index(b"%%EOF") + len(b"%%EOF")
    end += 1 if data[end:end + 1] == b"\n" else 0
    original = tmp_path / "original.pdf"
    original.write_bytes(data[:end])
    assert "Signature is Valid." in "\n".join(pdfsig(signed))
    assert "does not contain any signatures" in "\n".join(pdfsig(original))
    return signed, original


def _pages(pdf: Path, folder: Path) -> list[Image.Image]:
    folder.mkdir()
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf), str(folder / "p")], check=True, timeout=120)
    return [Image.open(path).convert("RGB") for path in sorted(folder.glob("p-*.png"))]


def test_pdftoppm_draws_the_signed_snapshot_exactly_as_before(tmp_path: Path) -> None:
    signed, original = _signed_and_original(tmp_path)
    before, after = _pages(original, tmp_path / "before"), _pages(signed, tmp_path / "after")
    assert len(before) == len(after) > 1
    for number, (a, b) in enumerate(zip(before, after, strict=True), 1):
        assert ImageChops.difference(a, b).getbbox() is None, f"page {number} changed by the signature"


def _viewer_screenshot(driver: Any, pdf: Path, name: str) -> Image.Image:
    """Chromium's own PDF viewer showing ``pdf``, once its first page has been drawn (two equal screenshots)."""
    OUTPUT.mkdir(exist_ok=True)
    path = OUTPUT / f"{name}.png"
    driver.get(pdf.as_uri())
    last: Image.Image | None = None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        time.sleep(1)
        driver.save_screenshot(str(path))
        shot = Image.open(path).convert("RGB")
        colours = shot.getcolors(maxcolors=64)
        drawn = colours is None  # a page with text has far more than 64 colours; the empty viewer is 1-2
        if drawn and last is not None and ImageChops.difference(shot, last).getbbox() is None:
            return shot
        last = shot
    raise AssertionError(f"Chromium's viewer did not draw {pdf.name} within 60 s (see {path})")


@pytest.mark.browser
@pytest.mark.skipif(not (CHROMIUM.exists() and CHROMEDRIVER.exists()), reason="Chromium is not installed")
def test_chromium_pdf_viewer_shows_the_signed_snapshot_exactly_as_before(tmp_path: Path) -> None:
    signed, original = _signed_and_original(tmp_path)
    profile = tmp_path / "chromium-profile"
    driver = make_driver(profile, height=1200)
    try:
        before = _viewer_screenshot(driver, original, "viewer-snapshot-unsigned")
        after = _viewer_screenshot(driver, signed, "viewer-snapshot-signed")
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
    assert ImageChops.difference(before, after).getbbox() is None, "the signature changed what the viewer shows"
