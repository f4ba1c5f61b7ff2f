"""The PostgreSQL schema, versioned: made or brought up to date at every start, by one node at a time.

Every table is named ``sts_*`` (Procrastinate's are ``procrastinate_*``, in the same database). A record is a jsonb
document keyed by (store, table, shard key, id); ``ord`` keeps the insertion order the TinyDB backend has.
"""

from __future__ import annotations

import hashlib

import psycopg

from .interface import StoreSetupError

MIGRATIONS: list[list[str]] = [
    [  # version 1
        "CREATE SEQUENCE sts_record_order",
        """CREATE TABLE sts_records (
            store text NOT NULL,
            tbl text NOT NULL,
            shard text NOT NULL,
            id text NOT NULL,
            ord bigint NOT NULL DEFAULT nextval('sts_record_order'),
            doc jsonb NOT NULL,
            PRIMARY KEY (store, tbl, shard, id))""",
        "CREATE INDEX sts_records_order ON sts_records (store, tbl, shard, ord)",
        # find(room_id=..., email=...) is doc @> '{"room_id": ...}': one index for every field of every table
        "CREATE INDEX sts_records_doc ON sts_records USING gin (doc jsonb_path_ops)",
        """CREATE TABLE sts_log (
            store text NOT NULL,
            key text NOT NULL,
            ord bigint GENERATED ALWAYS AS IDENTITY,
            doc jsonb NOT NULL,
            PRIMARY KEY (store, key, ord))""",
        """CREATE TABLE sts_cluster (
            name text PRIMARY KEY,
            value text NOT NULL,
            since timestamptz NOT NULL DEFAULT now())""",
        """CREATE TABLE sts_login_attempts (
            ref bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            scope text NOT NULL,
            address text NOT NULL,
            account text,
            at double precision NOT NULL)""",
        "CREATE INDEX sts_login_attempts_address ON sts_login_attempts (scope, address, at)",
        "CREATE INDEX sts_login_attempts_at ON sts_login_attempts (at)",
    ],
    [  # version 2: what grows with the rooms split per room (see store/shards.py), the tasks per hashed id
        "CREATE INDEX sts_records_shard ON sts_records (store, shard)",
        "UPDATE sts_records SET shard = doc->>'id' WHERE store = 'rooms' AND tbl = 'rooms' AND shard = ''",
        "UPDATE sts_records SET shard = doc->>'room_id' WHERE store = 'rooms' AND shard = ''"
        " AND tbl IN ('vessels', 'parties', 'documents', 'approvals')",
        "UPDATE sts_records SET store = 'room_checklists', shard = doc->>'id'"
        " WHERE store = 'checklists' AND tbl = 'room_sets' AND shard = ''",
        "UPDATE sts_records SET store = 'room_checklists', shard = doc->>'room_id'"
        " WHERE store = 'checklists' AND tbl = 'checklists' AND shard = ''",
        "UPDATE sts_records SET shard = left(md5(id), 2) WHERE store = 'tasks' AND tbl = 'tasks' AND shard = ''",
    ],
]
LATEST = len(MIGRATIONS)


def lock_key(*parts: str) -> int:
    """A signed 64-bit advisory lock key for ``parts``, the same on every node.

    >>> lock_key("rooms") == lock_key("rooms"), lock_key("rooms") == lock_key("users"), -2**63 <= lock_key("x") < 2**63
    (True, False, True)
    """
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=8, person=b"sts-lock").digest()
    return int.from_bytes(digest, "big", signed=True)


SCHEMA_LOCK = lock_key("sts-schema")


def ensure_schema(conn: psycopg.Connection, target: str) -> int:
    """Bring the schema to :data:`LATEST` in one transaction, holding an advisory lock so that nodes starting at
    once wait for each other (the second finds it done). Returns the version found before.

    :raises StoreSetupError: the database has a newer schema than this version of the app knows.
    """
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
        conn.execute("CREATE TABLE IF NOT EXISTS sts_schema (version integer PRIMARY KEY, "
                     "applied_at timestamptz NOT NULL DEFAULT now())")
        row = conn.execute("SELECT coalesce(max(version), 0) FROM sts_schema").fetchone()
        found = int(row[0]) if row else 0
        if found > LATEST:
            raise StoreSetupError(f"{target} has the schema of a newer STS Snapshots (version {found}; this one knows "
                                  f"{LATEST}): upgrade this node")
        for version in range(found + 1, LATEST + 1):
            for statement in MIGRATIONS[version - 1]:
                conn.execute(statement)
            conn.execute("INSERT INTO sts_schema (version) VALUES (%s)", (version,))
    return found
