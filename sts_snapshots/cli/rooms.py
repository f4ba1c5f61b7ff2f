"""The room pack commands: ``room export``, ``room import`` and ``room trust`` (see ``sts_snapshots.packs``)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import click

from . import data_dir_option, main, open_app


@main.group()
def room() -> None:
    """Room packs: carry a room to another installation (a laptop on board) and bring it in there."""


def _admin() -> Any:
    from ..services.users import LOCAL_ADMIN

    return dataclasses.replace(LOCAL_ADMIN, email="sts-snapshots (command line)")  # what the activity log names


@room.command("export")
@click.argument("room_id")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="The pack's file (default: the room's title with .stsroom, here).")
@click.option("--with-snapshots", is_flag=True, help="Carry the room's completed snapshot PDFs too.")
@data_dir_option
def room_export(room_id: str, output: Path | None, with_snapshots: bool, data_dir: Path | None) -> None:
    """Write the room ROOM_ID, every version's file and its activity log to a signed room pack."""
    from ..packs import export_pack
    from ..packs.export import pack_file_name
    from ..services.errors import NotFound, StorageFailed

    sts = open_app(data_dir)
    found = sts.rooms.get(room_id)
    if found is None:
        raise click.ClickException(f"no room {room_id}")
    target = output or Path(pack_file_name(found["title"]))
    try:
        summary = export_pack(sts, _admin(), room_id, target, snapshots=with_snapshots)
    except (NotFound, StorageFailed, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"wrote {target}: {summary.title}, {summary.documents} documents, {summary.snapshots} snapshots, "
               f"{summary.files} files, {summary.size} bytes")


@room.command("import")
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--trust", is_flag=True, help="Trust the installation that signed the pack, if not yet (check its "
                                            "CA fingerprint with its admin first).")
@data_dir_option
def room_import(file: Path, trust: bool, data_dir: Path | None) -> None:
    """Bring the room in the pack FILE in: a room new to this installation is created as it is; one it has is
    merged (a field both sides changed is a conflict, shown on the room page)."""
    from ..packs import PackRefused, import_pack
    from ..services.errors import Conflict

    sts = open_app(data_dir)
    try:
        result = import_pack(sts, _admin(), file, trust=trust)
    except (PackRefused, Conflict) as exc:
        raise click.ClickException(f"{file.name} refused: {exc}") from None
    trusted = f"; installation {result.origin} is trusted from now on" if result.trusted_now else ""
    if result.merged:
        click.echo(f"merged room {result.room_id} ({result.title}) with installation {result.origin}'s pack: "
                   f"{result.taken} fields taken, {result.files} new files, {result.activity} activity entries, "
                   f"{result.conflicts} conflicts{trusted}")
        if result.conflicts:
            click.echo("  the conflicts keep both values: an admin chooses one on the room page")
        return
    click.echo(f"imported room {result.room_id} ({result.title}) from installation {result.origin}: "
               f"{result.documents} documents, {result.snapshots} snapshots, {result.files} files, "
               f"{result.activity} activity entries{trusted}")


@room.command("trust")
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@data_dir_option
def room_trust(file: Path, data_dir: Path | None) -> None:
    """Trust the installation that signed the pack FILE (its CA): its packs import from then on."""
    from ..packs import PackRefused, trust_pack

    sts = open_app(data_dir)
    try:
        peer = trust_pack(sts, _admin(), file)
    except PackRefused as exc:
        raise click.ClickException(f"{file.name} refused: {exc}") from None
    click.echo(f"trusted installation {peer['installation_id']}: {peer['subject']}\n  CA SHA-256 {peer['fingerprint']}")


@room.command("conflicts")
@click.argument("room_id")
@data_dir_option
def room_conflicts(room_id: str, data_dir: Path | None) -> None:
    """List the open merge conflicts of the room ROOM_ID: the field, both values, where each comes from."""
    from ..packs.states import sync_state
    from ..services.sync_state import conflict_view

    sts = open_app(data_dir)
    if sts.rooms.get(room_id) is None:
        raise click.ClickException(f"no room {room_id}")
    found = [conflict_view(c) for c in sync_state(sts).conflicts(room_id)]
    for c in found:
        rule = f"\n  rule: {c['rule']}" if c["rule"] else ""
        click.echo(f"{c['id']}  {c['label']}\n  local (this installation): {c['local_text']}\n"
                   f"  remote (installation {c['remote_origin']}): {c['remote_text']}{rule}")
    click.echo(f"{len(found)} open conflicts")


@room.command("resolve")
@click.argument("room_id")
@click.argument("conflict_id")
@click.option("--keep", type=click.Choice(["local", "remote"]), required=True,
              help="Keep this installation's value (local) or the other installation's (remote).")
@data_dir_option
def room_resolve(room_id: str, conflict_id: str, keep: str, data_dir: Path | None) -> None:
    """Resolve the merge conflict CONFLICT_ID of the room ROOM_ID: the choice travels with the next pack."""
    from ..packs.merge import resolve
    from ..services.errors import Conflict, NotFound

    sts = open_app(data_dir)
    try:
        done = resolve(sts, _admin(), room_id, conflict_id, "local" if keep == "local" else "remote")
    except (NotFound, Conflict) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"resolved {done['label']}: kept the {keep} value")
