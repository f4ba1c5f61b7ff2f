"""Included documents under limits: an amplifying page tree, an unreadable file or a total over the limit never
fails the snapshot nor costs the worker much; the file is listed as not included with its reason."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from pypdf import PdfReader

from sts_snapshots.report.evidence import Limits
from tests import evidence_files as ev
from tests.test_evidence import render


def rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def text(pdf: Path) -> str:
    return " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                   check=False).stdout.split())


def test_a_page_tree_naming_one_page_99003_times_is_not_included(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.pdf"
    bomb.write_bytes(ev.amplified_pdf())
    assert bomb.stat().st_size < 4096
    before = rss_kb()
    started = time.perf_counter()
    entries = [ev.included(bomb, "pdf", document=f"Q88 copy {n}") for n in range(3)]
    pdf, result, _ = render(tmp_path, entries)
    elapsed = time.perf_counter() - started
    growth_mb = (rss_kb() - before) / 1024
    print(f"amplified x3: {elapsed:.2f} s, {result['pages']} pages, {result['size']} bytes, RSS +{growth_mb:.1f} MB")
    assert result["pages"] == len(PdfReader(pdf).pages) < 20
    assert growth_mb < 150  # the unbounded version needed 922 MB for three
    assert text(pdf).count("Not included: damaged: its page tree repeats a page or loops") == 3


def test_a_pdf_over_the_page_limits_is_listed_with_the_limit(tmp_path: Path) -> None:
    many = tmp_path / "many.pdf"
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(5):
        writer.add_blank_page(200, 200)
    with many.open("wb") as out:
        writer.write(out)
    entries = [ev.included(many, "pdf", limits=Limits(pages=4)),
               ev.included(many, "pdf", limits=Limits(pages=5, total_pages=8), document="First copy"),
               ev.included(many, "pdf", limits=Limits(pages=5, total_pages=8), document="Second copy")]
    pdf, result, _ = render(tmp_path, entries)
    body = text(pdf)
    assert "Not included: over the limit of 4 pages per file" in body
    assert "Not included: over the limit of 8 pages for all included documents" in body
    assert result["pages"] == len(PdfReader(pdf).pages)


def test_an_unreadable_or_oversized_file_does_not_fail_the_snapshot(tmp_path: Path) -> None:
    (tmp_path / "junk.pdf").write_bytes(b"\x00" * 5000)
    (tmp_path / "big.pdf").write_bytes(ev.hostile_pdf())
    entries = [ev.included(tmp_path / "junk.pdf", "pdf"),
               ev.included(tmp_path / "big.pdf", "pdf", limits=Limits(bytes=1000), document="Big")]
    pdf, _, _ = render(tmp_path, entries)
    body = text(pdf)
    assert "Not included: unreadable or damaged PDF" in body
    assert "Not included: larger than the limit of" in body
