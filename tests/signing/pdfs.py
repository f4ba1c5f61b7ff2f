"""Real PDFs for the signing tests (pypdf), and ``pdfsig``'s verdict on a file (poppler, a subprocess)."""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

from pypdf import PdfWriter

from sts_snapshots.datadir import DataLayout
from sts_snapshots.signing import SignerConfig, ensure_identity, load_signer, sign_pdf

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
