"""The signing commands: ``signing show|export|rotate`` and ``verify-pdf``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from . import data_dir_option, load_settings, main


@main.group()
def signing() -> None:
    """The installation's signing certificate: show it, export it for recipients, rotate it."""


def _identity(data_dir: Path | None) -> Any:
    from ..datadir import DataLayout
    from ..signing import SigningSetupError, ensure_identity, load_identity

    settings = load_settings(data_dir=data_dir)
    layout = DataLayout(settings.data_dir)
    try:
        ensure_identity(layout, settings.organisation)
        return settings, layout, load_identity(layout)
    except (SigningSetupError, OSError) as exc:
        raise click.ClickException(str(exc)) from None


@signing.command("show")
@data_dir_option
def signing_show(data_dir: Path | None) -> None:
    """Print the current signing certificate and the CA that issued it (subject, validity, fingerprint)."""
    settings, _layout, identity = _identity(data_dir)
    for title, info in (("Signing certificate", identity.current_info), ("Issued by (CA)", identity.ca_info)):
        click.echo(f"{title}:\n  subject      {info.subject}\n  valid        {info.not_before} to {info.not_after}"
                   f"\n  SHA-256      {info.fingerprint}")
    click.echo(f"Older signing certificates kept: {len(identity.older)}")
    if settings.signing_p12:
        click.echo(f"Note: snapshots are signed with signing_p12 ({settings.signing_p12}), not this certificate.")


@signing.command("export")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@data_dir_option
def signing_export(file: Path, data_dir: Path | None) -> None:
    """Write the CA and the current signing certificate (PEM) to FILE, for recipients to trust once."""
    from ..signing.certs import cert_pem

    _settings, _layout, identity = _identity(data_dir)
    try:
        file.write_bytes(cert_pem(identity.ca) + cert_pem(identity.current))
    except OSError as exc:
        raise click.ClickException(f"cannot write {file}: {exc.strerror or exc}") from None
    click.echo(f"wrote {file}: the CA (SHA-256 {identity.ca_info.fingerprint}) and the signing certificate")


@signing.command("rotate")
@data_dir_option
def signing_rotate(data_dir: Path | None) -> None:
    """Issue a new signing key and certificate under the same CA; the old ones are kept so old snapshots verify."""
    from ..signing import rotate

    settings, layout, before = _identity(data_dir)
    identity = rotate(layout, settings.organisation)
    click.echo(f"new signing certificate SHA-256 {identity.current_info.fingerprint}; "
               f"kept {len(identity.older)} older (the previous one: {before.current_info.fingerprint})")


@main.command("verify-pdf")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@data_dir_option
def verify_pdf(file: Path, data_dir: Path | None) -> None:
    """Check a snapshot PDF: its signature, who signed it, and this installation's record of it.

    Exit code 0 only for a valid signature by this installation's current or an older certificate.
    """
    from ..datadir import DataLayout
    from ..signing import SignerConfig
    from ..signing.verify import BadPdf, check_pdf, describe_check

    settings = load_settings(data_dir=data_dir)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise click.ClickException(f"cannot read {file}: {exc.strerror or exc}") from None
    try:
        result = check_pdf(data, DataLayout(settings.data_dir), SignerConfig.of(settings.data_dir,
                                                                               settings.signing_p12))
    except BadPdf as exc:
        raise click.ClickException(f"{file}: {exc}") from None
    for label, value in describe_check(result):
        click.echo(f"{label + ':':26} {value}")
    sys.exit(0 if result.ok else 1)
