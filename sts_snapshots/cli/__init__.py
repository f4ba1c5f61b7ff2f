"""``sts-snapshots``: serve the app and manage it from the command line (click)."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import click

from .. import __version__
from ..domain.labels import format_size
from ..settings import Settings, SettingsError, describe

HELP = {name: text for name, _env, _default, text in describe()}


def load_settings(**cli: Any) -> Settings:
    try:
        return Settings.load(cli)
    except SettingsError as exc:
        raise click.UsageError(str(exc)) from None


def open_app(data_dir: Path | None, settings: Settings | None = None) -> Any:
    """The app's parts (no server) for a management command; errors become readable messages."""
    from ..app import build_app
    from ..datadir import DataDirError
    from ..store import StoreCorruptError, StoreSetupError, StoreUnavailable

    settings = settings or load_settings(data_dir=data_dir, demo=False)
    try:
        return build_app(settings)
    except (DataDirError, StoreCorruptError, StoreSetupError, StoreUnavailable) as exc:
        raise click.ClickException(str(exc)) from None


data_dir_option = click.option("--data-dir", type=click.Path(path_type=Path), default=None, help=HELP["data_dir"])


@click.group(invoke_without_command=True)
@click.version_option(__version__, prog_name="sts-snapshots")
@click.pass_context
def main(ctx: click.Context) -> None:
    """STS Snapshots: ship-to-ship transfer clearance rooms with PDF snapshots. Without a command: serve."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(serve)


@main.command()
@click.option("--host", default=None, help=HELP["host"])
@click.option("--port", type=int, default=None, help=HELP["port"])
@data_dir_option
@click.option("--native", is_flag=True, default=None, help=HELP["native"])
@click.option("--no-demo", "no_demo", is_flag=True, default=False, help="Do not seed the demo room and users.")
@click.option("--no-browser", "no_browser", is_flag=True, default=False, help="Do not open a browser window.")
@click.option("--workers", type=int, default=None, help=HELP["workers"])
@click.option("--log-level", default=None, help=HELP["log_level"])
def serve(host: str | None, port: int | None, data_dir: Path | None, native: bool | None, no_demo: bool,
          no_browser: bool, workers: int | None, log_level: str | None) -> None:
    """Start the web UI and REST API (default 127.0.0.1:8000)."""
    from ..server import run_server
    from ..store import StoreSetupError, StoreUnavailable

    settings = load_settings(host=host, port=port, data_dir=data_dir, native=native or None,
                             demo=False if no_demo else None, open_browser=False if no_browser else None,
                             workers=workers, log_level=log_level)
    try:
        code = run_server(settings)
    except (StoreSetupError, StoreUnavailable) as exc:  # a wrong or unreachable STS_DATABASE_URL: one line
        click.echo(f"Error: {exc}", err=True)
        code = 2
    sys.exit(code)


@main.group()
def users() -> None:
    """Manage user accounts."""


@users.command("add")
@click.argument("email")
@click.option("--role", type=click.Choice(["admin", "user"]), default="user", show_default=True)
@click.option("--name", default="", help="Display name (default: the email).")
@click.option("--password", default=None, help="The password (asked for when omitted; at least 8 characters).")
@data_dir_option
def users_add(email: str, role: str, name: str, password: str | None, data_dir: Path | None) -> None:
    """Add a user who logs in with EMAIL."""
    from ..services.errors import Conflict, Invalid
    from ..services.users import LOCAL_ADMIN

    sts = open_app(data_dir)
    if password is None:
        try:
            password = click.prompt("Password", hide_input=True, confirmation_prompt="Repeat password")
        except click.Abort:
            raise click.ClickException("the passwords do not match, or none was given") from None
    try:
        user = sts.users.add(LOCAL_ADMIN, email, password, role=role, name=name)
    except (Conflict, Invalid) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"added {user.email} ({user.role})")


@users.command("remove")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@data_dir_option
def users_remove(email: str, yes: bool, data_dir: Path | None) -> None:
    """Remove the account EMAIL: it can no longer sign in (rooms keep it as a party)."""
    from ..services.errors import Conflict, NotFound
    from ..services.users import LOCAL_ADMIN

    sts = open_app(data_dir)
    if sts.users.get(email) is None:
        raise click.ClickException(f"no user {email}")
    if not yes:
        click.confirm(f"Remove the account {email.strip().lower()}?", abort=True)
    try:
        user = sts.users.remove(LOCAL_ADMIN, email)
    except (Conflict, NotFound) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"removed {user.email}")


@users.command("list")
@data_dir_option
def users_list(data_dir: Path | None) -> None:
    """List the users."""
    for user in open_app(data_dir).users.list():
        click.echo(f"{user.email:40} {user.role:6} {user.name}")


@main.command()
@click.argument("email")
@data_dir_option
def token(email: str, data_dir: Path | None) -> None:
    """Print an API access token for EMAIL (for scripts and curl)."""
    sts = open_app(data_dir)
    user = sts.users.get(email)
    if user is None:
        raise click.ClickException(f"no user {email}; add one with 'sts-snapshots users add {email}'")
    click.echo(sts.tokens.issue(user.email, user.role, user.credential))


@main.command()
@data_dir_option
def cleanup(data_dir: Path | None) -> None:
    """Remove old finished tasks, cache entries and metrics now (as the nightly job does)."""
    sts = open_app(data_dir)
    result = sts.cleanup()
    sts.metrics.flush()
    click.echo(f"removed {result.tasks} old tasks, {result.cache_entries} old cache entries, "
               f"{result.metrics} old metrics")


@main.command()
@data_dir_option
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Archive to write (default: sts-snapshots-backup-YYYYmmdd-HHMMSS.tar.gz here).")
@click.option("--include-cache", is_flag=True, default=False, help="Also keep the PDF cache (it can be rebuilt).")
def backup(data_dir: Path | None, output: Path | None, include_cache: bool) -> None:
    """Write one .tar.gz of the data folder with a SHA-256 manifest; safe while the server runs."""
    from ..datadir import DataLayout
    from ..ops.backup import BackupError, create_backup, default_name

    settings = load_settings(data_dir=data_dir)
    layout = DataLayout(settings.data_dir)
    target = output or Path(default_name())
    with contextlib.ExitStack() as stack:
        if settings.database_url:  # the distributed mode: its records, files and secrets as a data folder first
            from .distributed import exported

            layout = exported(settings, Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="sts-backup-"))))
        with click.progressbar(length=1, label="Backing up", file=sys.stderr) as bar:
            def progress(done: int, total: int) -> None:
                bar.length = total
                bar.update(done - bar.pos)

            try:
                result = create_backup(layout, target, include_cache=include_cache, progress=progress)
            except (BackupError, OSError) as exc:
                raise click.ClickException(f"backup failed: {exc}") from None
    click.echo(f"wrote {result.path}: {result.files} files, {format_size(result.data_bytes)} of data, "
               f"{format_size(result.archive_bytes)} archive")


@main.command()
@click.argument("archive", type=click.Path(path_type=Path, dir_okay=False))
@data_dir_option
def restore(archive: Path, data_dir: Path | None) -> None:
    """Restore ARCHIVE into the data folder, after checking every file's SHA-256; the old folder is kept aside."""
    from ..ops.restore import RestoreError, restore_backup

    target = load_settings(data_dir=data_dir).data_dir
    try:
        result = restore_backup(archive, target)
    except RestoreError as exc:
        raise click.ClickException(f"{exc}\nNothing was changed.") from None
    click.echo(f"restored {result.files} files into {result.data_dir}")
    if result.replaced:
        click.echo(f"the previous data folder was kept as {result.replaced}")


@main.command()
@data_dir_option
@click.option("--url", default=None, help="Also check that the server at URL answers /api/v1/health.")
def verify(data_dir: Path | None, url: str | None) -> None:
    """Run the final checklist on the data folder (and a running server); exit code 0 only if all pass."""
    from ..datadir import DataLayout
    from ..ops.verify import run_checks

    settings = load_settings(data_dir=data_dir)
    if settings.database_url:
        from ..app import layout_of
        from ..ops.verify import run_distributed_checks

        checks = run_distributed_checks(settings.database_url, layout_of(settings),
                                        min_free_mb=settings.min_free_disk_mb, url=url)
    else:
        checks = run_checks(DataLayout(settings.data_dir), min_free_mb=settings.min_free_disk_mb, url=url)
    for check in checks:
        mark = click.style("✓", fg="green") if check.passed else click.style("✗", fg="red")
        click.echo(f"{mark} {check.name}: {check.detail}")
    failed = sum(not c.passed for c in checks)
    click.echo(f"{len(checks) - failed} of {len(checks)} checks passed")
    sys.exit(1 if failed else 0)


@main.command()
@click.option("--url", default="http://127.0.0.1:8000", show_default=True, help="The server to watch.")
@click.option("--token", envvar="STS_TOKEN", default=None, help="An admin's API token (or STS_TOKEN).")
@click.option("--interval", type=click.FloatRange(min=1), default=5.0, show_default=True,
              help="Seconds between refreshes.")
@click.option("--once", is_flag=True, default=False, help="Print one frame and exit.")
def monitor(url: str, token: str | None, interval: float, once: bool) -> None:
    """Live view of a running server: cache hit rate, memory, generations, tasks, disk (Ctrl+C to stop)."""
    import time

    from ..ops.monitor import MonitorError, fetch, render

    if not token:
        raise click.UsageError("an admin token is needed: --token \"$(sts-snapshots token ADMIN_EMAIL)\" "
                               "or set STS_TOKEN")
    try:
        while True:
            try:
                lines = render(fetch(url, token), url)
            except MonitorError as exc:
                if once:
                    raise click.ClickException(str(exc)) from None
                lines = [f"STS Snapshots monitor — {url}", "", f"✗ {exc}"]
            if not once:
                click.clear()
            click.echo("\n".join(lines))
            if once:
                return
            click.echo(f"\n(refresh every {interval:g} s, Ctrl+C to stop)")
            time.sleep(interval)
    except KeyboardInterrupt:  # Ctrl+C while waiting or while fetching: a quiet stop, not click's "Aborted!"
        return


@main.group()
def checklists() -> None:
    """Checklist template sets: import an organisation's own, list those installed."""


@checklists.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@data_dir_option
def checklists_import(file: Path, data_dir: Path | None) -> None:
    """Install the checklist set in FILE (JSON, the format in the README); rooms already using a set keep it."""
    from ..domain.checklist_format import TemplateError, parse_set
    from ..services.errors import Conflict

    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"cannot read {file}: {exc}") from None
    try:
        parse_set(text)
    except TemplateError as exc:
        raise click.ClickException(f"{file.name} is not a valid checklist set:\n  " + "\n  ".join(exc.problems)) \
            from None
    sts = open_app(data_dir)
    try:
        summary = sts.checklists.book.install(text, "sts-snapshots checklists import")
    except Conflict as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"installed {summary['key']}: {summary['title']} ({summary['checklists']} checklists, "
               f"{summary['items']} items)")
    if summary["set_id"] != sts.settings.checklist_set:
        click.echo(f"New rooms get {sts.settings.checklist_set!r}; set STS_CHECKLIST_SET={summary['set_id']} "
                   "(or checklist_set) to give them this one.")


@checklists.command("list")
@data_dir_option
def checklists_list(data_dir: Path | None) -> None:
    """List the installed checklist sets, newest version first."""
    for s in open_app(data_dir).checklists.book.installed():
        sample = "  (sample)" if s["sample"] else ""
        click.echo(f"{s['key']:32} {s['checklists']:3} checklists {s['items']:4} items  {s['title']}{sample}")


@main.command("settings")
def settings_cmd() -> None:
    """List every setting with its environment variable and default."""
    for name, env, default, text in describe():
        click.echo(f"{name:28} {env:34} {default:28} {text}")


# The commands kept in modules of their own register themselves on ``main``.
from . import distributed, peers, rooms, signing_commands  # noqa: E402, F401

if __name__ == "__main__":  # pragma: no cover
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
