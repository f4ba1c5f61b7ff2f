"""``sts-snapshots verify-pdf`` and ``signing show/export/rotate`` through click's runner, on a real data folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sts_snapshots.cli import main

from .pdfs import (
    change_padding,
    encrypted_pdf,
    flip_byte_in_signed_range,
    make_pdf,
    nss_trusting,
    pdfsig,
    record_snapshot,
    signed_pdf,
    twice_signed,
)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def lines_of(output: str) -> dict[str, str]:
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in output.splitlines()) if v}


def test_a_snapshot_this_installation_made_and_recorded_verifies(tmp_path: Path) -> None:
    data = tmp_path / "data"
    pdf = signed_pdf(data, "snapA")
    record_snapshot(data, "snapA", pdf)
    (tmp_path / "a.pdf").write_bytes(pdf)
    code, output = run("verify-pdf", str(tmp_path / "a.pdf"), "--data-dir", str(data))
    found = lines_of(output)
    assert code == 0, output
    assert found["Signature"] == "valid"
    assert found["Signed by"] == "Test Shipping Ltd snapshots (testhost)"
    assert found["Certificate"] == "this installation's current certificate"
    assert found["Modified after signing"] == "no"
    assert found["Snapshot id"] == "snapA"
    assert found["This installation"] == "has it; SHA-256 matches"
    assert found["Signed at"].startswith("20")


def test_a_byte_changed_in_a_signed_range_is_invalid_for_pdfsig_and_verify_pdf(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (tmp_path / "c.pdf").write_bytes(flip_byte_in_signed_range(signed_pdf(data)))
    assert "Signature Validation: Digest Mismatch." in pdfsig(tmp_path / "c.pdf")
    code, output = run("verify-pdf", str(tmp_path / "c.pdf"), "--data-dir", str(data))
    assert code == 1 and lines_of(output)["Signature"] == "invalid", output


def test_a_byte_changed_in_the_signature_padding_is_invalid_against_the_record(tmp_path: Path) -> None:
    data = tmp_path / "data"
    pdf = signed_pdf(data, "snapP")
    record_snapshot(data, "snapP", pdf)
    (tmp_path / "p.pdf").write_bytes(change_padding(pdf))
    code, output = run("verify-pdf", str(tmp_path / "p.pdf"), "--data-dir", str(data))
    assert code == 1, output
    assert "Signature:" not in output or lines_of(output)["Signature"] == "invalid", output


def test_a_snapshot_signed_before_rotate_verifies_as_older_certificate(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (tmp_path / "old.pdf").write_bytes(signed_pdf(data))
    assert run("signing", "rotate", "--data-dir", str(data))[0] == 0
    code, output = run("verify-pdf", str(tmp_path / "old.pdf"), "--data-dir", str(data))
    assert code == 0, output
    assert lines_of(output)["Certificate"].startswith("an older certificate of this installation")


def test_another_installations_snapshot_is_valid_but_unknown_and_exits_1(tmp_path: Path) -> None:
    (tmp_path / "x.pdf").write_bytes(signed_pdf(tmp_path / "elsewhere"))
    code, output = run("verify-pdf", str(tmp_path / "x.pdf"), "--data-dir", str(tmp_path / "here"))
    assert code == 1
    assert lines_of(output)["Signature"] == "valid"
    assert lines_of(output)["Certificate"].startswith("unknown")


def test_an_unsigned_pdf_is_absent(tmp_path: Path) -> None:
    (tmp_path / "u.pdf").write_bytes(make_pdf())
    code, output = run("verify-pdf", str(tmp_path / "u.pdf"), "--data-dir", str(tmp_path / "data"))
    assert code == 1 and lines_of(output)["Signature"] == "absent"


@pytest.mark.parametrize("kind", ["empty", "not a pdf", "truncated", "encrypted", "two signatures", "missing"])
def test_bad_input_gets_one_line_and_a_non_zero_exit(tmp_path: Path, kind: str) -> None:
    data = tmp_path / "data"
    content = {"empty": lambda: b"", "not a pdf": lambda: b"PK\x03\x04 a zip file",
               "truncated": lambda: signed_pdf(data)[:2000], "encrypted": encrypted_pdf,
               "two signatures": lambda: twice_signed(data), "missing": lambda: None}[kind]()
    path = tmp_path / "in.pdf"
    if content is not None:
        path.write_bytes(content)
    result = CliRunner().invoke(main, ["verify-pdf", str(path), "--data-dir", str(data)])
    assert result.exit_code not in (0, None), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output


def test_signing_show_and_export_give_what_a_recipient_imports(tmp_path: Path) -> None:
    data = tmp_path / "data"
    code, output = run("signing", "show", "--data-dir", str(data))
    assert code == 0 and "subject" in output and "SHA-256" in output and "Issued by (CA)" in output
    code, output = run("signing", "export", str(tmp_path / "sts.pem"), "--data-dir", str(data))
    assert code == 0
    assert (tmp_path / "sts.pem").read_text().count("BEGIN CERTIFICATE") == 2
    (tmp_path / "s.pdf").write_bytes(signed_pdf(data))
    nss = nss_trusting(tmp_path / "nss", tmp_path / "sts.pem")
    assert "Certificate Validation: Certificate is Trusted." in pdfsig(tmp_path / "s.pdf", nss)
