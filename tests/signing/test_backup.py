"""Backup and restore carry the signing identity: a restored installation still verifies its own snapshots."""

from __future__ import annotations

import stat
from pathlib import Path

from sts_snapshots.datadir import DataLayout
from sts_snapshots.ops.backup import create_backup
from sts_snapshots.ops.restore import restore_backup
from sts_snapshots.signing import load_identity
from sts_snapshots.signing.verify import check_pdf

from .pdfs import signed_pdf


def test_the_keys_travel_in_the_backup_and_come_back_0600(tmp_path: Path) -> None:
    source = DataLayout(tmp_path / "data")
    source.prepare()
    pdf = signed_pdf(source.root)
    result = create_backup(source, tmp_path / "b.tar.gz")
    restored = restore_backup(result.path, tmp_path / "restored").data_dir
    layout = DataLayout(restored)
    assert load_identity(layout).current_info == load_identity(source).current_info
    keys = sorted(layout.signing.glob("*.key"))
    assert len(keys) == 2
    assert all(stat.S_IMODE(path.stat().st_mode) == 0o600 for path in keys)
    assert check_pdf(pdf, layout).certificate == "current"
