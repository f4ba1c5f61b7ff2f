"""Pairing and sync: ``peer pair-code``, ``peer add``, ``peer list``, ``sync --with URL`` (``sts_snapshots.packs``)."""

from __future__ import annotations

from pathlib import Path

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
    token's hash is kept here). Carry it to the other installation's admin: 'sts-snapshots peer add URL CODE'."""
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
    click.echo(f"installation {code.installation_id}, CA SHA-256 {code.ca_fingerprint}", err=True)


@peer.command("add")
@click.argument("url")
@click.argument("code")
@data_dir_option
def peer_add(url: str, code: str, data_dir: Path | None) -> None:
    """Pair with the installation at URL: CODE is its pairing code, or a file holding it. Its CA is trusted (compare
    the fingerprint shown with its admin) and its sync token kept in this installation's secrets folder."""
    from ..packs.pairing import add_peer
    from ..services.errors import Invalid

    text = Path(code).read_text() if Path(code).is_file() else code
    sts = open_app(data_dir)
    try:
        added = add_peer(sts, _admin(), url, text)
    except Invalid as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"paired with installation {added['id']} at {added['url']}\n  CA SHA-256 {added['ca_fingerprint']}")


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


@main.command("sync")
@click.option("--with", "url", required=True, help="The paired installation's URL (as given to 'peer add').")
@click.option("--room", "room_id", default=None, help="Sync this room only (default: every room either side has).")
@data_dir_option
def sync_cmd(url: str, room_id: str | None, data_dir: Path | None) -> None:
    """Sync rooms with a paired installation: pull and merge its pack, then push ours, which it merges. A sync cut
    short leaves both sides consistent; run it again to complete it."""
    from ..packs import PackRefused
    from ..packs.sync import SyncFailed, client_for, peer_at, peer_rooms, sync_room
    from ..services.errors import Invalid

    sts = open_app(data_dir)
    try:
        found = peer_at(sts, url)
    except Invalid as exc:
        raise click.ClickException(str(exc)) from None
    failed = 0
    with client_for(sts, found) as client:
        try:
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
