"""A full disk while a PDF is written: simulated per file with RLIMIT_FSIZE on the real server process."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from sts_snapshots.app import build_app, seed_if_empty
from sts_snapshots.demo import ADMIN_EMAIL
from sts_snapshots.settings import Settings
from tests.faults.client import Api
from tests.faults.integrity import assert_pdfs_whole
from tests.faults.server_process import Fleet

pytestmark = [pytest.mark.faults, pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_FSIZE and /proc")]

# Per file: the stores (tens of kB), a cached report body and a snapshot without documents (< 1 MB) fit;
# a snapshot that embeds the big document below does not.
FILE_SIZE_LIMIT = 1_500_000
BIG_DOCUMENT = 3_000_000


def seed_with_big_document(data_dir: Path) -> None:
    """The demo data folder, with an incompressible 3 MB file as one document's latest version."""
    sts = build_app(Settings.load({"data_dir": data_dir}, env={}))
    seed_if_empty(sts)
    admin = sts.users.get(ADMIN_EMAIL)
    assert admin is not None
    room_id = sts.rooms.room_ids()[0]
    document_id = sts.rooms.documents_of(room_id)[0]["id"]
    sts.documents.upload(admin, room_id, document_id, "hull-survey-scan.bin", os.urandom(BIG_DOCUMENT),
                         "application/octet-stream")
    sts.stores.close()


def test_disk_full_while_writing_a_pdf_fails_the_task_readably(fleet: Fleet, tmp_path: Path) -> None:
    data = tmp_path / "data"
    seed_with_big_document(data)
    server = fleet.start(data, file_size_limit=FILE_SIZE_LIMIT)
    with Api(server.url) as api:
        room_id = api.demo_room()
        big = api.create_snapshot(room_id, "With the documents", include_documents=True)
        task = api.wait_task(big["task_id"], timeout=120)
        assert task["status"] == "failed", task
        error = task["error"]
        assert error.startswith("could not write the PDF"), error
        assert "Traceback" not in error and "\n" not in error and len(error) < 200, error
        snapshot = api.call("GET", f"/rooms/{room_id}/snapshots/{big['id']}")
        assert snapshot["status"] == "failed" and snapshot["error"] == error
        refused = api.client.get(f"/rooms/{room_id}/snapshots/{big['id']}/download")
        assert refused.status_code == 409 and error in refused.json()["detail"]

        assert api.call("GET", "/health")["status"] == "ok"  # still serving
        small = api.create_snapshot(room_id, "Without the documents", include_documents=False)
        assert api.wait_task(small["task_id"], timeout=120)["status"] == "completed"
        pdf = api.client.get(f"/rooms/{room_id}/snapshots/{small['id']}/download")
        assert pdf.status_code == 200 and len(PdfReader(io.BytesIO(pdf.content)).pages) > 1
        summary = api.call("GET", "/snapshots/metrics/summary", params={"hours": 1})["pdf_generation"]
        assert (summary["failed_count"], summary["total_generations"]) == (1, 1)
    output = server.output()
    fleet.stop(server)
    assert "Traceback" not in output, output[-3000:]
    records = assert_pdfs_whole(data, settled=True)
    assert not (data / "uploads" / "snapshots" / f"{big['id']}.pdf").exists()
    assert {r["status"] for r in records.values()} == {"failed", "completed"}
    truncated = [p for p in data.rglob("*") if p.is_file() and p.stat().st_size == FILE_SIZE_LIMIT]
    assert not truncated, f"files cut at the size limit: {truncated}"
