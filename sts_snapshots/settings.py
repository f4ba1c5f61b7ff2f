"""Every setting, declared once: name, type, default and help.

The same declarations feed the CLI's ``--help``, the README table (a test checks it) and
the precedence rule: CLI flag > ``STS_*`` environment variable > default.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import platformdirs

from .domain.report_model import DEFAULT_ACTIVITY_LIMIT

ENV_PREFIX = "STS_"


class SettingsError(ValueError):
    """A setting has a value that cannot be used."""


def _default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("sts-snapshots", appauthor=False))


def _setting(default: Any, help: str, **kw: Any) -> Any:
    if callable(default):
        return field(default_factory=default, metadata={"help": help})
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Settings:
    """The app's whole configuration; build it with :meth:`Settings.load`."""

    host: str = _setting("127.0.0.1", "Address to listen on. 127.0.0.1 keeps the app on this computer; "
                                      "0.0.0.0 opens it to the LAN.")
    port: int = _setting(8000, "TCP port of the web UI and the REST API.")
    data_dir: Path = _setting(_default_data_dir,
                              "Folder for the stores, uploads, snapshots, PDF cache, logs and secret key.")
    log_level: str = _setting("INFO", "Logging level: DEBUG, INFO, WARNING or ERROR.")
    demo: bool = _setting(True, "Seed a demo room and demo users into an empty data folder.")
    open_browser: bool = _setting(True, "Open the browser when the server starts (serve only).")
    native: bool = _setting(False, "Show the app in a native window (needs the [native] extra); "
                                   "falls back to the browser.")
    workers: int = _setting(2, "PDF render worker processes; 0 renders in threads of the server process "
                               "(tests only).")
    max_concurrent_generations: int = _setting(2, "Snapshots generated at once; the rest wait as pending.")
    worker_recycle_after: int = _setting(20, "A render worker process is replaced after this many jobs "
                                             "(borb caches grow).")
    worker_priority: int = _setting(10, "Niceness (0-19) added to render worker processes, so that the API and UI "
                                        "get the CPU first while PDFs render; 0 = the server's priority.")
    max_task_attempts: int = _setting(2, "Times a task interrupted by a crash is started again before it is "
                                         "marked failed.")
    memory_cache_mb: int = _setting(64, "Size limit of the in-memory PDF cache (LRU, by bytes).")
    disk_cache_mb: int = _setting(512, "Size limit of the on-disk PDF cache in uploads/.pdf_cache (oldest evicted).")
    max_upload_mb: int = _setting(50, "Largest document upload accepted; larger ones get 413.")
    max_pack_mb: int = _setting(2048, "Largest room pack imported (its files together); each file in it may be at most "
                                      "max_upload_mb.")
    include_max_file_pages: int = _setting(200, "A PDF included in a snapshot with more pages than this is listed "
                                                "as not included (its pages are not appended).")
    include_max_total_pages: int = _setting(1000, "Pages of included documents one snapshot appends at most; files "
                                                  "beyond it are listed as not included.")
    include_max_file_mb: int = _setting(50, "An included document larger than this is listed as not included.")
    include_max_file_seconds: int = _setting(10, "Seconds a render worker spends reading one included document at "
                                                 "most; a slower one is listed as not included.")
    token_ttl_minutes: int = _setting(720, "Lifetime of an API access token.")
    trusted_proxies: str = _setting("", "Comma-separated addresses of reverse proxies whose X-Forwarded-For header "
                                        "names the client (for login throttling); empty trusts none.")
    cleanup_hour: int = _setting(2, "Local hour (0-23) of the daily cleanup job.")
    sync_interval_minutes: int = _setting(0, "Sync the rooms both sides have with every paired installation this "
                                             "often (minutes); 0 = off (sync by hand: sts-snapshots sync).")
    pairing_code_hours: int = _setting(24, "A pairing code (sts-snapshots peer pair-code) no installation used within "
                                           "this many hours expires: its sync token is refused.")
    task_retention_hours: int = _setting(24, "Finished tasks older than this are removed by cleanup.")
    cache_retention_hours: int = _setting(72, "PDF cache entries older than this are removed by cleanup.")
    metrics_retention_hours: int = _setting(168, "Metrics older than this are removed by cleanup.")
    min_free_disk_mb: int = _setting(1024, "verify fails when the data folder's disk has less free space than this.")
    report_activity_limit: int = _setting(DEFAULT_ACTIVITY_LIMIT,
                                          "Most activity entries a snapshot's report prints (the newest); it says "
                                          "how many it left out and where the whole log is.")
    organisation: str = _setting("STS Snapshots installation", "Organisation named (with the host name) in the "
                                 "installation's signing certificates, made at the first start.")
    signing_p12: str = _setting("", "A PKCS#12 file (.p12) of your own to sign snapshots with instead of the "
                                    "installation's certificate; its password is read from STS_SIGNING_P12_PASSWORD.")
    checklist_set: str = _setting("generic-sample", "Id of the installed checklist set a room gets when its "
                                                    "checklists are first used (the newest installed version).")
    timestamp_url: str = _setting("", "An RFC 3161 time-stamp server to add a document time-stamp to each snapshot; "
                                      "empty (the default) signs offline, without one.")
    cors_origins: str = _setting("", "Comma-separated origins (https://client.example) of a web client served "
                                     "elsewhere that may call the REST API with a bearer token; empty allows none.")
    database_url: str = _setting("", "postgresql://user:password@host:5432/db switches every store and the job queue "
                                     "to PostgreSQL (the distributed mode); empty (the default) keeps the embedded "
                                     "TinyDB files and the in-process scheduler.")
    files_dir: str = _setting("", "Folder of uploads, snapshot PDFs and the PDF cache; in the distributed mode one "
                                  "folder every node mounts (NFS or SMB). Empty: inside the data folder.")
    secrets_dir: str = _setting("", "Folder of the secret key, the signing key and the installation id (0600 files); "
                                    "in the distributed mode each node's own copy of the cluster's secrets. "
                                    "Empty: inside the data folder.")

    @classmethod
    def load(cls, cli: Mapping[str, Any] | None = None, env: Mapping[str, str] | None = None) -> Settings:
        """Combine CLI values (``None`` means not given), ``STS_*`` variables and defaults.

        >>> Settings.load({"port": 9000}, {"STS_PORT": "8500", "STS_HOST": "0.0.0.0"}).port
        9000
        >>> Settings.load({}, {"STS_HOST": "0.0.0.0"}).host
        '0.0.0.0'
        """
        cli = cli or {}
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for f in fields(cls):
            if cli.get(f.name) is not None:
                values[f.name] = _coerce(f.name, cli[f.name], f.type)
            elif (raw := env.get(ENV_PREFIX + f.name.upper())) is not None:
                values[f.name] = _coerce(f.name, raw, f.type)
        settings = cls(**values)
        settings.validate()
        return settings

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)

    @property
    def trusted_proxy_set(self) -> frozenset[str]:
        """The addresses of :attr:`trusted_proxies`.

        >>> sorted(Settings(trusted_proxies="10.0.0.1, ::1").trusted_proxy_set)
        ['10.0.0.1', '::1']
        """
        return parse_addresses(self.trusted_proxies)

    @property
    def cors_origin_list(self) -> list[str]:
        """The origins of :attr:`cors_origins`, without a trailing slash.

        >>> Settings(cors_origins="https://a.example/, http://localhost:5173").cors_origin_list
        ['https://a.example', 'http://localhost:5173']
        """
        return [o.strip().rstrip("/") for o in self.cors_origins.split(",") if o.strip()]

    def validate(self) -> None:
        if not 0 < self.port < 65536:
            raise SettingsError(f"port must be between 1 and 65535, not {self.port}")
        if self.log_level.upper() not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise SettingsError(f"log_level must be DEBUG, INFO, WARNING or ERROR, not {self.log_level!r}")
        try:
            parse_addresses(self.trusted_proxies)
        except ValueError as exc:
            raise SettingsError(f"trusted_proxies must be comma-separated IP addresses: {exc}") from None
        for origin in self.cors_origin_list:
            scheme, _, rest = origin.partition("://")
            if scheme not in ("http", "https") or not rest or "/" in rest:
                raise SettingsError(f"cors_origins must be origins like https://client.example, not {origin!r}")
        if self.database_url and not self.database_url.startswith(("postgresql://", "postgres://")):
            raise SettingsError("database_url must be a postgresql:// URL (or empty for the embedded store), "
                                f"not one starting {self.database_url.split(':', 1)[0]!r}")
        if not 0 <= self.cleanup_hour <= 23:
            raise SettingsError(f"cleanup_hour must be 0-23, not {self.cleanup_hour}")
        if not 0 <= self.worker_priority <= 19:
            raise SettingsError(f"worker_priority must be 0-19, not {self.worker_priority}")
        for name in ("workers", "max_task_attempts", "memory_cache_mb", "disk_cache_mb", "min_free_disk_mb",
                     "sync_interval_minutes"):
            if getattr(self, name) < 0:
                raise SettingsError(f"{name} must not be negative")
        for name in ("max_concurrent_generations", "worker_recycle_after", "max_upload_mb", "max_pack_mb",
                     "token_ttl_minutes", "pairing_code_hours",
                     "include_max_file_pages", "include_max_total_pages", "include_max_file_mb",
                     "include_max_file_seconds", "report_activity_limit"):
            if getattr(self, name) < 1:
                raise SettingsError(f"{name} must be at least 1")


def parse_addresses(text: str) -> frozenset[str]:
    """The addresses in a comma-separated list; :raises ValueError: one is not an IP address.

    >>> sorted(parse_addresses(" 10.0.0.1, ::1 ,"))
    ['10.0.0.1', '::1']
    """
    found = [part.strip() for part in text.split(",") if part.strip()]
    for address in found:
        ipaddress.ip_address(address)
    return frozenset(found)


def describe() -> list[tuple[str, str, str, str]]:
    """(name, environment variable, default, help) of every setting, for docs and ``--help``."""
    rows = []
    for f in fields(Settings):
        default = f.default if f.default is not dataclasses.MISSING else "platform user data folder"
        rows.append((f.name, ENV_PREFIX + f.name.upper(), str(default), f.metadata["help"]))
    return rows


def _coerce(name: str, value: Any, kind: Any) -> Any:
    kind = str(kind)
    try:
        if kind == "bool":
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in {"1", "true", "yes", "on"}:
                return True
            if text in {"0", "false", "no", "off"}:
                return False
            raise ValueError(value)
        if kind == "int":
            return int(value)
        if kind == "Path":
            return Path(value).expanduser()
        return str(value)
    except ValueError:
        raise SettingsError(f"setting {name} ({ENV_PREFIX}{name.upper()}): {value!r} is not a valid {kind}") from None
