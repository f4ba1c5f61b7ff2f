"""``sts-snapshots migrate --to postgresql://…``: an embedded folder with the demo and the bench's rooms (and a
snapshot made) copied into PostgreSQL and a shared folder, checked, and then served by a node of the distributed
mode with the same rooms, documents, activity chains and PDFs."""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from bench.setup_data import build_template
from sts_snapshots.app import build_app
from sts_snapshots.cli import main
from sts_snapshots.datadir import DataLayout
from sts_snapshots.demo import ADMIN_EMAIL
from sts_snapshots.ops.verify import check_activity_chains
from sts_snapshots.settings import Settings
from sts_snapshots.snapshots.pipeline import generate_snapshot

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def _snapshot_of_demo_room(folder: Path) -> str:
    sts = build_app(Settings.load({"data_dir": folder, "workers": 0, "demo": False}, env={}))
    try:
        admin = sts.users.get(ADMIN_EMAIL)
        assert admin is not None
        room = next(r for r in sts.rooms.room_ids() if sts.rooms.get(r)["title"].startswith("Skaw"))  # type: ignore[index]
        created = sts.snapshots.create(admin, room, "Before the migration")
        assert generate_snapshot(sts.pipeline, created["id"]) is not None
        return created["id"]
    finally:
        sts.stop()
        sts.stores.close()


def _everything(sts: object) -> dict[str, object]:
    """What a user sees of every room: its detail, documents and activity, and each snapshot record."""
    admin = sts.users.get(ADMIN_EMAIL)  # type: ignore[attr-defined]
    seen: dict[str, object] = {}
    for room in sorted(sts.rooms.room_ids()):  # type: ignore[attr-defined]
        detail = dict(sts.rooms.detail(admin, room))  # type: ignore[attr-defined]
        detail.pop("readiness", None)  # judged against today: the same on both sides, but not what is compared
        seen[room] = {"detail": detail, "activity": sts.rooms.activity_for(room, limit=100_000),  # type: ignore[attr-defined]
                      "snapshots": sts.pipeline.records.of_room(room)}  # type: ignore[attr-defined]
    return seen


def test_an_embedded_folder_migrates_into_postgresql_and_is_served_from_there(tmp_path: Path, pg_url: str) -> None:
    folder = tmp_path / "embedded"
    build_template(folder, sizes=(10, 40))  # the demo room and two of the bench's rooms, with uploaded files
    snapshot_id = _snapshot_of_demo_room(folder)
    before_sts = build_app(Settings.load({"data_dir": folder, "workers": 0, "demo": False}, env={}))
    before, before_secret = _everything(before_sts), before_sts.secret
    before_sts.stores.close()
    uploads = {p.relative_to(folder / "uploads"): hashlib.sha256(p.read_bytes()).hexdigest()
               for p in (folder / "uploads").rglob("*") if p.is_file() and ".tasks" not in p.parts
               and p.name not in ("index.json", "index.json.lock")}
    shared, secrets = tmp_path / "shared", tmp_path / "secrets"

    done = CliRunner().invoke(main, ["migrate", "--data-dir", str(folder), "--to", pg_url, "--files-dir",
                                     str(shared), "--secrets-dir", str(secrets)])
    assert done.exit_code == 0, done.output
    assert "counts checked" in done.output and "SHA-256 checked" in done.output
    for relative, digest in uploads.items():
        assert hashlib.sha256((shared / relative).read_bytes()).hexdigest() == digest, relative
    assert (shared / "snapshots" / f"{snapshot_id}.pdf").is_file()
    assert stat.S_IMODE((secrets / "secret.key").stat().st_mode) == 0o600
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o700

    node = build_app(Settings.load({"data_dir": tmp_path / "node1", "database_url": pg_url, "files_dir": str(shared),
                                    "secrets_dir": str(secrets), "workers": 0, "demo": False}, env={}))
    try:
        same(_everything(node), before)  # every room, document, approval, activity entry and snapshot record
        assert node.secret == before_secret  # the same key: API tokens and session cookies stay good
        admin = node.users.get(ADMIN_EMAIL)
        assert admin is not None
        path, record = node.snapshots.download(admin, record_room(before, snapshot_id), snapshot_id)
        assert path.read_bytes() == (folder / "uploads" / "snapshots" / f"{snapshot_id}.pdf").read_bytes()
        assert record["id"] == snapshot_id
        served = _everything(node)  # now with that download in the room's activity
    finally:
        node.stores.close()
    assert check_activity_chains(DataLayout(folder)).passed  # the embedded folder is only read: it still verifies

    again = CliRunner().invoke(main, ["migrate", "--data-dir", str(folder), "--to", pg_url, "--files-dir",
                                      str(shared), "--secrets-dir", str(secrets)])
    assert again.exit_code != 0 and "already holds users" in again.output  # never into a database in use

    # verify in the distributed mode: every check passes (and, at the end, an entry changed in the database fails it)
    env = {"STS_DATABASE_URL": pg_url, "STS_FILES_DIR": str(shared), "STS_SECRETS_DIR": str(secrets)}
    done = CliRunner().invoke(main, ["verify", "--data-dir", str(tmp_path / "node1")], env=env)
    assert done.exit_code == 0, done.output
    assert "database reachable" in done.output and "activity log chains intact" in done.output

    # backup in the distributed mode: an archive of its records, files and secrets, which restores as a data folder
    archive = tmp_path / "distributed.tar.gz"
    env = {"STS_DATABASE_URL": pg_url, "STS_FILES_DIR": str(shared), "STS_SECRETS_DIR": str(secrets)}
    done = CliRunner().invoke(main, ["backup", "--data-dir", str(tmp_path / "node1"), "--output", str(archive)],
                              env=env)
    assert done.exit_code == 0, done.output
    assert "counts checked" in done.output
    restored = tmp_path / "restored"
    done = CliRunner().invoke(main, ["restore", str(archive), "--data-dir", str(restored)], env={})
    assert done.exit_code == 0, done.output
    back = build_app(Settings.load({"data_dir": restored, "workers": 0, "demo": False}, env={}))
    try:
        same(_everything(back), served)
        assert back.secret == before_secret
        assert (restored / "uploads" / "snapshots" / f"{snapshot_id}.pdf").read_bytes() == \
            (folder / "uploads" / "snapshots" / f"{snapshot_id}.pdf").read_bytes()
    finally:
        back.stores.close()

    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("UPDATE sts_records SET doc = jsonb_set(doc, '{details}', '\"edited by hand\"') WHERE ctid = "
                     "(SELECT ctid FROM sts_records WHERE store = 'activity' LIMIT 1)")
    done = CliRunner().invoke(main, ["verify", "--data-dir", str(tmp_path / "node1")], env=env)
    assert done.exit_code == 1 and "✗ activity log chains intact" in done.output, done.output


def same(after: dict[str, object], before: dict[str, object]) -> None:
    """Room by room and part by part, so that a difference names where it is."""
    assert sorted(after) == sorted(before)
    for room, parts in before.items():
        for part, value in parts.items():  # type: ignore[attr-defined]
            got = after[room][part]  # type: ignore[index]
            if isinstance(value, dict):
                for key in sorted(set(value) | set(got)):
                    assert got.get(key) == value.get(key), (room, part, key)
            else:
                assert got == value, (room, part)


def record_room(seen: dict[str, object], snapshot_id: str) -> str:
    for room, parts in seen.items():
        if any(s["id"] == snapshot_id for s in parts["snapshots"]):  # type: ignore[index,attr-defined]
            return room
    raise AssertionError(snapshot_id)


def test_migrate_refuses_what_is_not_a_data_folder_or_a_postgresql_url(tmp_path: Path) -> None:
    runner = CliRunner()
    empty = tmp_path / "empty"
    empty.mkdir()
    done = runner.invoke(main, ["migrate", "--data-dir", str(empty), "--to", "postgresql://x@127.0.0.1:1/db",
                                "--files-dir", str(tmp_path / "f"), "--secrets-dir", str(tmp_path / "s")])
    assert done.exit_code != 0 and "not an STS Snapshots data folder" in done.output
    done = runner.invoke(main, ["migrate", "--data-dir", str(empty), "--to", "mysql://x", "--files-dir",
                                str(tmp_path / "f"), "--secrets-dir", str(tmp_path / "s")])
    assert done.exit_code != 0 and "postgresql:// URL" in done.output
    assert "Traceback" not in done.output
