"""The snapshot says everything, and says where the rest is: vessels, provenance, hashes, the whole log, options.

Real app parts (TinyDB files, the job function, borb) and the PDF's text as ``pdftotext`` reads it.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from sts_snapshots.app import build_app, seed_if_empty
from sts_snapshots.context import StsApp
from sts_snapshots.demo import ADMIN_EMAIL
from sts_snapshots.report import render_body
from sts_snapshots.services.snapshots import public
from sts_snapshots.services.users import User
from sts_snapshots.settings import Settings
from sts_snapshots.snapshots.model import gather_snapshot
from sts_snapshots.snapshots.pipeline import generate_snapshot
from tests.harness import API, Harness

DAUGHTERS = [("MT Tromsø Dawn", "9074729"), ("MT Atlantic Mercury", "9000003")]


def make_app(tmp_path: Path, **settings: Any) -> StsApp:
    app = build_app(Settings.load({"data_dir": tmp_path, "workers": 0, **settings}, env={}))
    seed_if_empty(app)
    return app


@pytest.fixture
def sts(tmp_path: Path) -> StsApp:
    return make_app(tmp_path)


def admin(sts: StsApp) -> User:
    user = sts.users.get(ADMIN_EMAIL)
    assert user is not None
    return user


def room_id(sts: StsApp) -> str:
    return str(sts.rooms.room_ids()[0])


def pdftotext(path: Path, first: int | None = None, last: int | None = None) -> str:
    pages = [*(["-f", str(first)] if first else []), *(["-l", str(last)] if last else [])]
    return subprocess.run(["pdftotext", "-enc", "UTF-8", *pages, str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def flat(text: str) -> str:
    """The text with line breaks and runs of spaces as single spaces (table cells wrap)."""
    return re.sub(r"\s+", " ", text)


def snapshot(sts: StsApp, include_documents: bool = False, **options: bool) -> Path:
    created = sts.snapshots.create(admin(sts), room_id(sts), None, "pdf", include_documents, **options)
    generate_snapshot(sts.pipeline, created["id"])
    record = sts.snapshots.get(admin(sts), room_id(sts), created["id"])
    assert record["status"] == "completed", record["error"]
    return sts.layout.snapshot_pdf(created["id"])


def add_daughters(sts: StsApp) -> None:
    for name, imo in DAUGHTERS:
        sts.rooms.add_vessel(admin(sts), room_id(sts), {"name": name, "imo": imo, "role": "daughter",
                                                        "flag": "Marshall Islands"})


def test_cover_names_the_mother_and_all_three_daughters_with_imo(sts: StsApp) -> None:
    add_daughters(sts)
    vessels = sts.rooms.vessels_of(room_id(sts))
    assert [v["role"] for v in vessels].count("daughter") == 3
    cover = flat(pdftotext(snapshot(sts), 1, 1))
    for vessel in vessels:
        assert vessel["name"] in cover and f"IMO {vessel['imo']}" in cover, vessel["name"]
    assert "Daughter vessels (3)" in cover
    assert "see 3. Vessels" not in cover  # no vessel cut


def test_two_hundred_activity_entries_all_print_as_sentences(sts: StsApp) -> None:
    rid = room_id(sts)
    for n in range(200):
        sts.rooms.log(rid, ADMIN_EMAIL, "note", f"entry number {n:03d}")
    doc = next(d for d in sts.rooms.documents_of(rid) if d["status"] == "under_review")
    sts.documents.review(admin(sts), rid, doc["id"], {"status": "approved", "expires_on": "2027-02-20",
                                                      "notes": "Checked, all pages present"})
    sts.rooms.update_room(admin(sts), rid, {"status": "ready"})
    text = flat(pdftotext(snapshot(sts)))
    for n in range(200):
        assert f"entry number {n:03d}" in text, n
    total = len([a for a in sts.rooms.activity_for(rid, limit=10_000) if not a["action"].startswith("snapshot")])
    assert f"All {total} entries of the room's activity log, newest first" in text
    assert "approved; note: Checked, all pages present; expiry set to 20 Feb 2027" in text
    assert "status set to Ready" in text
    assert "status=approved" not in text and "expires_on=" not in text
    # the appendix is the last section of the body and is newest first
    assert text.index("Appendix: activity log") > text.index("Evidence hashes")
    assert text.index("entry number 199") < text.index("entry number 000")


def test_a_lower_activity_limit_says_how_many_are_left_out_and_where_they_are(tmp_path: Path) -> None:
    sts = make_app(tmp_path, report_activity_limit=25)
    rid = room_id(sts)
    for n in range(40):
        sts.rooms.log(rid, ADMIN_EMAIL, "note", f"entry number {n:03d}")
    total = len([a for a in sts.rooms.activity_for(rid, limit=10_000) if not a["action"].startswith("snapshot")])
    created = sts.snapshots.create(admin(sts), rid, None, "pdf", False)
    record = sts.snapshots.get(admin(sts), rid, created["id"])
    assert record["activity_limit"] == 25  # the setting in force when the snapshot was requested
    text = flat(pdftotext(snapshot(sts, include_documents=False)))
    assert f"The newest 25 of {total} entries" in text
    assert f"{total - 25} older entries are left out" in text
    assert f"GET /api/v1/rooms/{rid}/activity" in text
    assert "entry number 039" in text and "entry number 014" not in text
    assert f"cut to the newest 25 of {total} entries" in text  # said in the room information too


def test_every_current_version_has_its_full_sha256_without_included_documents(sts: StsApp) -> None:
    pdf = snapshot(sts, include_documents=False)
    text = pdftotext(pdf)
    joined = re.sub(r"\s+", "", text)
    versions = [d["versions"][-1] for d in sts.rooms.documents_of(room_id(sts)) if d["versions"]]
    assert versions
    for version in versions:
        assert version["sha256"] in joined, version["file_name"]
        assert f"SHA-256 {version['sha256'][:12]}…" in flat(text)  # the short form in the documents table
    assert "Included documents" not in text


def test_reviewer_review_time_and_approval_setter_are_printed(sts: StsApp) -> None:
    rid = room_id(sts)
    doc = next(d for d in sts.rooms.documents_of(rid) if d["status"] == "under_review")
    sts.documents.review(admin(sts), rid, doc["id"], {"status": "rejected", "notes": "Wrong vessel name"})
    reviewed = next(d for d in sts.rooms.documents_of(rid) if d["id"] == doc["id"])
    assert reviewed["reviewed_by"] == ADMIN_EMAIL and reviewed["reviewed_at"]
    party = sts.rooms.parties_of(rid)[0]
    sts.rooms.set_approval(admin(sts), rid, party["id"], "approved", "Cleared for the transfer")
    text = flat(pdftotext(snapshot(sts)))
    stamp = reviewed["reviewed_at"].replace("T", " ")[:16]
    assert "Reviewed by" in text and ADMIN_EMAIL in text and stamp in text
    assert "Notes: Wrong vessel name" in text
    assert "Set by" in text and "on the party's behalf" in text and "Cleared for the transfer" in text


def test_a_review_an_older_version_did_not_record_reads_not_recorded(sts: StsApp) -> None:
    rid = room_id(sts)
    doc = next(d for d in sts.rooms.documents_of(rid) if d["status"] == "approved")
    sts.rooms.update_document(doc["id"], {"reviewed_by": None, "reviewed_at": None})
    record = sts.snapshots.create(admin(sts), rid, None, "pdf", False)
    model = gather_snapshot(sts.rooms, sts.documents, sts.snapshots.get(admin(sts), rid, record["id"]))
    row = next(d for d in model["documents"] if d["id"] == doc["id"])
    assert row["reviewed_by"] is None and row["status"] == "approved"
    assert "Not recorded" in flat(pdftotext_bytes(render_body(model), sts))


def pdftotext_bytes(pdf: bytes, sts: StsApp) -> str:
    path = sts.layout.root / "body-under-test.pdf"
    path.write_bytes(pdf)
    return pdftotext(path)


def test_options_leave_out_sections_say_so_and_change_the_content_key(sts: StsApp) -> None:
    rid = room_id(sts)
    keys = {}
    texts = {}
    for activity, approvals in ((True, True), (False, True), (True, False), (False, False)):
        created = sts.snapshots.create(admin(sts), rid, None, "pdf", False, include_activity=activity,
                                       include_approvals=approvals)
        assert created["include_activity"] is activity and created["include_approvals"] is approvals
        model = gather_snapshot(sts.rooms, sts.documents, sts.snapshots.get(admin(sts), rid, created["id"]))
        keys[activity, approvals] = model["content_key"]
        texts[activity, approvals] = flat(pdftotext_bytes(render_body(model), sts))
    assert len(set(keys.values())) == 4
    assert "Appendix: activity log" in texts[True, True] and "5. Approvals" in texts[True, True]
    assert "Appendix: activity log" not in texts[False, True]
    assert "Activity log left out at the requester's choice" in texts[False, True]
    assert "5. Approvals" not in texts[True, False] and "Set by" not in texts[True, False]
    assert "Approvals left out at the requester's choice" in texts[True, False]
    assert "Approvals and activity log left out at the requester's choice" in texts[False, False]


def test_an_old_record_without_the_options_reads_as_both_included(sts: StsApp) -> None:
    created = sts.snapshots.create(admin(sts), room_id(sts), None, "pdf", False)
    record = dict(sts.snapshots.get(admin(sts), room_id(sts), created["id"]))
    for key in ("include_activity", "include_approvals", "activity_limit"):
        record.pop(key)
    view = public(record)  # type: ignore[arg-type]
    assert view["include_activity"] is True and view["include_approvals"] is True
    model = gather_snapshot(sts.rooms, sts.documents, record)  # type: ignore[arg-type]
    assert model["options"] == {"include_documents": False, "include_activity": True, "include_approvals": True,
                                "activity_limit": 2000}


# -- through the REST API -------------------------------------------------------------------------------------


async def test_create_accepts_the_original_clients_options_and_answers_download_url(harness: Harness) -> None:
    room = harness.demo_room_id()
    response = await harness.client.post(f"{API}/rooms/{room}/snapshots", headers=harness.admin,
                                         json={"title": "Options", "include_activity": False,
                                               "include_approvals": False})
    assert response.status_code == 200, response.text
    created = response.json()
    assert created["include_activity"] is False and created["include_approvals"] is False
    assert created["download_url"] is None and created["file_url"] is None
    task = await harness.wait_task(created["task_id"], harness.admin)
    assert task["status"] == "completed"
    assert task["result"]["download_url"] == task["result"]["file_url"]
    got = (await harness.client.get(f"{API}/rooms/{room}/snapshots/{created['id']}", headers=harness.admin)).json()
    assert got["download_url"] == got["file_url"] == task["result"]["file_url"]
    assert got["include_activity"] is False and got["include_approvals"] is False
    listed = (await harness.client.get(f"{API}/rooms/{room}/snapshots", headers=harness.admin)).json()
    assert all(s["download_url"] == s["file_url"] for s in listed)
    download = await harness.client.get(got["download_url"], headers=harness.admin)
    assert download.status_code == 200 and download.content.startswith(b"%PDF")


@pytest.mark.parametrize("body", [{"include_activity": "maybe"}, {"include_approvals": None},
                                  {"include_timeline": True}])
async def test_bad_or_unknown_options_are_422(harness: Harness, body: dict[str, Any]) -> None:
    response = await harness.client.post(f"{API}/rooms/{harness.demo_room_id()}/snapshots", headers=harness.admin,
                                         json=body)
    assert response.status_code == 422, response.text


async def test_openapi_describes_the_options_and_download_url(harness: Harness) -> None:
    schema = (await harness.client.get("/openapi.json")).json()["components"]["schemas"]
    create = schema["SnapshotCreate"]["properties"]
    assert create["include_activity"]["default"] is True and create["include_approvals"]["default"] is True
    assert "download_url" in schema["SnapshotView"]["properties"]
    assert "download_url" in schema["TaskResult"]["properties"]


def test_options_reach_the_pdf_through_the_job(tmp_path: Path) -> None:
    sts = make_app(tmp_path, report_activity_limit=5)
    text = flat(pdftotext(snapshot(sts, include_approvals=False)))
    assert "Approvals left out at the requester's choice" in text and "The newest 5 of" in text


async def test_the_create_dialog_offers_both_options(harness: Harness) -> None:
    from sts_snapshots.demo import MEMBER_EMAIL
    from tests.test_ui_support import sign_in, wait_for

    user, room, sts = harness.user, harness.demo_room_id(), harness.sts
    await sign_in(user, MEMBER_EMAIL, f"/rooms/{room}")
    user.find(marker="create-snapshot").click()
    user.find(marker="snapshot-include-activity").click()  # checked by default: now off
    user.find(marker="create-snapshot-ok").click()
    member = sts.users.get(MEMBER_EMAIL)
    assert member is not None
    await wait_for(lambda: bool(sts.snapshots.list(member, room)), timeout=30, what="the snapshot")
    created = sts.snapshots.list(member, room)[0]
    assert created["include_activity"] is False and created["include_approvals"] is True
