"""Signing a PDF with the installation's identity: checked by poppler's ``pdfsig``, an independent verifier."""

from __future__ import annotations

import multiprocessing
import socket
import stat
from pathlib import Path

import pytest
from cryptography import x509

from sts_snapshots.datadir import DataLayout
from sts_snapshots.signing import (
    SignerConfig,
    ensure_identity,
    load_identity,
    load_signer,
    rotate,
    sign_pdf,
    signer_line,
)

from .pdfs import flip_byte_in_signed_range, make_pdf, nss_trusting, pdfsig, signed_pdf


def test_first_start_makes_a_ca_and_a_signing_certificate_issued_by_it(tmp_path: Path) -> None:
    layout = DataLayout(tmp_path)
    assert ensure_identity(layout, "Test Shipping Ltd", host="testhost") is True
    assert ensure_identity(layout, "Test Shipping Ltd", host="testhost") is False  # the second start reads it
    identity = load_identity(layout)
    ca = identity.ca
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True
    assert ca.extensions.get_extension_for_class(x509.KeyUsage).value.key_cert_sign is True
    assert "O=Test Shipping Ltd" in identity.ca_info.subject and "testhost" in identity.ca_info.subject
    assert identity.current.issuer == ca.subject
    assert identity.current.public_key().curve.name == "secp256r1"  # type: ignore[union-attr]
    keys = sorted(layout.signing.glob("*.key"))
    assert len(keys) == 2
    assert all(stat.S_IMODE(path.stat().st_mode) == 0o600 for path in keys)


def _start(data_dir: str) -> None:
    ensure_identity(DataLayout(Path(data_dir)), "Racing Ltd", host="racer")


def test_two_processes_starting_at_once_make_one_identity(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_start, args=(str(tmp_path),)) for _ in range(2)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
        assert process.exitcode == 0
    assert len(list((tmp_path / "signing").glob("ca*.pem"))) == 1
    assert len(list((tmp_path / "signing").glob("signing-*.pem"))) == 1
    assert load_identity(DataLayout(tmp_path)).older == ()


def test_pdfsig_finds_a_valid_signature_over_the_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed_pdf(tmp_path / "data"))
    lines = pdfsig(path)
    assert "Signature Validation: Signature is Valid." in lines, lines
    assert "Total document signed" in lines, lines
    assert "Signer Certificate Common Name: Test Shipping Ltd snapshots (testhost)" in lines, lines


def test_pdfsig_trusts_it_once_the_installations_ca_is_imported(tmp_path: Path) -> None:
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed_pdf(tmp_path / "data"))
    nss = nss_trusting(tmp_path / "nss", tmp_path / "data" / "signing" / "ca.pem")
    assert "Certificate Validation: Certificate is Trusted." in pdfsig(path, nss)
    assert "Certificate Validation: Certificate is Trusted." not in pdfsig(path)  # not without the CA


def test_pdfsig_sees_a_byte_changed_inside_a_signed_range(tmp_path: Path) -> None:
    path = tmp_path / "changed.pdf"
    path.write_bytes(flip_byte_in_signed_range(signed_pdf(tmp_path / "data")))
    lines = pdfsig(path)
    assert "Signature Validation: Digest Mismatch." in lines, lines


def test_rotate_issues_a_new_certificate_under_the_same_ca_and_keeps_the_old(tmp_path: Path) -> None:
    layout = DataLayout(tmp_path)
    ensure_identity(layout, "Test Shipping Ltd", host="testhost")
    before = load_identity(layout)
    old_line = signer_line(load_signer(SignerConfig.of(tmp_path)))
    after = rotate(layout, "Test Shipping Ltd", host="testhost")
    assert after.ca.fingerprint(after.ca.signature_hash_algorithm) == before.ca.fingerprint(  # type: ignore[arg-type]
        before.ca.signature_hash_algorithm)  # type: ignore[arg-type]
    assert after.current_info.fingerprint != before.current_info.fingerprint
    assert after.which(before.current_info.fingerprint) == "older"
    assert after.which(after.current_info.fingerprint) == "current"
    new_signer = load_signer(SignerConfig.of(tmp_path))  # the per-process cache notices the rotation
    assert signer_line(new_signer) != old_line and after.current_info.fingerprint in signer_line(new_signer)


def test_signer_line_names_the_subject_and_the_fingerprint(tmp_path: Path) -> None:
    ensure_identity(DataLayout(tmp_path), "Test Shipping Ltd", host="testhost")
    identity = load_identity(DataLayout(tmp_path))
    line = signer_line(load_signer(SignerConfig.of(tmp_path)))
    assert line == (f"Digitally signed by Test Shipping Ltd snapshots (testhost), "
                    f"certificate SHA-256 {identity.current_info.fingerprint}")


def test_without_a_timestamp_url_signing_opens_no_connection(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ensure_identity(DataLayout(tmp_path), "Test Shipping Ltd", host="testhost")
    signer = load_signer(SignerConfig.of(tmp_path, timestamp_url=""))
    data = make_pdf()

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"a connection was tried: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    assert sign_pdf(data, signer).startswith(b"%PDF")


def test_an_unreachable_time_stamp_server_signs_without_a_time_stamp(tmp_path: Path,
                                                                     caplog: pytest.LogCaptureFixture) -> None:
    from tests.server_process import free_port

    ensure_identity(DataLayout(tmp_path), "Test Shipping Ltd", host="testhost")
    signer = load_signer(SignerConfig.of(tmp_path, timestamp_url=f"http://127.0.0.1:{free_port()}/tsa"))
    signed = sign_pdf(make_pdf(), signer)
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed)
    assert "Signature is Valid." in "\n".join(pdfsig(path))
    assert any("not reachable" in r.getMessage() and r.levelname == "WARNING" for r in caplog.records)


def test_an_organisation_s_own_pkcs12_signs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A .p12 made with cryptography, as an organisation's CA would hand it out; its password from the environment."""
    import datetime

    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    from sts_snapshots.signing import P12_PASSWORD_ENV

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Nordic Tankers Signing"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Nordic Tankers AS")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=365)).sign(key, hashes.SHA256()))
    p12 = tmp_path / "org.p12"
    p12.write_bytes(pkcs12.serialize_key_and_certificates(
        b"org", key, cert, None, serialization.BestAvailableEncryption(b"s3cret-pass")))
    monkeypatch.setenv(P12_PASSWORD_ENV, "s3cret-pass")
    signer = load_signer(SignerConfig.of(tmp_path, p12=str(p12)))
    assert signer.subject.startswith("Nordic Tankers Signing")
    path = tmp_path / "signed.pdf"
    path.write_bytes(sign_pdf(make_pdf(), signer))
    lines = "\n".join(pdfsig(path))
    assert "Signature is Valid." in lines and "Nordic Tankers Signing" in lines
    monkeypatch.setenv(P12_PASSWORD_ENV, "wrong")
    with pytest.raises(Exception, match="cannot be opened") as caught:
        load_signer(SignerConfig.of(tmp_path / "other", p12=str(p12)))
    assert "s3cret" not in str(caught.value) and "wrong" not in str(caught.value).replace("(wrong", "")
