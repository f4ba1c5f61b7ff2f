"""The PDF report, checked by parsing real output with pypdf (text, pages, outline, attachments)."""

from __future__ import annotations

import copy
import hashlib
import io
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest
from pypdf.generic import Destination

from sts_snapshots.domain.report_model import AppendixItem, ReportModel, SnapshotFacts
from sts_snapshots.report import (
    assemble,
    clear_borb_caches,
    disable_borb_telemetry,
    draw_cover,
    render_body,
    render_cover,
)
from sts_snapshots.report.borb_setup import find_borb_caches
from sts_snapshots.report.canvas import PageContent
from sts_snapshots.report.evidence import Limits, prepare
from tests import report_model

FONTS = Path(__file__).resolve().parents[1] / "static" / "fonts"
UNICODE_SAMPLES = ["Ørsted", "Müller", "São Paulo", "Ωμέγα", "Привет", "—", "€"]


def text_of(pdf: bytes) -> str:
    """All page text, whitespace collapsed (wrapped lines become single spaces)."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def page_count(pdf: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def outline_titles(reader: pypdf.PdfReader) -> list[str]:
    titles: list[str] = []

    def walk(items: list) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            elif isinstance(item, Destination):
                titles.append(str(item.title))

    walk(reader.outline)
    return titles


@pytest.fixture(scope="module")
def model() -> ReportModel:
    return report_model.model(30)


@pytest.fixture(scope="module")
def facts(model: ReportModel) -> SnapshotFacts:
    return report_model.facts(model)


@pytest.fixture(scope="module")
def cover(model: ReportModel, facts: SnapshotFacts) -> bytes:
    return render_cover(model, facts, FONTS)


@pytest.fixture(scope="module")
def drawn(model: ReportModel, facts: SnapshotFacts) -> PageContent:
    """The cover as the assembly paints it."""
    return draw_cover(model, facts, FONTS)


@pytest.fixture(scope="module")
def body(model: ReportModel) -> bytes:
    return render_body(model, FONTS)


def test_cover_is_one_page_with_identity_and_verdict(cover: bytes, model: ReportModel, facts: SnapshotFacts) -> None:
    assert page_count(cover) == 1
    text = text_of(cover)
    for expected in (
        "STS Clearance Snapshot",
        model["room"]["title"],
        facts["snapshot_id"],
        facts["title"],
        model["content_key"][:12],
        "NOT READY",
        "Ingrid Ørsted",
    ):
        assert expected in text


def test_cover_says_ready_when_every_required_document_is_approved(model: ReportModel, facts: SnapshotFacts) -> None:
    ready = copy.deepcopy(model)
    ready["readiness"].update({"approved": ready["readiness"]["required"], "missing": 0, "rejected": 0, "ready": True})
    text = text_of(render_cover(ready, facts, FONTS))
    assert "READY FOR OPERATION" in text
    assert "NOT READY" not in text


def test_body_has_every_section_status_and_unicode_text(body: bytes, model: ReportModel) -> None:
    text = text_of(body)
    for section in (
        "Room information",
        "Parties",
        "Vessels",
        "Documents status",
        "Approvals",
        "Appendix: activity log",
        "Evidence hashes",
        "Included documents",
    ):
        assert section in text
    for status in ("Approved", "Under review", "Missing", "Rejected", "Expired", "EXPIRED", "Pending"):
        assert status in text
    for sample in UNICODE_SAMPLES:
        assert sample in text, sample
    assert model["included_files"][0]["sha256"] in text.replace(" ", "")
    assert f"Content key {model['content_key'][:12]}" in text
    assert "Confidential — prepared for the parties to this STS operation" in text


def test_long_note_wraps_without_losing_its_end(body: bytes, model: ReportModel) -> None:
    text = text_of(body)
    assert model["documents"][-1]["type_name"] in text  # the document with the long note
    assert "Final word: acknowledged-by-POAC." in text


def test_body_is_deterministic(model: ReportModel, body: bytes) -> None:
    assert render_body(copy.deepcopy(model), FONTS) == body


def test_body_bytes_do_not_depend_on_the_process(model: ReportModel, body: bytes) -> None:
    """Cached bodies are keyed by content: another process (other hash seed, later clock) must agree."""
    script = (
        "import sys, hashlib, json; from pathlib import Path; from sts_snapshots.report import render_body; "
        "sys.stdout.write(hashlib.sha256(render_body(json.load(sys.stdin), Path(sys.argv[1]))).hexdigest())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    result = subprocess.run(
        [sys.executable, "-c", script, str(FONTS)],
        input=json.dumps(model),
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=Path(__file__).resolve().parents[1],
        timeout=120,
    )
    assert result.stdout == hashlib.sha256(body).hexdigest()


def test_two_hundred_documents_continue_across_pages_with_repeated_header() -> None:
    big = report_model.model(200, included=False)
    pdf = render_body(big, FONTS)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 12
    pages = [page.extract_text() for page in reader.pages]
    assert sum("Current version" in page for page in pages) >= 10  # header repeated on continuation pages
    text = " ".join(" ".join(pages).split())
    assert big["documents"][-1]["type_name"] in text  # the document with the long note
    assert text.rstrip().count("acknowledged-by-POAC.") == 1
    assert "Included documents" not in text  # no included files, no index section


def test_characters_outside_the_font_and_very_long_words_do_not_break_rendering(model: ReportModel) -> None:
    odd = copy.deepcopy(model)
    token = "X" * 400
    odd["room"]["title"] = "中文 room 🚢 " + "very long title " * 12
    odd["documents"][0]["notes"] = f"tab\there\nnewline {token} end-of-note"
    odd["parties"] = []
    odd["approvals"] = []
    odd["activity"] = []
    text = text_of(render_body(odd, FONTS))
    assert token in text.replace(" ", "")
    assert "end-of-note" in text
    assert "No parties recorded." in text
    assert page_count(render_cover(odd, report_model.facts(odd), FONTS)) == 1


def test_sparse_model_with_empty_values_renders() -> None:
    sparse = ReportModel(
        template_version="2",
        options={"include_documents": False, "include_activity": True, "include_approvals": True,
                 "activity_limit": 2000},
        content_key="",
        room={"id": "r", "title": "", "location": "", "sts_eta": None, "cargo_type": "", "cargo_quantity": "",
              "description": "", "status": "draft", "created_at": "", "created_by": "", "planned_hours": 48},
        checklists=[],
        operation_window={"basis": "today", "start": "2026-01-01", "end": None, "planned_hours": 48, "label": ""},
        vessels=[{"id": "v", "name": "MT Solo", "imo": "", "flag": "", "vessel_type": "", "role": "mother",
                  "dwt": None, "length_m": None}],
        parties=[],
        documents=[{"id": "d", "group": "", "type_code": "CREW", "type_name": "Crew list", "category": "",
                    "required": False, "criticality": "", "status": "weird_status", "expires_on": None,
                    "expired": False, "expiring_soon": False, "expires_before_end": False, "shortfall_days": 0,
                    "operation_note": "", "version": None, "uploaded_by": None,
                    "uploaded_at": None, "file_name": None, "sha256": None, "reviewed_by": None,
                    "reviewed_at": None, "notes": ""}],
        approvals=[],
        activity=[],
        activity_total=0,
        readiness={"required": 0, "approved": 0, "under_review": 0, "missing": 0, "rejected": 0, "expired": 0,
                   "expiring_soon": 0, "expires_before_end": 0, "checklists_required": 0, "checklists_signed": 0,
                   "ready": False},
        included_files=[],
    )
    text = text_of(render_body(sparse, FONTS))
    assert "Crew list" in text and "Weird status" in text and "MT Solo" in text
    facts = SnapshotFacts(snapshot_id="abc", title="", content_key="", generated_at="", generated_by="")
    cover_text = text_of(render_cover(sparse, facts, FONTS))
    assert "NOT READY" in cover_text and "abc" in cover_text


def test_assembled_report_is_stamped_and_bookmarked(
    cover: bytes, drawn: PageContent, body: bytes, facts: SnapshotFacts
) -> None:
    pdf, total = assemble(drawn, body, facts, [])
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert total == len(reader.pages) == page_count(cover) + page_count(body)
    # the cover the assembly paints is the cover on its own, plus the page stamp
    alone = " ".join(text_of(cover).split())
    painted = " ".join(reader.pages[0].extract_text().split())
    assert alone and painted.startswith(alone) and painted.endswith(f"Page 1 of {total}")
    for number, page in enumerate(reader.pages, start=1):
        assert f"Snapshot {facts['snapshot_id']} | Page {number} of {total}" in " ".join(page.extract_text().split())
    titles = outline_titles(reader)
    assert titles[:2] == ["Cover", "1. Room information"]
    assert "Mother vessel — MT Nordic Ørsted" in titles
    assert reader.metadata is not None and reader.metadata.title == facts["title"]


def _item(path: Path, kind: str, status: str = "approved") -> AppendixItem:
    return AppendixItem(path=str(path), name=path.name, kind=kind, title=f"Q88 — {path.name}",  # type: ignore[typeddict-item]
                        attachment=f"MT Solo - Q88 - v1 - {path.name}", label=f"Q88 — v1 — {path.name}", status=status)


def test_appendix_pdfs_are_appended_and_other_files_attached(
    tmp_path: Path, cover: bytes, drawn: PageContent, body: bytes, facts: SnapshotFacts
) -> None:
    extra = render_body(report_model.model(3, included=False), FONTS)
    (tmp_path / "q88.pdf").write_bytes(extra)
    (tmp_path / "notes.txt").write_bytes(b"plain notes")
    items = [_item(tmp_path / "q88.pdf", "pdf"), _item(tmp_path / "notes.txt", "attachment")]
    pdf, total = assemble(drawn, body, facts, prepare(items, [Limits()] * 2))
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    report_pages = page_count(cover) + page_count(body)
    assert total == len(reader.pages) == report_pages + page_count(extra)
    top_level = [item.title for item in reader.outline if isinstance(item, Destination)]
    assert top_level[0] == "Cover" and top_level[-1] == "Q88 — q88.pdf"
    assert reader.attachments["MT Solo - Q88 - v1 - notes.txt"] == [b"plain notes"]
    # every page counts over the whole file, appended ones too
    assert f"Page {report_pages} of {total}" in reader.pages[report_pages - 1].extract_text()
    assert "Snapshot " + facts["snapshot_id"] in reader.pages[report_pages].extract_text()


def test_unreadable_appendix_pdf_is_left_out_with_its_reason(
    tmp_path: Path, cover: bytes, drawn: PageContent, body: bytes, facts: SnapshotFacts
) -> None:
    broken = tmp_path / "hose_certificate.pdf"
    broken.write_bytes(b"%PDF-1.7\nthis is not really a pdf")
    [done] = prepare([_item(broken, "pdf")], [Limits()])
    assert done.pdf is None and done.reason and "damaged" in done.reason
    _, total = assemble(drawn, body, facts, [done])
    assert total == page_count(cover) + page_count(body)


def test_telemetry_is_off_and_no_signal_handler_is_replaced(model: ReportModel) -> None:
    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    disable_borb_telemetry()
    disable_borb_telemetry()  # idempotent
    render_body(report_model.model(2, included=False), FONTS)
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before


def test_clear_borb_caches_empties_every_borb_cache(model: ReportModel) -> None:
    caches = find_borb_caches()
    assert len(caches) >= 10  # Chunk, paragraphs, tables, shapes...
    from borb.pdf import Chunk

    Chunk("warm the cache").get_size(available_space=(100, 100))
    assert any(cache.cache_info().currsize for cache in caches)
    clear_borb_caches()
    assert all(cache.cache_info().currsize == 0 for cache in find_borb_caches())
