"""PostgreSQL's failures in one readable line: where (host, port, database) and what failed, never the password."""

from __future__ import annotations

import re

import psycopg
import psycopg_pool
from psycopg.conninfo import conninfo_to_dict

from .interface import StoreSetupError

# libpq's words -> ours; the first that matches names the failure
REASONS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"password authentication failed|no password supplied|authentication failed", re.I),
     "authentication failed (check the user and password in STS_DATABASE_URL)"),
    (re.compile(r'role "(?P<name>[^"]*)" does not exist', re.I),
     'authentication failed (the server has no user "{name}")'),
    (re.compile(r'database "(?P<name>[^"]*)" does not exist', re.I),
     'the database "{name}" does not exist (create it, or fix the name in STS_DATABASE_URL)'),
    (re.compile(r"connection refused", re.I),
     "connection refused (is PostgreSQL running there and accepting TCP/IP connections?)"),
    (re.compile(r"could not translate host name|failed to resolve host|name or service not known|"
                r"nodename nor servname", re.I), "the host name cannot be resolved"),
    (re.compile(r"timeout expired|timed out", re.I), "no answer in time (a firewall, or the wrong host or port?)"),
    (re.compile(r"no pg_hba\.conf entry", re.I), "the server's pg_hba.conf does not let this client connect"),
    (re.compile(r"too many clients|remaining connection slots", re.I), "the server has no connection slots left"),
    (re.compile(r"starting up|shutting down|in recovery mode", re.I), "the server is starting up or shutting down"),
    (re.compile(r"No such file or directory", re.I), "no server at that socket (is PostgreSQL running?)"),
]


def target_of(url: str) -> str:
    """Where ``url`` points, without its password.

    >>> target_of("postgresql://sts:secret@db.example:5433/clearance")
    'PostgreSQL at db.example:5433 (database clearance)'
    >>> target_of("postgresql:///sts")
    'PostgreSQL at localhost:5432 (database sts)'
    """
    params = conninfo_to_dict(url)
    host = str(params.get("host") or params.get("hostaddr") or "localhost")
    port = str(params.get("port") or "5432")
    database = str(params.get("dbname") or params.get("user") or "?")
    return f"PostgreSQL at {host}:{port} (database {database})"


def reason_of(exc: BaseException) -> str:
    """What failed, in a few words.

    >>> reason_of(psycopg.OperationalError('connection failed: connection to server at "127.0.0.1", port 1 failed: '
    ...                                    'Connection refused\\n\\tIs the server running on that host?'))
    'connection refused (is PostgreSQL running there and accepting TCP/IP connections?)'
    >>> reason_of(psycopg.OperationalError('connection failed: ...: FATAL:  database "nope" does not exist'))
    'the database "nope" does not exist (create it, or fix the name in STS_DATABASE_URL)'
    >>> reason_of(psycopg.OperationalError("server closed the connection unexpectedly\\nThis probably means..."))
    'server closed the connection unexpectedly'
    """
    if isinstance(exc, psycopg_pool.PoolTimeout):
        return "no connection came in time (the server does not answer, or every connection is busy)"
    text = str(exc)
    for pattern, reason in REASONS:
        found = pattern.search(text)
        if found:
            return reason.format(**found.groupdict())
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    last = lines[0] if lines else exc.__class__.__name__
    return re.sub(r"^.*?(FATAL|ERROR):\s*", "", last).rstrip(".") or exc.__class__.__name__


def is_connection_failure(exc: BaseException) -> bool:
    """Whether ``exc`` says the database cannot be reached (a lost connection, no connection from the pool, a
    server shutting down), rather than that a statement failed."""
    if isinstance(exc, psycopg_pool.PoolTimeout | psycopg_pool.PoolClosed):
        return True
    if not isinstance(exc, psycopg.OperationalError):
        return False
    state = exc.sqlstate
    return state is None or state.startswith("08") or state in ("57P01", "57P02", "57P03")


def check_reachable(url: str, timeout_s: int = 5) -> str:
    """Connect once to ``url``; the target's description (for later messages).

    :raises StoreSetupError: one line: which server, and what failed.
    """
    try:
        target = target_of(url)
    except psycopg.Error as exc:
        raise StoreSetupError(f"STS_DATABASE_URL cannot be read: {reason_of(exc)}") from None
    try:
        with psycopg.connect(url, connect_timeout=timeout_s, autocommit=True) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        raise StoreSetupError(f"Cannot use {target}: {reason_of(exc)}") from None
    return target
