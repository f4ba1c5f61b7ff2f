from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.server_process import Fleet


@pytest.fixture
def fleet(tmp_path: Path) -> Iterator[Fleet]:
    """Starts real server processes; afterwards every one of them, and all they spawned, is killed."""
    started = Fleet(tmp_path)
    try:
        yield started
    finally:
        started.cleanup()
    left = started.processes()
    assert not left, f"processes left behind: {left}"
