"""Room packs through the command line: ``room export``, ``room import`` (``--trust``), ``room trust``."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from sts_snapshots.app import build_app, seed_if_empty
from sts_snapshots.cli import main
from sts_snapshots.domain.chain import first_break
from sts_snapshots.settings import Settings
from tests.pack_files import BAD_PACKS, tree_digest


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, bytes]:
    """An installation with the demo room, the room's id, and its pack as ``room export`` wrote it."""
    data = tmp_path_factory.mktemp("office")
    sts = build_app(Settings.load({"data_dir": data, "workers": 0}, env={}))
    seed_if_empty(sts)
    room_id = sts.rooms.room_ids()[0]
    sts.stores.close()
    pack = data.parent / "demo.stsroom"
    code, out = run("room", "export", room_id, "-o", str(pack), "--data-dir", str(data))
    assert code == 0 and f"wrote {pack}" in out and "34 documents" in out, out
    return data, room_id, pack.read_bytes()


def test_export_then_import_on_another_installation(office: tuple[Path, str, bytes], tmp_path: Path) -> None:
    data_a, room_id, pack = office
    (tmp_path / "pack.stsroom").write_bytes(pack)
    vessel = tmp_path / "vessel"
    code, out = run("room", "import", str(tmp_path / "pack.stsroom"), "--data-dir", str(vessel))
    assert code == 1 and "refused: the pack comes from installation" in out and "trust" in out, out
    code, out = run("room", "trust", str(tmp_path / "pack.stsroom"), "--data-dir", str(vessel))
    assert code == 0 and "trusted installation" in out and "CA SHA-256" in out, out
    code, out = run("room", "import", str(tmp_path / "pack.stsroom"), "--data-dir", str(vessel))
    assert code == 0 and f"imported room {room_id}" in out and "29 files" in out, out

    a = build_app(Settings.load({"data_dir": data_a, "workers": 0}, env={}))
    b = build_app(Settings.load({"data_dir": vessel, "workers": 0}, env={}))
    assert b.rooms.get(room_id) == a.rooms.get(room_id)
    assert b.rooms.readiness(room_id) == a.rooms.readiness(room_id)
    assert b.rooms.parties_of(room_id) == a.rooms.parties_of(room_id)
    lists_a, lists_b = a.checklists.views_of(room_id), b.checklists.views_of(room_id)
    assert lists_b["set"]["key"] == lists_a["set"]["key"]  # installed here at its own time: the rest is the same
    assert {**lists_b, "set": None} == {**lists_a, "set": None}
    assert b.users.count() == 0  # parties came, accounts did not
    for version in (v for d in a.rooms.documents_of(room_id) for v in d["versions"]):
        copied = (b.documents.files_dir / version["file_id"]).read_bytes()
        assert hashlib.sha256(copied).hexdigest() == version["sha256"]
    entries = b.rooms.chain.entries(room_id)
    assert first_break(entries) is None  # both origins' chains check: the office's, and the vessel's import entry
    assert {e["origin"] for e in entries} == {a.rooms.chain.origin, b.rooms.chain.origin}
    actions = [e["action"] for e in b.rooms.activity_for(room_id, limit=200)]
    assert "room imported" in actions and "room pack exported" in actions

    code, out = run("room", "import", str(tmp_path / "pack.stsroom"), "--data-dir", str(vessel))
    assert code == 0 and f"merged room {room_id}" in out and "0 fields taken" in out and "0 conflicts" in out, out


@pytest.mark.parametrize(("what", "make", "reason"), BAD_PACKS, ids=[case[0] for case in BAD_PACKS])
def test_a_bad_pack_is_refused_with_one_line_and_nothing_changes(
        office: tuple[Path, str, bytes], tmp_path: Path, what: str, make: Callable[[bytes], bytes],
        reason: str) -> None:
    _data, _room_id, pack = office
    vessel = tmp_path / "vessel"
    good = tmp_path / "good.stsroom"
    good.write_bytes(pack)
    assert run("room", "trust", str(good), "--data-dir", str(vessel))[0] == 0
    before = tree_digest(vessel)
    bad = tmp_path / "bad.stsroom"
    bad.write_bytes(make(pack))
    code, out = run("room", "import", str(bad), "--data-dir", str(vessel))
    assert code == 1 and reason in out, out
    assert out.count("\n") == 1 and out.startswith("Error: bad.stsroom refused: "), out
    assert tree_digest(vessel) == before, what


def test_limits_come_from_the_upload_settings(office: tuple[Path, str, bytes], tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    _data, _room_id, pack = office
    (tmp_path / "pack.stsroom").write_bytes(pack)
    vessel = str(tmp_path / "vessel")
    monkeypatch.setenv("STS_MAX_PACK_MB", "1")
    monkeypatch.setenv("STS_MAX_UPLOAD_MB", "1")
    code, out = run("room", "import", str(tmp_path / "pack.stsroom"), "--trust", "--data-dir", vessel)
    assert code == 0, out  # the demo room is 120 KB
    big = tmp_path / "big.stsroom"
    from tests.pack_files import entries, rezip

    files = entries(pack)
    files["documents/" + "f" * 32] = b"\0" * (1024 * 1024 + 1)
    big.write_bytes(rezip(files))
    code, out = run("room", "import", str(big), "--data-dir", vessel)
    assert code == 1 and "over the 1048576 byte limit for one file (max_upload_mb)" in out, out
