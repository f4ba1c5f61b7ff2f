"""Store files as an earlier run (or a crash) left them: records changed on disk, not through the services."""

from __future__ import annotations

from typing import Any

from sts_snapshots.datadir import DataLayout
from sts_snapshots.store import Database, ShardedTable, hashed_key


def edit_task(layout: DataLayout, task_id: str, changes: dict[str, Any]) -> None:
    ShardedTable(layout.task_records, "tasks").shard(hashed_key(task_id)).update(task_id, changes)


def task_ids(layout: DataLayout) -> set[str]:
    tasks = ShardedTable(layout.task_records, "tasks")
    return {t["task_id"] for key in tasks.keys() for t in tasks.shard(key).all()}


def edit_cache_entry(layout: DataLayout, key: str, changes: dict[str, Any]) -> None:
    Database(layout.pdf_cache / "index.json").table("entries").update(key, changes)


def cache_entry(layout: DataLayout, key: str) -> dict[str, Any] | None:
    return Database(layout.pdf_cache / "index.json").table("entries").get(key)
