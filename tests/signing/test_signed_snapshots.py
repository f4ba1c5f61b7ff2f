"""Every completed snapshot is signed in the render job, says so on its cover, and reports what it cannot print."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from sts_snapshots.signing import load_signer
from sts_snapshots.snapshots.pipeline import generate_snapshot
from tests.test_report_record import admin, make_app, pdftotext, room_id

from .pdfs import pdfsig


def test_a_completed_snapshot_is_signed_whole_and_its_cover_names_the_signer(tmp_path: Path) -> None:
    sts = make_app(tmp_path)
    created = sts.snapshots.create(admin(sts), room_id(sts), None, "pdf", True)
    result = generate_snapshot(sts.pipeline, created["id"])
    assert result is not None
    pdf = sts.layout.snapshot_pdf(created["id"])
    lines = "\n".join(pdfsig(pdf))
    assert "Signature is Valid." in lines and "Total document signed" in lines, lines
    data = pdf.read_bytes()
    assert result["sha256"] == hashlib.sha256(data).hexdigest()  # the record holds the signed file's digest
    assert sts.pipeline.signer is not None
    signer = load_signer(sts.pipeline.signer)
    cover = re.sub(r"\s+", "", pdftotext(pdf, 1, 1))
    assert f"Digitallysignedby{signer.subject}".replace(" ", "") in cover
    assert signer.fingerprint.replace(" ", "") in cover
    assert "Activitylogchain" in cover and "entries,head" in cover
    assert "frominstallation" not in cover  # the room's own chain is this installation's: not named as another
    changed = tmp_path / "changed.pdf"
    inside = data.index(b"stream\n") + 20  # a byte of the first stream: inside the first signed range
    changed.write_bytes(data[:inside] + bytes([data[inside] ^ 0x01]) + data[inside + 1:])
    assert "Digest Mismatch." in "\n".join(pdfsig(changed))


def test_a_character_no_font_has_prints_as_a_box_and_is_listed_in_the_task(tmp_path: Path) -> None:
    sts = make_app(tmp_path)
    sts.rooms.add_vessel(admin(sts), room_id(sts), {"name": "MT Blue Whale 🐋", "imo": "9074729", "role": "daughter",
                                                    "flag": "Panama"})
    created = sts.snapshots.create(admin(sts), room_id(sts), None, "pdf", False)
    result = generate_snapshot(sts.pipeline, created["id"])
    assert result is not None and result["unprintable_characters"] == ["🐋"]
    task = sts.tasks.get(created["task_id"])
    assert task is not None and task["result"]["unprintable_characters"] == ["🐋"]
    assert "MT Blue Whale" in pdftotext(sts.layout.snapshot_pdf(created["id"]))
