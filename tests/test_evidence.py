"""Included documents as evidence: the real worker path on hostile and odd files, checked with poppler and qpdf."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from sts_snapshots.domain.report_model import SnapshotFacts
from sts_snapshots.snapshots.worker import RenderJob, RenderResult, build_pdf
from tests import evidence_files as ev
from tests import report_model

FONTS = Path(__file__).resolve().parents[1] / "static" / "fonts"


def tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, check=False)


def page_text(pdf: Path, number: int) -> str:
    return " ".join(tool("pdftotext", "-layout", "-f", str(number), "-l", str(number), str(pdf), "-").stdout.split())


def render(tmp: Path, entries: list, name: str = "out.pdf") -> tuple[Path, RenderResult, SnapshotFacts]:
    model = ev.with_files(report_model.model(6, included=False), entries)
    facts = report_model.facts(model)
    job = RenderJob(model=model, facts=facts, body=None, fonts_dir=str(FONTS), output=str(tmp / name),
                    appendix=[item for _, item in entries])
    return tmp / name, build_pdf(job), facts


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, RenderResult, SnapshotFacts]:
    tmp = tmp_path_factory.mktemp("evidence")
    (tmp / "hostile.pdf").write_bytes(ev.hostile_pdf())
    (tmp / "crew_list.png").write_bytes(ev.png(160, 100, alpha=False))
    (tmp / "stamp_alpha.png").write_bytes(ev.png(90, 140, alpha=True))
    (tmp / "photo.jpg").write_bytes(ev.jpeg(tmp))
    (tmp / "notes.txt").write_bytes(b"plain notes")
    (tmp / "locked.pdf").write_bytes(ev.encrypted_pdf())
    (tmp / "broken.pdf").write_bytes(b"%PDF-1.7\nnot really a pdf")
    (tmp / "fake.png").write_bytes(b"\x89PNG\r\n\x1a\n not an image")
    entries = [
        ev.included(tmp / "hostile.pdf", "pdf", status="rejected", document="Risk assessment"),
        ev.included(tmp / "crew_list.png", "image", document="Crew list"),
        ev.included(tmp / "stamp_alpha.png", "image", status="under_review", document="Port clearance"),
        ev.included(tmp / "photo.jpg", "image", document="Fender photo"),
        ev.included(tmp / "notes.txt", "attachment", document="Notes"),
        ev.included(tmp / "locked.pdf", "pdf", document="Mooring plan"),
        ev.included(tmp / "broken.pdf", "pdf", document="Hose certificate"),
        ev.included(tmp / "fake.png", "image", document="Bad image"),
        ev.included(tmp / "gone.pdf", "pdf", document="Missing file"),
    ]
    return render(tmp, entries)


def test_the_snapshot_completes_and_every_page_is_stamped(snapshot: tuple[Path, RenderResult, SnapshotFacts]) -> None:
    pdf, result, facts = snapshot
    pages = int(next(line.split()[-1] for line in tool("pdfinfo", str(pdf)).stdout.splitlines()
                     if line.startswith("Pages:")))
    assert pages == result["pages"] == len(PdfReader(pdf).pages)
    for number in range(1, pages + 1):
        assert f"Snapshot {facts['snapshot_id']} | Page {number} of {pages}" in page_text(pdf, number), number
    # the appended pages: 2 of the hostile PDF, then the three images, one page each
    tail = [page_text(pdf, n) for n in range(pages - 4, pages + 1)]
    assert all("Risk assessment" in t and "v3" in t and "Rejected" in t for t in tail[:2])
    assert all("REJECTED" in t and "not accepted as evidence" in t for t in tail[:2])
    assert "HOSTILE PAGE ONE" in tail[0] and "ROTATED PAGE TWO" in tail[1]
    assert "Crew list" in tail[2] and "Approved" in tail[2] and "not accepted" not in tail[2]
    assert "Port clearance" in tail[3] and "UNDER REVIEW" in tail[3]
    assert "Fender photo" in tail[4]


def test_the_index_lists_status_and_pages_or_the_reason(snapshot: tuple[Path, RenderResult, SnapshotFacts]) -> None:
    pdf, result, _ = snapshot
    text = " ".join(tool("pdftotext", str(pdf), "-").stdout.split())
    first = result["pages"] - 4
    for expected in (f"Pages {first}–{first + 1}", f"Page {first + 2}, and attached", f"Page {first + 4}, and",
                     "Attached (not shown as pages)", "Not included: it is encrypted",
                     "Not included: unreadable or damaged PDF", "Not included: unreadable or damaged image",
                     "Not included: the stored file is missing", "Not approved: not accepted as evidence",
                     "master@solo.example", "Limits: 200 pages per file"):
        assert expected in text, expected


def test_active_content_is_stripped(snapshot: tuple[Path, RenderResult, SnapshotFacts]) -> None:
    data = snapshot[0].read_bytes()
    assert b"/JS" not in data and b"/JavaScript" not in data and b"/Launch" not in data
    assert b"/OpenAction" not in data and b"/AA" not in data and b"app.alert" not in data


def test_images_are_pages_and_attachments_named_for_what_they_are(
    snapshot: tuple[Path, RenderResult, SnapshotFacts], tmp_path: Path
) -> None:
    pdf, result, _ = snapshot
    reader = PdfReader(pdf)
    assert set(reader.attachments) == {
        "MT Solo - Crew list - v3 - crew_list.png", "MT Solo - Port clearance - v3 - stamp_alpha.png",
        "MT Solo - Fender photo - v3 - photo.jpg", "MT Solo - Notes - v3 - notes.txt"}
    assert reader.attachments["MT Solo - Notes - v3 - notes.txt"] == [b"plain notes"]
    for number in range(result["pages"] - 2, result["pages"] + 1):
        out = tmp_path / f"p{number}"
        tool("pdftoppm", "-r", "20", "-gray", "-f", str(number), "-l", str(number), "-singlefile", str(pdf), str(out))
        pixels = (tmp_path / f"p{number}.pgm").read_bytes().split(b"\n", 3)[3]
        assert sum(1 for p in pixels if p < 200) > len(pixels) // 20, number  # the image shows, not a blank page


@pytest.mark.parametrize("command", [["qpdf", "--check"], ["pdfinfo"], ["pdffonts"], ["pdftotext"]])
def test_tools_report_no_error(snapshot: tuple[Path, RenderResult, SnapshotFacts], command: list[str]) -> None:
    args = [*command, str(snapshot[0])] + (["-"] if command == ["pdftotext"] else [])
    done = tool(*args)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    if command[0] == "qpdf":
        assert "No syntax or stream encoding errors found" in done.stdout


@pytest.mark.parametrize("command", [["qpdf", "--check"], ["pdfinfo"], ["pdffonts"], ["pdftotext"]])
def test_tools_report_no_error_without_included_documents(tmp_path: Path, command: list[str]) -> None:
    pdf, _, _ = render(tmp_path, [])
    done = tool(*command, str(pdf), *(["-"] if command == ["pdftotext"] else []))
    assert done.returncode == 0 and done.stderr == "", done.stderr
