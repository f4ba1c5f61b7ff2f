"""The installation's signing secret (API tokens and browser session cookies), kept in the secrets folder (the data
folder unless ``secrets_dir`` is set); every web node of a cluster needs the same one."""

from __future__ import annotations

import os
import secrets

from .layout import DataLayout


def secret_key(layout: DataLayout) -> str:
    """The secret, generated once (mode 0600) and read back at every start."""
    path = layout.secret_file
    if path.exists():
        key = path.read_text().strip()
        if len(key) >= 32:
            return key
    key = secrets.token_urlsafe(48)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    os.chmod(path, 0o600)
    return key
