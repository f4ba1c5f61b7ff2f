"""The activity log's hash chain: one per (room, origin installation), each entry sealing the one before.

``hash = sha256(previous hash (hex, ASCII) ‖ canonical JSON of the entry without its hash)``; the first entry's
previous hash is 64 zeros. Canonical JSON: keys sorted, no spaces, UTF-8. Anyone can re-compute it.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
CHAIN_FIELDS = ("origin", "seq", "hash", "migrated")


@dataclass(frozen=True)
class ChainHead:
    origin: str
    count: int
    hash: str
    started: str  # when the chain began (the migration's date for entries chained after the fact)
    migrated_count: int  # entries chained at migration, not when they were written

    def label(self) -> str:
        """The cover's and verify's words for a chain begun after the fact."""
        if not self.migrated_count:
            return f"chain started {self.started[:10]}"
        return f"chain started {self.started[:10]}; {self.migrated_count} earlier entries chained at migration"


def canonical(entry: Mapping[str, Any]) -> bytes:
    """The entry as the hash sees it.

    >>> canonical({"b": 1, "a": "é", "hash": "x"})
    b'{"a":"\\xc3\\xa9","b":1}'
    """
    body = {k: v for k, v in entry.items() if k != "hash"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def link(previous: str, entry: Mapping[str, Any]) -> str:
    return hashlib.sha256(previous.encode("ascii") + canonical(entry)).hexdigest()


def seal(entry: Mapping[str, Any], origin: str, previous: tuple[int, str], migrated: str = "") -> dict[str, Any]:
    """``entry`` as the next link after ``previous`` (its seq and hash) of ``origin``'s chain.

    >>> first = seal({"id": "a"}, "inst1", (0, GENESIS))
    >>> first["seq"], first_break([first]) is None, first_break([{**first, "id": "b"}])[1]
    (1, True, 'b')
    """
    sealed = {**entry, "origin": origin, "seq": previous[0] + 1}
    if migrated:
        sealed["migrated"] = migrated
    sealed["hash"] = link(previous[1], sealed)
    return sealed


def by_origin(entries: Iterable[Mapping[str, Any]]) -> dict[str, list[Mapping[str, Any]]]:
    chains: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for entry in entries:
        if "hash" in entry:
            chains[str(entry.get("origin", ""))].append(entry)
    for chain in chains.values():
        chain.sort(key=lambda e: e.get("seq", 0) if isinstance(e.get("seq"), int) else 0)
    return dict(chains)


def first_break(entries: Iterable[Mapping[str, Any]]) -> tuple[str, str, str] | None:
    """(origin, entry id, what is wrong) of the first entry that does not match, or None when every chain holds."""
    for origin, chain in sorted(by_origin(entries).items()):
        previous = GENESIS
        for position, entry in enumerate(chain, start=1):
            entry_id = str(entry.get("id", "?"))
            if entry.get("seq") != position:
                return origin, entry_id, f"is #{entry.get('seq')} where #{position} belongs (an entry missing?)"
            if link(previous, entry) != entry.get("hash"):
                return origin, entry_id, f"#{position} does not match its hash (changed after it was written)"
            previous = str(entry["hash"])
    return None


def head_of(entries: Iterable[Mapping[str, Any]], origin: str) -> tuple[int, str]:
    """(seq, hash) of ``origin``'s last link, or (0, GENESIS)."""
    chain = by_origin(entries).get(origin, [])
    return (int(chain[-1]["seq"]), str(chain[-1]["hash"])) if chain else (0, GENESIS)


def heads(entries: Iterable[Mapping[str, Any]]) -> list[ChainHead]:
    found = []
    for origin, chain in sorted(by_origin(entries).items()):
        migrated = [e for e in chain if e.get("migrated")]
        started = str(migrated[0]["migrated"] if migrated else chain[0].get("at", ""))
        found.append(ChainHead(origin=origin, count=len(chain), hash=str(chain[-1]["hash"]), started=started,
                               migrated_count=len(migrated)))
    return found
