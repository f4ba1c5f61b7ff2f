"""Where files and secrets go: in the data folder by default (unchanged); uploads in ``files_dir`` (a folder every
node shares) and the secret key, installation id and signing identity in ``secrets_dir`` (0700, files 0600)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from sts_snapshots.app import build_app
from sts_snapshots.datadir import DataDirError, DataLayout
from sts_snapshots.datadir.installation import installation_id
from sts_snapshots.datadir.secret import secret_key
from sts_snapshots.settings import Settings
from sts_snapshots.signing import SignerConfig, ensure_identity, load_signer


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_default_layout_is_unchanged(tmp_path: Path) -> None:
    layout = DataLayout(tmp_path)
    assert layout.uploads == tmp_path / "uploads" and layout.documents == tmp_path / "uploads" / "documents"
    assert layout.snapshot_pdf("s1") == tmp_path / "uploads" / "snapshots" / "s1.pdf"
    assert layout.pdf_cache == tmp_path / "uploads" / ".pdf_cache"
    assert layout.tasks == tmp_path / "uploads" / ".tasks" and layout.metrics == tmp_path / "uploads" / ".metrics"
    assert layout.secret_file == tmp_path / "secret.key" and layout.signing == tmp_path / "signing"
    assert layout.installation_id_file == tmp_path / "installation.id"


def test_files_and_secrets_folders_move_out_of_the_data_folder(tmp_path: Path) -> None:
    layout = DataLayout(tmp_path / "data", files_dir=tmp_path / "shared", secrets_dir=tmp_path / "secrets")
    layout.prepare()
    assert layout.documents == tmp_path / "shared" / "documents"
    assert layout.pdf_cache == tmp_path / "shared" / ".pdf_cache"
    assert layout.tasks.is_relative_to(tmp_path / "data")
    # each node's metrics in a folder of its own under the shared one, where every web node's dashboard reads them
    assert layout.metrics == tmp_path / "shared" / ".metrics" / layout.node_name
    assert layout.db == tmp_path / "data" / "db"
    key = secret_key(layout)
    assert installation_id(layout) == installation_id(layout)
    ensure_identity(layout, "Test Shipping Ltd", host="testhost")
    assert (tmp_path / "secrets" / "secret.key").read_text() == key
    assert sorted(p.name for p in (tmp_path / "secrets").iterdir()) == ["installation.id", "secret.key", "signing"]
    assert not any(p.name in ("secret.key", "installation.id", "signing") for p in (tmp_path / "data").iterdir())
    assert not list((tmp_path / "shared").rglob("*.key"))
    if os.name == "posix":
        assert mode(tmp_path / "secrets") == 0o700 and mode(tmp_path / "secrets" / "signing") == 0o700
        assert mode(tmp_path / "secrets" / "secret.key") == 0o600
        assert mode(tmp_path / "secrets" / "installation.id") == 0o600
        assert {mode(p) for p in (tmp_path / "secrets" / "signing").glob("*.key")} == {0o600}
    # a render worker finds the signing key from its config alone
    signer = load_signer(SignerConfig.of(layout.root, secrets_dir=layout.secrets_dir))
    assert "Test Shipping Ltd" in signer.subject


def test_the_app_puts_uploads_in_files_dir_and_secrets_in_secrets_dir(tmp_path: Path) -> None:
    settings = Settings.load({"data_dir": tmp_path / "data", "files_dir": str(tmp_path / "shared"),
                              "secrets_dir": str(tmp_path / "secrets"), "workers": 0, "demo": False}, env={})
    sts = build_app(settings)
    assert sts.layout.documents == tmp_path / "shared" / "documents" and sts.layout.documents.is_dir()
    assert (tmp_path / "secrets" / "secret.key").read_text().strip() == sts.secret
    assert (tmp_path / "secrets" / "installation.id").read_text().strip() == sts.rooms.chain.origin
    assert (tmp_path / "secrets" / "signing" / "ca.pem").exists()
    assert not (tmp_path / "data" / "secret.key").exists() and not (tmp_path / "data" / "signing").exists()
    if os.name == "posix":
        assert all(mode(p) == 0o600 for p in (tmp_path / "secrets").iterdir() if p.is_file())
    sts.stores.close()


@pytest.mark.parametrize("kind", ["files_dir", "secrets_dir"])
def test_an_unwritable_folder_is_named(tmp_path: Path, kind: str) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    settings = Settings.load({"data_dir": tmp_path / "data", kind: str(blocker / "sub"), "demo": False}, env={})
    with pytest.raises(DataDirError, match="not-a-folder"):
        build_app(settings)
