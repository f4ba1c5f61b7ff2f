"""Real PDFs for the signing tests (pypdf), and ``pdfsig``'s verdict on a file (poppler, a subprocess)."""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

from pypdf import PdfWriter

from sts_snapshots.datadir import DataLayout
from sts_snapshots.signing import SignerConfig, ensure_identity, load_signer, sign_pdf
from tests.evidence_files import encrypted_pdf  # noqa: F401 - the tests take it from here

MARKER = "ststestmarker"


def make_pdf(snapshot_id: str = "snap123", pages: int = 3, padding: int = 0) -> bytes:
    """A PDF as the assembly makes one: ``/Subject`` names the snapshot; ``padding`` random bytes attached."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    writer.add_metadata({"/Subject": f"STS clearance snapshot {snapshot_id}", "/Title": "STS clearance",
                         "/Creator": MARKER})
    if padding:
        writer.add_attachment("evidence.bin", os.urandom(padding))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def signed_pdf(data_dir: Path, snapshot_id: str = "snap123", **kw: int) -> bytes:
    layout = DataLayout(data_dir)
    ensure_identity(layout, "Test Shipping Ltd", host="testhost")
    return sign_pdf(make_pdf(snapshot_id, **kw), load_signer(SignerConfig.of(data_dir)))


def pdfsig(path: Path, nss_dir: Path | None = None) -> list[str]:
    """``pdfsig``'s lines for ``path`` (it exits 0 whatever it finds, so its words are the verdict)."""
    command = ["pdfsig", *(["-nssdir", f"sql:{nss_dir}"] if nss_dir else []), str(path)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    return [line.strip(" -") for line in (done.stdout + done.stderr).splitlines()]


def nss_trusting(folder: Path, ca_pem: Path) -> Path:
    """An NSS database that trusts ``ca_pem`` (what a recipient does once with the exported CA)."""
    folder.mkdir()
    subprocess.run(["certutil", "-N", "--empty-password", "-d", f"sql:{folder}"], check=True, capture_output=True)
    subprocess.run(["certutil", "-A", "-n", "sts", "-t", "C,C,C", "-i", str(ca_pem), "-d", f"sql:{folder}"],
                   check=True, capture_output=True)
    return folder


def flip_byte_in_signed_range(data: bytes) -> bytes:
    """``data`` with one letter changed in the document's ``/Creator`` (inside the first signed range)."""
    position = data.index(MARKER.encode()) + 4
    return data[:position] + bytes([data[position] ^ 0x01]) + data[position + 1:]


def twice_signed(data_dir: Path) -> bytes:
    """A snapshot countersigned in a second field (pyHanko directly: our sign_pdf has one field name)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter

    first = signed_pdf(data_dir)
    signer = load_signer(SignerConfig.of(data_dir)).pyhanko
    meta = signers.PdfSignatureMetadata(field_name="Second", subfilter=SigSeedSubFilter.PADES)
    return signers.PdfSigner(meta, signer).sign_pdf(IncrementalPdfFileWriter(io.BytesIO(first))).getvalue()


def change_padding(data: bytes) -> bytes:
    """``data`` with one hex digit changed in the signature's zero padding (outside every signed range)."""
    end = data.rindex(b"0000>")
    return data[:end] + b"1" + data[end + 1:]


def record_snapshot(data_dir: Path, snapshot_id: str, pdf: bytes, room_id: str = "room1") -> None:
    """What the server keeps of a completed snapshot: its record (with the file's SHA-256) in the room's store."""
    import hashlib

    from sts_snapshots.store import Database

    database = Database(DataLayout(data_dir).snapshot_records / f"{room_id}.json")
    database.table("snapshots").insert({"id": snapshot_id, "room_id": room_id, "status": "completed",
                                        "sha256": hashlib.sha256(pdf).hexdigest()})
    database.close()
