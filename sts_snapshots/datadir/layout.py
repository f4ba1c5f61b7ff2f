"""The data folder's layout: every folder and file name in it (the deployment guide's names)."""

from __future__ import annotations

import hashlib
import os
import re
import socket
import tempfile
from dataclasses import dataclass
from pathlib import Path


class DataDirError(RuntimeError):
    """The data folder (or a folder inside it) cannot be used."""


@dataclass(frozen=True)
class DataLayout:
    """The data folder ``root``; with ``files_dir`` the uploads (documents, snapshot PDFs, the PDF cache) are there
    instead (in the distributed mode a folder every node mounts), and with ``secrets_dir`` the secret key, the
    installation id and the signing identity (a folder of this node's own, 0700). Store files stay in ``root``."""

    root: Path
    files_dir: Path | None = None
    secrets_dir: Path | None = None

    @property
    def uploads(self) -> Path:
        return self.files_dir or self.root / "uploads"

    @property
    def secrets(self) -> Path:
        """The folder of ``secret.key``, ``installation.id`` and ``signing/``: ``secrets_dir``, or ``root``."""
        return self.secrets_dir or self.root

    @property
    def documents(self) -> Path:
        return self.uploads / "documents"

    @property
    def snapshots(self) -> Path:
        return self.uploads / "snapshots"

    def snapshot_pdf(self, snapshot_id: str) -> Path:
        """A snapshot's PDF (``snapshot_id`` is a checked id: see :mod:`sts_snapshots.domain.ids`)."""
        return self.snapshots / f"{snapshot_id}.pdf"

    @property
    def pdf_cache(self) -> Path:
        return self.uploads / ".pdf_cache"

    @property
    def tasks(self) -> Path:
        return self.root / "uploads" / ".tasks"  # a store file, not an upload: in the data folder even with files_dir

    @property
    def metrics(self) -> Path:
        """This node's own metrics: in its data folder; with ``files_dir``, its folder in :attr:`cluster_metrics`."""
        if self.cluster_metrics is None:
            return self.root / "uploads" / ".metrics"
        return self.cluster_metrics / self.node_name

    @property
    def cluster_metrics(self) -> Path | None:
        """With ``files_dir`` (the distributed mode's shared folder): one folder per node, so the dashboard of any web
        node sums the requests of every web node and the generations of every render node. None without it."""
        return self.files_dir / ".metrics" if self.files_dir is not None else None

    @property
    def node_name(self) -> str:
        """This node among its cluster's: the host name and a digest of its data folder (two nodes may share a host),
        the same at every start.

        >>> a, b = DataLayout(Path("/srv/a")).node_name, DataLayout(Path("/srv/b")).node_name
        >>> a != b and a == DataLayout(Path("/srv/a")).node_name and len(a) <= 64
        True
        """
        host = re.sub(r"[^A-Za-z0-9_-]", "-", socket.gethostname())[:40] or "node"
        digest = hashlib.sha256(str(self.root.resolve()).encode()).hexdigest()[:8]
        return f"{host}-{digest}"

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
    def room_records(self) -> Path:
        """Each room's record with its vessels, parties, documents and approvals: one TinyDB file per room."""
        return self.db / "rooms"

    @property
    def checklist_records(self) -> Path:
        """Each room's checklists and the template set it uses: one TinyDB file per room (the installed template
        sets are in ``db/checklists.json``)."""
        return self.db / "checklists"

    @property
    def task_records(self) -> Path:
        """The background task records, spread by id over at most 256 TinyDB files (a lookup reads one)."""
        return self.tasks / "by-id"

    @property
    def activity(self) -> Path:
        """The activity log, one TinyDB file per room (``<room_id>.json``)."""
        return self.db / "activity"

    @property
    def audit(self) -> Path:
        """Downloads and other reads worth recording: one append-only JSON-lines file per room."""
        return self.db / "audit"

    @property
    def nicegui_storage(self) -> Path:
        return self.root / ".nicegui"

    @property
    def secret_file(self) -> Path:
        return self.secrets / "secret.key"

    @property
    def installation_id_file(self) -> Path:
        """This installation's id, made once: the origin of the activity chains it writes."""
        return self.secrets / "installation.id"

    @property
    def signing(self) -> Path:
        """The installation's CA and signing certificates and their keys (keys 0600): see ``sts_snapshots.signing``."""
        return self.secrets / "signing"

    @property
    def lock_file(self) -> Path:
        return self.root / "server.lock"

    @property
    def start_marker(self) -> Path:
        """Written by every server start (see :mod:`.marker`): ``verify`` reads the log from there on."""
        return self.logs / "last-start.json"

    def folders(self) -> list[Path]:
        return [self.root, self.secrets, self.uploads, self.documents, self.snapshots, self.pdf_cache, self.tasks,
                self.metrics,
                self.logs, self.db, self.snapshot_records, self.activity, self.room_records, self.checklist_records,
                self.task_records,
                self.audit, self.nicegui_storage]

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
        if self.secrets_dir is not None and os.name == "posix":
            os.chmod(self.secrets_dir, 0o700)  # its files are made 0600 (secret.py, atomic.py)
