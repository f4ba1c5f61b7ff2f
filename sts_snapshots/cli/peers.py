"""Pairing and sync: ``peer pair-code``, ``peer add``, ``peer list``, ``peer codes``, ``peer revoke-code``,
``peer revoke``, ``sync --with URL`` (``sts_snapshots.packs``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from . import data_dir_option, main, open_app
from .rooms import _admin


@main.group()
def peer() -> None:
    """Paired installations: pair once (a code made on one, added on the other), then sync rooms with it."""


@peer.command("pair-code")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Write the code to this file (0600) instead of printing it.")
@data_dir_option
def peer_pair_code(output: Path | None, data_dir: Path | None) -> None:
    """Make a pairing code of this installation: its id, its CA's fingerprint and a fresh sync token (only the
    token's hash is kept here). Carry it to the other installation's admin: 'sts-snapshots peer add URL CODE'. It
    pairs one installation, within pairing_code_hours; 'peer codes' lists the unused ones."""
    import os

    from ..packs.pairing import make_code

    sts = open_app(data_dir)
    code = make_code(sts, _admin())
    if output is None:
        click.echo(code.text())
    else:
        fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(code.text() + "\n")
        click.echo(f"wrote the pairing code to {output}")
    click.echo(f"installation {code.installation_id}, CA SHA-256 {code.ca_fingerprint}; the code works once, for "
               f"{sts.settings.pairing_code_hours} h", err=True)


@peer.command("add")
@click.argument("url")
@click.argument("code")
@data_dir_option
def peer_add(url: str, code: str, data_dir: Path | None) -> None:
    """Pair with the installation at URL: CODE is its pairing code, or a file holding it. Its CA is trusted (compare
    the fingerprint shown with its admin) and its sync token kept in this installation's secrets folder. The code is
    claimed at that installation now (at the first sync when it cannot be reached): a cancelled, expired or used one
    is refused there, and nothing is paired."""
    from ..packs.pairing import CODE_PREFIX, add_peer
    from ..services.errors import Forbidden, Invalid

    text = code
    if not code.strip().startswith(CODE_PREFIX):  # a file holding it (a code itself is too long a name for one)
        try:
            text = Path(code).read_text()
        except (OSError, UnicodeDecodeError) as exc:
            raise click.ClickException(f"not paired: {code[:60]} is neither a pairing code nor a file holding one "
                                       f"({exc.__class__.__name__})") from None
    sts = open_app(data_dir)
    try:
        added = add_peer(sts, _admin(), url, text)
    except (Invalid, Forbidden) as exc:
        raise click.ClickException(f"not paired: {exc}") from None
    peer = added.peer
    click.echo(f"paired with installation {peer['id']} at {peer['url']}\n  CA SHA-256 {peer['ca_fingerprint']}")
    if added.note:
        click.echo(f"  {added.note}", err=True)


@peer.command("list")
@data_dir_option
def peer_list(data_dir: Path | None) -> None:
    """The installations this one syncs with, and those whose room packs it takes (trusted)."""
    from ..packs.pairing import pairings, trusted

    sts = open_app(data_dir)
    click.echo("paired (this installation syncs with):")
    for p in pairings(sts).peers():
        click.echo(f"  {p['id']}  {p['url']}  CA SHA-256 {p['ca_fingerprint']}  (added {p['added_at']})")
    click.echo("trusted (their room packs are taken; 'peer revoke ID' trusts one no more):")
    for t in trusted(sts, _admin()):
        click.echo(f"  {t['installation_id']}  CA SHA-256 {t['fingerprint']}  (trusted by {t['trusted_by'] or '—'} "
                   f"at {t['trusted_at']})")
    _echo_codes(sts)


def _echo_codes(sts: Any) -> None:
    from ..packs.pairing import outstanding_codes

    codes = outstanding_codes(sts, _admin())
    click.echo("pairing codes issued here and not used yet ('peer revoke-code ID|--all' cancels them):")
    if not codes:
        click.echo("  none")
    for c in codes:
        click.echo(f"  {c.id}  issued by {c.issued_by} at {c.issued_at}, expires {c.expires_at}")


@peer.command("codes")
@data_dir_option
def peer_codes(data_dir: Path | None) -> None:
    """The pairing codes this installation issued that no installation used yet and that still work: when each
    was issued, by whom, and when it expires (never the code itself)."""
    _echo_codes(open_app(data_dir))


@peer.command("revoke-code")
@click.argument("ident", required=False)
@click.option("--all", "every", is_flag=True, help="Cancel every outstanding pairing code.")
@data_dir_option
def peer_revoke_code(ident: str | None, every: bool, data_dir: Path | None) -> None:
    """Cancel the unused pairing code IDENT (as 'peer codes' lists it), or every one with --all: an installation
    that tries it is refused (403), and nothing is paired."""
    from ..packs.pairing import cancel_codes
    from ..services.errors import NotFound

    if every == bool(ident):
        raise click.UsageError("name one pairing code (its id, from 'sts-snapshots peer codes') or give --all")
    try:
        done = cancel_codes(open_app(data_dir), _admin(), None if every else ident)
    except NotFound as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"cancelled {len(done)} pairing code(s)" + "".join(f"\n  {c.id}  issued by {c.issued_by} at "
                                                               f"{c.issued_at}" for c in done))


@peer.command("revoke")
@click.argument("ident")
@data_dir_option
def peer_revoke(ident: str, data_dir: Path | None) -> None:
    """Trust the installation IDENT (its installation id or CA fingerprint) no more: its room packs are refused as
    from an unknown installation, its sync token answers 403, and this installation syncs with it no more."""
    from ..packs.pairing import revoke
    from ..services.errors import NotFound

    try:
        done = revoke(open_app(data_dir), _admin(), ident)
    except NotFound as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"revoked installation {done.installation_id} (CA SHA-256 {done.fingerprint}): {done.tokens} sync "
               f"token(s) it held work no more, {done.peers} peer record(s) forgotten")
    if done.outstanding:
        click.echo(f"{done.outstanding} pairing code(s) issued here are not used yet and still work: 'sts-snapshots "
                   "peer revoke-code --all' cancels them")


@main.command("sync")
@click.option("--with", "url", required=True, help="The paired installation's URL (as given to 'peer add').")
@click.option("--room", "room_id", default=None, help="Sync this room only (default: every room either side has).")
@data_dir_option
def sync_cmd(url: str, room_id: str | None, data_dir: Path | None) -> None:
    """Sync rooms with a paired installation: pull and merge its pack, then push ours, which it merges. A sync cut
    short leaves both sides consistent; run it again to complete it."""
    from ..packs import PackRefused
    from ..packs.sync import SyncFailed, client_for, ensure_claimed, peer_at, peer_rooms, sync_room
    from ..services.errors import Invalid

    sts = open_app(data_dir)
    try:
        found = peer_at(sts, url)
    except Invalid as exc:
        raise click.ClickException(str(exc)) from None
    failed = 0
    with client_for(sts, found) as client:
        try:
            if room_id is None:  # with --room, the room's sync claims the code and records what came of it
                found = ensure_claimed(sts, found, client)
            rooms = [room_id] if room_id else sorted(set(sts.rooms.room_ids()) | set(peer_rooms(client)))
        except SyncFailed as exc:
            raise click.ClickException(str(exc)) from None
        for one in rooms:
            try:
                result = sync_room(sts, _admin(), found, one, client)
            except (SyncFailed, PackRefused) as exc:
                failed += 1
                click.echo(f"room {one}: not synced: {exc}", err=True)
                continue
            at = result.run["succeeded_at"] if result.run else ""
            click.echo(f"room {one}: synced at {at}: {result.text()}")
    if failed:
        raise click.ClickException(f"{failed} of {len(rooms)} rooms not synced: run it again")
