"""The data folder's layout (the deployment guide's names) and its secret key."""

from __future__ import annotations

import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path


class DataDirError(RuntimeError):
    """The data folder (or a folder inside it) cannot be used."""


@dataclass(frozen=True)
class DataLayout:
    root: Path

    @property
    def uploads(self) -> Path:
        return self.root / "uploads"

    @property
    def documents(self) -> Path:
        return self.uploads / "documents"

    @property
    def snapshots(self) -> Path:
        return self.uploads / "snapshots"

    @property
    def pdf_cache(self) -> Path:
        return self.uploads / ".pdf_cache"

    @property
    def tasks(self) -> Path:
        return self.uploads / ".tasks"

    @property
    def metrics(self) -> Path:
        return self.uploads / ".metrics"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def log_file(self) -> Path:
        return self.logs / "backend.log"

    @property
    def db(self) -> Path:
        return self.root / "db"

    @property
    def snapshot_records(self) -> Path:
        """The snapshot records, one TinyDB file per room (``<room_id>.json``); the PDFs are in ``snapshots``."""
        return self.db / "snapshots"

    @property
    def activity(self) -> Path:
        """The activity log, one TinyDB file per room (``<room_id>.json``)."""
        return self.db / "activity"

    @property
    def nicegui_storage(self) -> Path:
        return self.root / ".nicegui"

    @property
    def secret_file(self) -> Path:
        return self.root / "secret.key"

    @property
    def lock_file(self) -> Path:
        return self.root / "server.lock"

    def folders(self) -> list[Path]:
        return [self.root, self.uploads, self.documents, self.snapshots, self.pdf_cache, self.tasks, self.metrics,
                self.logs, self.db, self.snapshot_records, self.activity,
                self.nicegui_storage]

    def prepare(self) -> None:
        """Create every folder and prove each is writable; raise :class:`DataDirError` naming the first that is not."""
        for folder in self.folders():
            try:
                folder.mkdir(parents=True, exist_ok=True)
                with tempfile.TemporaryFile(dir=folder):
                    pass
            except OSError as exc:
                raise DataDirError(f"The folder {folder} cannot be written: {exc.strerror or exc}. "
                                   f"Choose another with --data-dir or fix its permissions.") from None

    def is_empty(self) -> bool:
        return not self.root.exists() or not any(self.db.glob("*.json"))

    def secret_key(self) -> str:
        """The app's signing secret, generated once (mode 0600) and kept in the data folder."""
        path = self.secret_file
        if path.exists():
            key = path.read_text().strip()
            if len(key) >= 32:
                return key
        key = secrets.token_urlsafe(48)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(key)
        os.chmod(path, 0o600)
        return key
