"""Folders only this user may read: NiceGUI's session storage holds who is signed in."""

from __future__ import annotations

import os
from pathlib import Path


def make_private(folder: Path) -> None:
    """The folder 0700 and every file in it 0600 (a no-op where POSIX modes do not apply).

    >>> import tempfile, stat
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     (Path(tmp) / "a.json").write_text("{}")
    ...     make_private(Path(tmp))
    ...     oct(stat.S_IMODE((Path(tmp) / "a.json").stat().st_mode)) if os.name == "posix" else "0o600"
    2
    '0o600'
    """
    if os.name != "posix" or not folder.is_dir():
        return
    os.chmod(folder, 0o700)
    for path in folder.iterdir():
        try:
            if path.is_file() and not path.is_symlink():
                os.chmod(path, 0o600)
        except FileNotFoundError:  # a temporary file NiceGUI just renamed
            pass
