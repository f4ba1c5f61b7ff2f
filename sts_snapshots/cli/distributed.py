"""The distributed mode's commands: ``render-node``, ``migrate``, and the export ``backup`` makes there."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from ..settings import Settings
from . import HELP, data_dir_option, load_settings, main, open_app


@main.command("render-node")
@data_dir_option
@click.option("--workers", type=int, default=None, help=HELP["workers"])
@click.option("--log-level", default=None, help=HELP["log_level"])
def render_node(data_dir: Path | None, workers: int | None, log_level: str | None) -> None:
    """Run a render node of the distributed mode: take snapshot jobs from PostgreSQL and render them (no UI, no HTTP).

    Renders at most max_concurrent_generations snapshots at once on this node; Ctrl+C or SIGTERM stops it once the
    renders in progress are done, and the ones still queued here go back to the queue for any node.
    """
    settings = load_settings(data_dir=data_dir, workers=workers, log_level=log_level, demo=False)
    if not settings.database_url:
        raise click.ClickException("render-node needs the distributed mode: set STS_DATABASE_URL=postgresql://... "
                                   "(the database of the web nodes)")
    from ..logging_setup import setup_logging
    from ..snapshots.pg_queue import QueueUnavailable

    if os.name == "posix":
        os.umask(0o077)  # as serve: what the node writes is this user's alone
    sts = open_app(data_dir, settings)
    setup_logging(sts.layout.log_file, settings.log_level)
    click.echo(f"STS Snapshots {sts.version} render node: jobs from {sts.pg_queue.where}, at most "
               f"{settings.max_concurrent_generations} generations at once on this node, {settings.workers} render "
               "processes (Ctrl+C stops it)")
    try:
        by_signal = sts.run_render_node()
    except QueueUnavailable as exc:
        raise click.ClickException(str(exc)) from None
    if not by_signal:
        raise click.ClickException("the render node's workers stopped: the job queue's database connection failed "
                                   "(see the log)")
    click.echo("STS Snapshots render node stopped.")


def exported(settings: Settings, folder: Path) -> Any:
    """The distributed mode's stores, files and secrets exported into ``folder`` as a data folder; its layout."""
    from ..app import layout_of
    from ..datadir import DataLayout
    from ..ops.migrate import MigrateError, export_folder
    from ..store import StoreSetupError
    from ..store.stores import Stores

    try:
        stores = Stores.on_postgres(settings.database_url)
    except StoreSetupError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        result = export_folder(stores, layout_of(settings), folder / "data")
    except MigrateError as exc:
        raise click.ClickException(f"backup failed: {exc}") from None
    finally:
        stores.close()
    click.echo(f"exported {result.total_records} records from PostgreSQL (counts checked) and {result.files} files "
               f"from {layout_of(settings).uploads}; the archive restores as a data folder ('restore'), which "
               "'migrate' moves into a new database", err=True)
    return DataLayout(folder / "data")


@main.command()
@data_dir_option
@click.option("--to", "to_url", required=True, metavar="postgresql://...",
              help="The new, empty PostgreSQL database of the distributed mode.")
@click.option("--files-dir", type=click.Path(path_type=Path, file_okay=False), required=True,
              help="The shared files folder the nodes will use (STS_FILES_DIR).")
@click.option("--secrets-dir", type=click.Path(path_type=Path, file_okay=False), required=True,
              help="Where to put this installation's secrets for the first node (STS_SECRETS_DIR; copy it to the "
                   "others).")
def migrate(data_dir: Path | None, to_url: str, files_dir: Path, secrets_dir: Path) -> None:
    """Copy an embedded data folder into PostgreSQL and a shared files folder, then check counts and SHA-256.

    Stop the server first. The data folder is only read; the records are copied in one transaction.
    """
    from ..ops.migrate import MigrateError
    from ..ops.migrate import migrate as run_migrate
    from ..store import StoreSetupError
    from ..store.stores import Stores

    settings = load_settings(data_dir=data_dir)
    if not to_url.startswith(("postgresql://", "postgres://")):
        raise click.ClickException(f"--to must be a postgresql:// URL, not {to_url.split(':', 1)[0]!r}")
    from ..datadir import DataLayout
    from ..datadir.lock import AlreadyRunning, acquire_instance_lock

    if not (settings.data_dir / "db" / "users.json").is_file():
        raise click.ClickException(f"{settings.data_dir} is not an STS Snapshots data folder (no db/users.json)")
    try:
        lock = acquire_instance_lock(DataLayout(settings.data_dir))  # the server must not write meanwhile
    except AlreadyRunning as exc:
        raise click.ClickException(f"{exc} (stop it before migrating)") from None
    try:
        target = Stores.on_postgres(to_url)
    except StoreSetupError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        result = run_migrate(settings.data_dir, target, files_dir.expanduser(), secrets_dir.expanduser(),
                             progress=click.echo)
    except MigrateError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        target.close()
        if lock is not None:
            lock.close()
    click.echo(f"copied {result.total_records} records ({len(result.records)} tables, counts checked), "
               f"{result.files} files ({result.bytes / 1e6:.1f} MB, SHA-256 checked) to {files_dir}, "
               f"{len(result.secrets)} secret files to {secrets_dir}")
    click.echo(f"start the nodes with STS_DATABASE_URL, STS_FILES_DIR={files_dir} and STS_SECRETS_DIR (a copy of "
               f"{secrets_dir} on each node)")
