"""Issue 13, point 7: backups hold ``secret.key`` and the password hashes, so neither backup nor restore may
leak them (file modes), follow a planted link, write more than the manifest promises, or trip over a bad manifest.

Everything goes through the real CLI (click's CliRunner); crafted archives are built here with ``tarfile``.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import stat
import tarfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from sts_snapshots.cli import main
from sts_snapshots.datadir import DataLayout
from sts_snapshots.datadir.secret import secret_key
from sts_snapshots.store import Database

GOOD_SHA = "0" * 64


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)  # a traceback fails the test
    return result.exit_code, result.output


def tree(root: Path) -> dict[str, bytes]:
    """relative path -> content of every file under ``root`` (lock files aside)."""
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file() and not p.name.endswith(".lock")}


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


@pytest.fixture
def umask_022() -> Iterator[None]:
    """The usual umask, under which a plain ``open()`` gives 0644: what the bug was."""
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A small data folder: one store with a password hash, and the secret key."""
    layout = DataLayout(tmp_path / "data")
    layout.prepare()
    Database(layout.db / "users.json").table("users").insert({"id": "u1", "password_hash": "$argon2id$x"})
    secret_key(layout)
    return layout.root


def crafted(path: Path, members: list[tuple[tarfile.TarInfo, bytes]], manifest: bytes | None = None) -> Path:
    """A .tar.gz with ``members`` and a correct-looking manifest listing them (or the ``manifest`` given)."""
    if manifest is None:
        files = [{"path": info.name.removeprefix("data/"), "size": len(body),
                  "sha256": hashlib.sha256(body).hexdigest()} for info, body in members]
        manifest = json.dumps({"format": "sts-snapshots-backup", "format_version": 1, "app_version": "0.1.0",
                               "created_at": "2026-11-29T00:00:00Z", "files": files}).encode()
    with tarfile.open(path, "w:gz") as tar:
        for info, body in members:
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
        info = tarfile.TarInfo("MANIFEST.json")
        info.size = len(manifest)
        tar.addfile(info, io.BytesIO(manifest))
    return path


def member(name: str, mode: int = 0o644) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.mode, info.uid, info.gid, info.uname, info.gname = mode, 0, 0, "root", "root"
    return info


def assert_refused(code: int, out: str) -> str:
    """A clean refusal: exit code != 0, one line of reason, 'Nothing was changed.', no traceback."""
    assert code != 0 and "Traceback" not in out, out
    lines = out.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith("Error: ") and lines[1] == "Nothing was changed.", out
    return lines[0]


def test_the_backup_is_written_0600(data: Path, tmp_path: Path, umask_022: None) -> None:
    archive = tmp_path / "backup.tar.gz"
    code, out = run("backup", "--data-dir", str(data), "--output", str(archive))
    assert code == 0, out
    assert mode(archive) == 0o600
    with tarfile.open(archive) as tar:
        assert "data/secret.key" in tar.getnames()
        assert {m.mode for m in tar.getmembers()} == {0o600}


def test_a_link_planted_at_the_partial_file_is_not_followed(data: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("untouched")
    archive = tmp_path / "backup.tar.gz"
    partial = tmp_path / "backup.tar.gz.partial"
    partial.symlink_to(victim)
    code, out = run("backup", "--data-dir", str(data), "--output", str(archive))
    assert code != 0 and "Traceback" not in out and "backup.tar.gz.partial already exists" in out, out
    assert len([line for line in out.splitlines() if line.startswith("Error: ")]) == 1  # beside the progress bar
    assert victim.read_text() == "untouched"
    assert partial.is_symlink() and not archive.exists()


def test_an_output_that_is_a_link_is_refused(data: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("untouched")
    archive = tmp_path / "backup.tar.gz"
    archive.symlink_to(victim)
    code, out = run("backup", "--data-dir", str(data), "--output", str(archive))
    assert code != 0 and "Traceback" not in out and "symbolic link" in out, out
    assert victim.read_text() == "untouched" and archive.is_symlink()
    assert not (tmp_path / "backup.tar.gz.partial").exists()


def test_restore_ignores_archive_modes_and_owners(tmp_path: Path, umask_022: None) -> None:
    archive = crafted(tmp_path / "crafted.tar.gz", [
        (member("data/secret.key", 0o6777), b"not-so-secret"),
        (member("data/db/users.json", 0o4755), b'{"users": {}}'),
        (member("data/uploads/documents/file-1", 0o777), b"%PDF-1.4"),
    ])
    target = tmp_path / "restored"
    code, out = run("restore", str(archive), "--data-dir", str(target))
    assert code == 0, out
    assert (target / "secret.key").read_bytes() == b"not-so-secret"
    paths = [target, *target.rglob("*")]
    assert [p for p in paths if p.is_symlink()] == []
    assert {p.relative_to(target).as_posix(): mode(p) for p in paths if p.is_file()} == {
        "secret.key": 0o600, "db/users.json": 0o600, "uploads/documents/file-1": 0o600}
    assert {mode(p) for p in paths if p.is_dir()} == {0o700}


def test_a_member_larger_than_its_manifest_entry_is_refused_before_it_is_written(data: Path,
                                                                                 tmp_path: Path) -> None:
    declared, body = 255 * 1024, bytes(20 << 20)
    files = [{"path": "db/users.json", "size": 2, "sha256": hashlib.sha256(b"{}").hexdigest()},
             {"path": "uploads/documents/big", "size": declared, "sha256": hashlib.sha256(body[:declared]).hexdigest()}]
    manifest = json.dumps({"format": "sts-snapshots-backup", "format_version": 1, "files": files}).encode()
    archive = crafted(tmp_path / "bomb.tar.gz", [(member("data/db/users.json"), b"{}"),
                                                 (member("data/uploads/documents/big"), body)], manifest)
    assert archive.stat().st_size < 256 * 1024
    before = tree(data)

    peak, done = [0], threading.Event()

    def watch() -> None:  # the bytes written beside the data folder, while restore runs
        while not done.wait(0.002):
            written = 0
            with contextlib.suppress(OSError):  # the folder removed by the refusal while it is being listed
                for path in tmp_path.glob("data.restoring-*/**/*"):
                    with contextlib.suppress(OSError):  # a file removed meanwhile
                        written += path.lstat().st_size if path.is_file() else 0
            peak[0] = max(peak[0], written)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        code, out = run("restore", str(archive), "--data-dir", str(data))
    finally:
        done.set()
        watcher.join()
    reason = assert_refused(code, out)
    assert "uploads/documents/big" in reason and str(declared) in reason
    assert peak[0] <= declared + (1 << 20)
    assert tree(data) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bomb.tar.gz", "data"]


def manifest_of(**changes: object) -> bytes:
    entry = {"path": "db/users.json", "size": 2, "sha256": hashlib.sha256(b"{}").hexdigest()}
    files = changes.pop("files", [entry])
    base: dict[str, object] = {"format": "sts-snapshots-backup", "format_version": 1, "files": files}
    return json.dumps({**base, **changes}).encode()


def entry_with(**changes: object) -> bytes:
    entry: dict[str, object] = {"path": "db/users.json", "size": 2, "sha256": hashlib.sha256(b"{}").hexdigest()}
    entry.update(changes)
    return manifest_of(files=[{k: v for k, v in entry.items() if v is not ...}])


BAD_MANIFESTS = {
    "not JSON": (b"{not json", "not JSON"),
    "not UTF-8": (b"\xff\xfe{}", "not JSON"),
    "deeply nested": (b"[" * 100_000 + b"]" * 100_000, "not JSON"),
    "a list": (b"[]", "not a JSON object"),
    "a string": (b'"hello"', "not a JSON object"),
    "no format": (json.dumps({"files": []}).encode(), "unknown manifest format"),
    "wrong format": (manifest_of(format="zip"), "unknown manifest format"),
    "no format_version": (json.dumps({"format": "sts-snapshots-backup", "files": []}).encode(), "format_version"),
    "format_version 2": (manifest_of(format_version=2), "format_version"),
    "format_version true": (manifest_of(format_version=True), "format_version"),
    "no files": (json.dumps({"format": "sts-snapshots-backup", "format_version": 1}).encode(), "'files'"),
    "files an object": (manifest_of(files={"db/users.json": 2}), "'files'"),
    "entry not an object": (manifest_of(files=["db/users.json"]), "files[0] is not an object"),
    "no path": (entry_with(path=...), "files[0] has no 'path'"),
    "no size": (entry_with(size=...), "files[0] has no 'size'"),
    "no sha256": (entry_with(sha256=...), "files[0] has no 'sha256'"),
    "path a number": (entry_with(path=7), "files[0].path is not a string"),
    "path null": (entry_with(path=None), "files[0].path is not a string"),
    "path a list": (entry_with(path=["db", "users.json"]), "files[0].path is not a string"),
    "path absolute": (entry_with(path="/etc/passwd"), "leads outside"),
    "path escaping": (entry_with(path="../outside.txt"), "leads outside"),
    "path empty": (entry_with(path=""), "is empty"),
    "path with NUL": (entry_with(path="db/a\x00b"), "control character"),
    "path with a newline": (entry_with(path="db/a\nb.json"), "control character"),
    "path with a backslash": (entry_with(path="db\\..\\..\\x"), "backslash"),
    "path not normalised": (entry_with(path="db/./users.json"), "not a normalised"),
    "size negative": (entry_with(size=-1), "size of db/users.json is not a non-negative integer"),
    "size a string": (entry_with(size="2"), "not a non-negative integer"),
    "size a float": (entry_with(size=2.0), "not a non-negative integer"),
    "size a bool": (entry_with(size=True), "not a non-negative integer"),
    "sha256 short": (entry_with(sha256="abc"), "not a SHA-256"),
    "sha256 a number": (entry_with(sha256=12), "not a SHA-256"),
    "listed twice": (manifest_of(files=[json.loads(entry_with())["files"][0]] * 2), "listed twice"),
}


@pytest.mark.parametrize("case", list(BAD_MANIFESTS))
def test_a_malformed_manifest_is_a_one_line_reason(data: Path, tmp_path: Path, case: str) -> None:
    manifest, expected = BAD_MANIFESTS[case]
    archive = crafted(tmp_path / "bad.tar.gz", [(member("data/db/users.json"), b"{}")], manifest)
    before = tree(data)
    code, out = run("restore", str(archive), "--data-dir", str(data))
    reason = assert_refused(code, out)
    assert expected in reason, reason
    assert tree(data) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.tar.gz", "data"]


@pytest.mark.parametrize("kind", ["directory", "symlink", "too big"])
def test_a_manifest_that_is_not_a_plain_small_file_is_refused(data: Path, tmp_path: Path, kind: str) -> None:
    archive = tmp_path / "bad.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        info = tarfile.TarInfo("MANIFEST.json")
        if kind == "directory":
            info.type = tarfile.DIRTYPE
            tar.addfile(info)
        elif kind == "symlink":
            info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
            tar.addfile(info)
        else:
            info.size = (64 << 20) + 1
            tar.addfile(info, io.BytesIO(bytes(info.size)))
    reason = assert_refused(*run("restore", str(archive), "--data-dir", str(data)))
    assert "MANIFEST.json" in reason
