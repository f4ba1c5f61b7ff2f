"""``sts-snapshots``: serve the app and manage it from the command line (click)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from . import __version__
from .settings import Settings, SettingsError, describe

HELP = {name: text for name, _env, _default, text in describe()}


def load_settings(**cli: Any) -> Settings:
    try:
        return Settings.load(cli)
    except SettingsError as exc:
        raise click.UsageError(str(exc)) from None


def open_app(data_dir: Path | None) -> Any:
    """The app's parts (no server) for a management command; errors become readable messages."""
    from .app import build_app
    from .paths import DataDirError
    from .store import StoreCorruptError

    settings = load_settings(data_dir=data_dir, demo=False)
    try:
        return build_app(settings)
    except (DataDirError, StoreCorruptError) as exc:
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
    from .server import run_server

    settings = load_settings(host=host, port=port, data_dir=data_dir, native=native or None,
                             demo=False if no_demo else None, open_browser=False if no_browser else None,
                             workers=workers, log_level=log_level)
    sys.exit(run_server(settings))


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
    from .services.errors import Conflict, Invalid

    sts = open_app(data_dir)
    if password is None:
        try:
            password = click.prompt("Password", hide_input=True, confirmation_prompt="Repeat password")
        except click.Abort:
            raise click.ClickException("the passwords do not match, or none was given") from None
    try:
        user = sts.users.add(email, password, role=role, name=name)
    except (Conflict, Invalid) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"added {user.email} ({user.role})")


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
    click.echo(sts.tokens.issue(user.email, user.role))


@main.command()
@data_dir_option
def cleanup(data_dir: Path | None) -> None:
    """Remove old finished tasks, cache entries and metrics now (as the nightly job does)."""
    sts = open_app(data_dir)
    result = sts.cleanup()
    sts.metrics.flush()
    click.echo(f"removed {result.tasks} old tasks, {result.cache_entries} old cache entries, "
               f"{result.metrics} old metrics")


@main.command("settings")
def settings_cmd() -> None:
    """List every setting with its environment variable and default."""
    for name, env, default, text in describe():
        click.echo(f"{name:28} {env:34} {default:28} {text}")


if __name__ == "__main__":  # pragma: no cover
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
