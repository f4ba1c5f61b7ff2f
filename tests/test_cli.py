from pathlib import Path

from click.testing import CliRunner

from sts_snapshots import __version__
from sts_snapshots.cli import main
from sts_snapshots.settings import Settings
from tests.stored import edit_cache_entry, edit_task, task_ids


def run(*args: str, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)
    return result.exit_code, result.output


def test_version() -> None:
    assert run("--version") == (0, f"sts-snapshots, version {__version__}\n")


def test_users_add_list_and_token(tmp_path: Path) -> None:
    data = str(tmp_path)
    code, _ = run("users", "add", "ops@example.com", "--role", "admin", "--password", "longenough", "--data-dir", data)
    assert code == 0
    code, out = run("users", "add", "crew@example.com", "--data-dir", data, input="crew-pass-1\ncrew-pass-1\n")
    assert code == 0 and "added crew@example.com (user)" in out
    code, out = run("users", "list", "--data-dir", data)
    assert "ops@example.com" in out and "admin" in out and "crew@example.com" in out
    code, token = run("token", "ops@example.com", "--data-dir", data)
    from sts_snapshots.app import build_app

    sts = build_app(Settings.load({"data_dir": tmp_path}, env={}))
    assert sts.tokens.check(token.strip())["sub"] == "ops@example.com"


def test_cli_errors_are_readable(tmp_path: Path) -> None:
    data = str(tmp_path)
    code, out = run("users", "add", "bad-email", "--password", "longenough", "--data-dir", data)
    assert code == 1 and "Error: 'bad-email' is not an email address" in out
    code, out = run("users", "add", "a@example.com", "--password", "short", "--data-dir", data)
    assert code == 1 and "at least 8" in out
    run("users", "add", "a@example.com", "--password", "longenough", "--data-dir", data)
    code, out = run("users", "add", "a@example.com", "--password", "longenough", "--data-dir", data)
    assert code == 1 and "exists already" in out
    code, out = run("token", "nobody@example.com", "--data-dir", data)
    assert code == 1 and "no user nobody@example.com" in out
    code, out = run("users", "add", "b@example.com", "--data-dir", data, input="one-password\nanother-one\n")
    assert code == 1 and "do not match" in out


def test_corrupt_store_is_reported_with_restore_hint(tmp_path: Path) -> None:
    (tmp_path / "db").mkdir()
    (tmp_path / "db" / "users.json").write_text("{broken")
    code, out = run("users", "list", "--data-dir", str(tmp_path))
    assert code == 1 and "users.json cannot be read" in out and "sts-snapshots restore" in out
    assert (tmp_path / "db" / "users.json").read_text() == "{broken"


def test_unwritable_data_dir_is_named(tmp_path: Path) -> None:
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    code, out = run("users", "list", "--data-dir", str(blocker / "data"))
    assert code == 1 and "cannot be written" in out and "file-not-folder" in out


def test_bad_setting_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["serve", "--port", "0", "--data-dir", str(tmp_path)])
    assert result.exit_code == 2 and "port must be between" in result.output


def test_cleanup_command_removes_only_what_is_old_enough(tmp_path: Path) -> None:
    from datetime import timedelta

    from sts_snapshots.app import build_app
    from sts_snapshots.domain.time import utcnow
    from sts_snapshots.store import Database

    sts = build_app(Settings.load({"data_dir": tmp_path, "workers": 0}, env={}))
    long_ago = utcnow() - timedelta(hours=200)
    for task_id, status, hours in [("old-done", "completed", 30), ("old-failed", "failed", 30),
                                   ("old-running", "running", 30), ("fresh-done", "completed", 1)]:
        stamp = (utcnow() - timedelta(hours=hours)).isoformat(timespec="seconds")
        sts.tasks.create(task_id, "generate_pdf", {})
        edit_task(sts.layout, task_id, {"status": status, "created_at": stamp,
                                         "completed_at": stamp if status != "running" else None})
    sts.cache.put("a" * 64, b"%PDF old")
    edit_cache_entry(sts.layout, "a" * 64, {"created_at": (utcnow() - timedelta(hours=73)).isoformat()})
    sts.cache.put("b" * 64, b"%PDF fresh")
    old_shard = sts.layout.metrics / f"metrics-{long_ago.strftime('%Y%m%d%H')}.json"
    Database(old_shard).table("metrics").insert_many([{"id": f"m{i}", "at": long_ago.isoformat()} for i in range(3)])
    sts.metrics.record_request(route="/api/v1/health", method="GET", status_code=200, duration_ms=1)
    sts.metrics.flush()

    code, out = run("cleanup", "--data-dir", str(tmp_path))
    assert code == 0 and out == "removed 2 old tasks, 1 old cache entries, 3 old metrics\n"
    assert task_ids(sts.layout) == {"old-running", "fresh-done"}
    assert sorted(p.name for p in sts.layout.pdf_cache.glob("*.pdf")) == [f"{'b' * 64}.pdf"]
    assert not old_shard.exists() and len(list(sts.layout.metrics.glob("metrics-*.json"))) == 1


def test_users_remove_asks_first_and_keeps_the_last_admin(tmp_path: Path) -> None:
    data = str(tmp_path)
    run("users", "add", "ops@example.com", "--role", "admin", "--password", "longenough", "--data-dir", data)
    run("users", "add", "crew@example.com", "--password", "longenough", "--data-dir", data)
    code, out = run("users", "remove", "crew@example.com", "--data-dir", data, input="n\n")
    assert code == 1 and "Aborted" in out
    code, out = run("users", "remove", "Crew@Example.com", "--data-dir", data, input="y\n")
    assert code == 0 and "removed crew@example.com" in out
    code, out = run("users", "list", "--data-dir", data)
    assert "crew@example.com" not in out and "ops@example.com" in out
    code, out = run("users", "remove", "crew@example.com", "--yes", "--data-dir", data)
    assert code == 1 and "Error: no user crew@example.com" in out
    code, out = run("users", "remove", "ops@example.com", "--yes", "--data-dir", data)
    assert code == 1 and "last admin" in out and "Traceback" not in out
    code, out = run("users", "list", "--data-dir", data)
    assert "ops@example.com" in out
