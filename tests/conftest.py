from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from sts_snapshots.settings import Settings
from tests.harness import Harness, running_app
from tests.pgcluster import Cluster, running_cluster


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for one test: its own data folder, rendering inline (no worker processes), demo data."""
    return Settings.load({"data_dir": tmp_path / "data", "workers": 0, "open_browser": False}, env={})


@pytest.fixture
async def harness(settings: Settings, caplog: pytest.LogCaptureFixture,
                  request: pytest.FixtureRequest) -> AsyncIterator[Harness]:
    """The whole app in-process; like NiceGUI's own ``user`` fixture, an ERROR log fails the test unless marked."""
    async with running_app(settings) as running:
        yield running
    errors = [r.getMessage() for r in caplog.get_records("call") if r.levelname == "ERROR"]
    if errors and request.node.get_closest_marker("allow_error_logs") is None:
        pytest.fail(f"unexpected ERROR logs: {errors}", pytrace=False)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """One throwaway PostgreSQL cluster for the whole run (tests/pgcluster.py), stopped at the end, pass or fail."""
    with running_cluster() as cluster:
        yield cluster


@pytest.fixture
def pg_url(pg_cluster: Cluster) -> str:
    """The URL of a new empty database in the test cluster, for one test."""
    return pg_cluster.new_database()
