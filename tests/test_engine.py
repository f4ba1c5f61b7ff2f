"""The snapshot engine through its plain job function, with real TinyDB files and real borb output."""

from __future__ import annotations

import json
import multiprocessing
import os
import socket
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from sts_snapshots.app import build_app, seed_if_empty
from sts_snapshots.context import StsApp
from sts_snapshots.demo import ADMIN_EMAIL
from sts_snapshots.domain.time import utcnow
from sts_snapshots.services.users import User
from sts_snapshots.settings import Settings
from sts_snapshots.snapshots.content_key import content_key
from sts_snapshots.snapshots.model import gather
from sts_snapshots.snapshots.pipeline import generate_snapshot
from tests.stored import cache_entry, edit_cache_entry, edit_task, task_ids


@pytest.fixture
def sts(tmp_path: Path) -> StsApp:
    app = build_app(Settings.load({"data_dir": tmp_path, "workers": 0}, env={}))
    seed_if_empty(app)
    return app


def admin(sts: StsApp) -> User:
    user = sts.users.get(ADMIN_EMAIL)
    assert user is not None
    return user


def room_id(sts: StsApp) -> str:
    return str(sts.rooms.room_ids()[0])


def snapshot(sts: StsApp, include_documents: bool = False, title: str | None = None) -> dict[str, Any]:
    created = sts.snapshots.create(admin(sts), room_id(sts), title, "pdf", include_documents)
    generate_snapshot(sts.pipeline, created["id"])
    record = sts.snapshots.get(admin(sts), room_id(sts), created["id"])
    return {**record, "task": sts.tasks.get(created["task_id"])}


def outline_titles(outline: list[Any]) -> list[str]:
    titles: list[str] = []
    for item in outline:
        titles += outline_titles(item) if isinstance(item, list) else [item.title]
    return titles


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_report_shows_the_room(sts: StsApp) -> None:
    done = snapshot(sts, title="Pre-arrival clearance — Skaw")
    assert done["status"] == "completed" and done["task"]["progress"] == 100
    text = pdf_text(sts.layout.snapshot_pdf(done["id"]))
    for expected in ("STS Clearance Snapshot", "Pre-arrival clearance — Skaw", done["id"], "Nordic Ørsted",
                     "Müller", "São Paulo", "Παπαδοπούλου", "Иванов", "Approved", "Under review", "Rejected",
                     "Expired", "Missing", "Appendix: activity log", f"Page 1 of {done['pages']}"):
        assert expected in text, expected
    assert "Page" in text and done["pages"] == len(PdfReader(sts.layout.snapshot_pdf(done["id"])).pages)


def test_unchanged_room_hits_the_cache_and_a_status_change_misses(sts: StsApp) -> None:
    first = snapshot(sts)
    second = snapshot(sts, title="Second")
    assert first["task"]["result"]["was_cached"] is False
    assert second["task"]["result"]["was_cached"] is True
    assert second["task"]["result"]["cache_layer"] == "memory"
    assert "Second" in pdf_text(sts.layout.snapshot_pdf(second["id"]))  # per-snapshot facts still printed
    doc = next(d for d in sts.rooms.documents_of(room_id(sts)) if d["status"] == "under_review")
    sts.documents.review(admin(sts), room_id(sts), doc["id"], {"status": "approved"})
    third = snapshot(sts, title="After approval")
    assert third["task"]["result"]["was_cached"] is False
    assert third["content_key"] != second["content_key"]


def test_content_key_covers_every_printed_change(sts: StsApp) -> None:
    rid = room_id(sts)

    def key() -> str:
        return str(gather(sts.rooms, sts.documents, rid, False)["content_key"])

    keys = [key()]
    doc = next(d for d in sts.rooms.documents_of(rid) if d["status"] == "approved")
    sts.documents.review(admin(sts), rid, doc["id"], {"notes": "Checked against the original."})
    keys.append(key())
    sts.documents.review(admin(sts), rid, doc["id"], {"expires_on": "2031-01-01"})
    keys.append(key())
    party = sts.rooms.parties_of(rid)[0]
    sts.rooms.set_approval(admin(sts), rid, party["id"], "pending", "")
    keys.append(key())
    sts.rooms.update_room(admin(sts), rid, {"location": "Skagen, Area 3"})
    keys.append(key())
    assert len(set(keys)) == len(keys)
    sts.snapshots.create(admin(sts), rid, "meta", "pdf", False)  # snapshot events do not change the room's key
    assert key() == keys[-1]
    model = gather(sts.rooms, sts.documents, rid, True)
    assert content_key(model) == model["content_key"] != key()


def test_recent_activity_is_the_newest_even_within_one_second(sts: StsApp) -> None:
    rid = room_id(sts)
    for n in range(60):  # more than a report limited to 50 prints, all logged within the same second or two
        sts.rooms.log(rid, ADMIN_EMAIL, "note", f"entry {n}")
    model = gather(sts.rooms, sts.documents, rid, False, activity_limit=50)
    latest = model["activity"]
    assert [a["details"] for a in latest[:3]] == ["entry 59", "entry 58", "entry 57"]
    assert len(latest) == 50 and latest[-1]["details"] == "entry 10"
    assert model["activity_total"] > 60


def test_include_documents_embeds_files_with_hashes(sts: StsApp) -> None:
    done = snapshot(sts, include_documents=True)
    reader = PdfReader(sts.layout.snapshot_pdf(done["id"]))
    versions = [d["versions"][-1] for d in sts.rooms.documents_of(room_id(sts)) if d["versions"]]
    pdfs = [v for v in versions if v["mime"] == "application/pdf"]
    images = [v for v in versions if v["mime"] != "application/pdf"]
    text = pdf_text(sts.layout.snapshot_pdf(done["id"]))
    assert "Included documents" in text
    for version in versions:
        assert version["sha256"][:16] in text.replace("\n", "")
    body_only = snapshot(sts, include_documents=False)
    # each demo PDF is one page, and each PNG/JPEG gets a page of its own, appended after the report
    shown = [v for v in images if v["mime"] in ("image/png", "image/jpeg")]
    report_pages = len(reader.pages) - len(pdfs) - len(shown)
    assert done["pages"] == len(reader.pages) and report_pages > body_only["pages"]  # + the index pages
    # attachments are named for what they are: "<vessel or Operation> - <document> - v<N> - <file name>"
    names = set(reader.attachments)
    for version in images:
        assert any(n.endswith(f" - v{version['number']} - {version['file_name']}") for n in names), version
    assert any("q88.pdf" in title for title in outline_titles(reader.outline))


def test_room_with_200_documents_renders_across_pages(sts: StsApp) -> None:
    rid = room_id(sts)
    from sts_snapshots.domain.imo import imo_check_digit

    number = 0
    while len(sts.rooms.documents_of(rid)) < 200:  # daughter vessels, each with its required documents
        first_six = f"{930000 + number:06d}"
        sts.rooms.add_vessel(admin(sts), rid, {"name": f"MT Lighter {number:02d}", "role": "daughter",
                                               "imo": first_six + str(imo_check_digit(first_six))})
        number += 1
    pending = [d for d in sts.rooms.documents_of(rid) if not d["notes"]]
    for i, doc in enumerate(pending):
        sts.documents.review(admin(sts), rid, doc["id"], {"notes": f"To be completed before mooring; marker{i}"})
    done = snapshot(sts)
    assert done["status"] == "completed" and done["pages"] > 10
    text = pdf_text(sts.layout.snapshot_pdf(done["id"]))
    assert all(f"marker{i}" in text for i in range(len(pending)))


def test_an_unreadable_upload_is_listed_as_not_included_and_the_snapshot_completes(sts: StsApp) -> None:
    rid = room_id(sts)
    doc = next(d for d in sts.rooms.documents_of(rid)
               if d["versions"] and d["versions"][-1]["mime"] == "application/pdf")
    (sts.layout.documents / doc["versions"][-1]["file_id"]).write_bytes(b"%PDF-1.4 this is not really a pdf")
    done = snapshot(sts, include_documents=True)
    assert done["status"] == "completed" and not done["error"]
    text = " ".join(pdf_text(sts.layout.snapshot_pdf(done["id"])).split())
    assert "Not included: unreadable or damaged PDF" in text
    assert not list(sts.layout.snapshots.glob(".*.tmp"))


def test_restart_recovers_pending_and_running_tasks(tmp_path: Path) -> None:
    settings = Settings.load({"data_dir": tmp_path, "workers": 0, "max_task_attempts": 2}, env={})
    first = build_app(settings)
    seed_if_empty(first)
    rid = room_id(first)
    pending = first.snapshots.create(admin(first), rid, "left pending", "pdf", False)
    running = first.snapshots.create(admin(first), rid, "left running", "pdf", False)
    exhausted = first.snapshots.create(admin(first), rid, "crashed twice", "pdf", False)
    first.tasks.start(running["task_id"])
    first.tasks.start(exhausted["task_id"])
    edit_task(first.layout, exhausted["task_id"], {"attempts": 2})
    # the process dies here; a new one starts on the same data folder
    second = build_app(settings)
    again = second.recover()
    assert sorted(again) == sorted([pending["id"], running["id"]])
    for snapshot_id in again:
        generate_snapshot(second.pipeline, snapshot_id)
    states = {s["title"]: s for s in second.snapshots.list(admin(second), rid)}
    assert states["left pending"]["status"] == "completed" and states["left running"]["status"] == "completed"
    assert states["crashed twice"]["status"] == "failed" and "interrupted" in states["crashed twice"]["error"]
    assert not second.tasks.unfinished()


def test_cancelled_task_does_not_run(sts: StsApp) -> None:
    created = sts.snapshots.create(admin(sts), room_id(sts), None, "pdf", False)
    sts.snapshots.delete(admin(sts), room_id(sts), created["id"])
    assert generate_snapshot(sts.pipeline, created["id"]) is None
    assert sts.tasks.get(created["task_id"])["status"] == "cancelled"  # type: ignore[index]


def test_cleanup_ages(sts: StsApp) -> None:
    old = (utcnow() - timedelta(hours=30)).isoformat(timespec="seconds")
    for status in ("completed", "failed", "running", "pending"):
        sts.tasks.create(f"snapshot-old-{status}", "generate_pdf", {"snapshot_id": "x", "room_id": "y"})
        edit_task(sts.layout, f"snapshot-old-{status}", {"status": status, "created_at": old,
                                                          "completed_at": old if status in ("completed", "failed")
                                                          else None})
    sts.tasks.create("snapshot-fresh", "generate_pdf", {"snapshot_id": "x", "room_id": "y"})
    sts.tasks.complete("snapshot-fresh", {})
    sts.cache.put("a" * 64, b"%PDF old")
    edit_cache_entry(sts.layout, "a" * 64, {"created_at": (utcnow() - timedelta(hours=80)).isoformat()})
    sts.cache.put("b" * 64, b"%PDF fresh")
    sts.metrics.record_request(route="/x", method="GET", status_code=200, duration_ms=1)
    result = sts.cleanup()
    assert (result.tasks, result.cache_entries, result.metrics) == (2, 1, 0)
    left = task_ids(sts.layout)
    assert left == {"snapshot-old-running", "snapshot-old-pending", "snapshot-fresh"}
    assert sts.cache.get("a" * 64) is None and sts.cache.get("b" * 64) is not None
    assert not (sts.layout.pdf_cache / f"{'a' * 64}.pdf").exists()


def test_corrupt_cache_file_is_a_miss_and_repaired(sts: StsApp) -> None:
    first = snapshot(sts)
    key = first["content_key"]
    (sts.layout.pdf_cache / f"{key}.pdf").write_bytes(b"garbage")
    sts = build_app(sts.settings)  # a fresh process: only the disk layer
    second = snapshot(sts)
    assert second["status"] == "completed" and second["task"]["result"]["was_cached"] is False
    assert cache_entry(sts.layout, key) is not None and json.loads((sts.layout.pdf_cache / "index.json").read_text())


def test_generation_opens_no_network_connection(sts: StsApp, monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[Any] = []
    real_connect = socket.socket.connect

    def guarded_connect(self: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else str(address)
        loopback = host.startswith("127.") or host in ("::1", "localhost")
        if self.family in (socket.AF_INET, socket.AF_INET6) and not loopback:
            attempts.append(address)
            raise OSError("network disabled in this test")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket, "create_connection", lambda address, *a, **k: (attempts.append(address),
                                                                                 (_ for _ in ()).throw(OSError()))[1])
    for _ in range(3):
        assert snapshot(sts, include_documents=True)["status"] == "completed"
    import threading

    for thread in threading.enumerate():
        if thread is not threading.main_thread():
            thread.join(timeout=2)
    assert attempts == []
    import signal

    handler = signal.getsignal(signal.SIGTERM)
    assert handler in (signal.SIG_DFL, None) or "borb" not in repr(handler)


@pytest.mark.skipif(not hasattr(os, "getpriority"), reason="POSIX process priorities")
def test_render_workers_run_at_a_lower_cpu_priority(tmp_path: Path) -> None:
    app = build_app(Settings.load({"data_dir": tmp_path, "workers": 1, "worker_priority": 7}, env={}))
    seed_if_empty(app)
    before = {p.pid for p in multiprocessing.active_children()}  # other tests' pools may still be closing
    try:
        done = snapshot(app)
        assert done["status"] == "completed", done["error"]
        workers = [p for p in multiprocessing.active_children() if p.pid is not None and p.pid not in before]
        assert workers, "the snapshot was not rendered in a worker process"
        ours = os.getpriority(os.PRIO_PROCESS, 0)
        assert {os.getpriority(os.PRIO_PROCESS, p.pid or 0) for p in workers} == {min(19, ours + 7)}
    finally:
        app.pipeline.pool.shutdown()


@pytest.mark.parametrize("workers", [0, 1])
def test_a_job_the_stopping_server_did_not_render_is_put_back_not_failed(tmp_path: Path, workers: int) -> None:
    app = build_app(Settings.load({"data_dir": tmp_path, "workers": workers}, env={}))
    seed_if_empty(app)
    created = app.snapshots.create(admin(app), room_id(app))
    app.pipeline.pool.shutdown()  # the server is stopping (Ctrl+C, service stop) before the job reached a worker
    assert generate_snapshot(app.pipeline, created["id"]) is None
    task = app.tasks.get(created["task_id"])
    assert task is not None and (task["status"], task["attempts"], task["error"]) == ("pending", 0, None)
    assert app.pipeline.records.get(created["id"])["status"] == "generating"  # type: ignore[index]
    restarted = build_app(Settings.load({"data_dir": tmp_path, "workers": 0}, env={}))
    assert restarted.recover() == [created["id"]]
    generate_snapshot(restarted.pipeline, created["id"])
    done = restarted.pipeline.records.get(created["id"])
    assert done is not None and done["status"] == "completed" and done["error"] is None


def test_snapshot_records_are_kept_per_room_and_found_by_id_after_a_restart(tmp_path: Path) -> None:
    app = build_app(Settings.load({"data_dir": tmp_path, "workers": 0}, env={}))
    seed_if_empty(app)
    demo = room_id(app)
    other = app.rooms.create_room(admin(app), {"title": "Second operation", "location": "Off Skaw"})["id"]
    first = app.snapshots.create(admin(app), demo)
    files = tmp_path / "db" / "snapshots"
    demo_file = (files / f"{demo}.json").read_bytes()
    second = app.snapshots.create(admin(app), other)
    assert (files / f"{demo}.json").read_bytes() == demo_file  # a snapshot of another room never rewrites it
    assert sorted(p.stem for p in files.glob("*.json")) == sorted([demo, other])

    restarted = build_app(Settings.load({"data_dir": tmp_path, "workers": 0}, env={}))
    generate_snapshot(restarted.pipeline, second["id"])  # a job knows only the snapshot id
    assert restarted.pipeline.records.get(second["id"])["status"] == "completed"  # type: ignore[index]
    assert [s["id"] for s in restarted.snapshots.list(admin(restarted), other)] == [second["id"]]
    assert [s["id"] for s in restarted.pipeline.records.with_status("generating")] == [first["id"]]
    restarted.snapshots.delete(admin(restarted), demo, first["id"])
    assert restarted.pipeline.records.get(first["id"]) is None
    assert restarted.snapshots.list(admin(restarted), demo) == []
