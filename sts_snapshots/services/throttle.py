"""Slowing down password guessing: failures counted per (account, client address) and per address.

Counting per address as well as per account means a stranger guessing from one place cannot lock the
account's owner out elsewhere; an attempt takes its slot *before* the password is checked, so parallel
guesses cannot all slip in under the limit.

Two keepers of the counts behind one :class:`Throttle` interface: :class:`LoginThrottle` in the process's memory
(the embedded mode: one process), :class:`SharedLoginThrottle` in the database every web node shares (the
distributed mode), so a guesser cannot multiply the limits by the number of nodes.
"""

from __future__ import annotations

import ipaddress
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..store import AttemptLogLike

ACCOUNT_FAILURES = 5  # per account and address, within WINDOW_SECONDS
ADDRESS_FAILURES = 20  # per address, over all accounts
WINDOW_SECONDS = 60.0


class LockedOut(RuntimeError):
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(f"too many failed logins; try again in {int(seconds) + 1} s")


def client_address(peer: str | None, forwarded_for: str | None, trusted_proxies: Collection[str]) -> str:
    """The address a request came from: the peer's, unless the peer is a trusted proxy; then the nearest
    address in ``X-Forwarded-For`` that is not itself a trusted proxy (the ones further left can be forged).

    >>> client_address("10.0.0.9", "1.2.3.4", ())
    '10.0.0.9'
    >>> client_address("10.0.0.1", "6.6.6.6, 1.2.3.4", {"10.0.0.1"})
    '1.2.3.4'
    >>> client_address("10.0.0.1", "1.2.3.4, 10.0.0.2", {"10.0.0.1", "10.0.0.2"})
    '1.2.3.4'
    >>> client_address("10.0.0.1", "not an address", {"10.0.0.1"}), client_address(None, None, ())
    ('10.0.0.1', '')
    """
    address = peer or ""
    if address not in trusted_proxies or not forwarded_for:
        return address
    for hop in reversed([h.strip() for h in forwarded_for.split(",")]):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return address  # a malformed header: trust nothing of it
        address = hop
        if hop not in trusted_proxies:
            break
    return address


@dataclass
class Attempt:
    """One login attempt's slot; :meth:`Throttle.succeeded` gives it back."""

    account: str
    address: str
    at: float
    ref: int = 0  # the shared throttle's record of it


class Throttle(Protocol):
    def begin(self, account: str, address: str) -> Attempt:
        """Take a slot for one attempt, counted as a failure until it succeeds.

        :raises LockedOut: the account from this address, or this address, failed too often lately.
        """

    def succeeded(self, attempt: Attempt) -> None:
        """The password was right: forget this account's failures from this address, and the attempt's slot."""

    def forget(self, account: str) -> None:
        """Drop what is counted against ``account`` (it was removed)."""

    def counted(self) -> int:
        """How much is on record (memory or rows held)."""


def refusal(pair: list[float], from_address: list[float], now: float) -> LockedOut | None:
    """The lock-out when the (account, address) pair or the address has used up its attempts in the window.

    >>> refusal([1.0] * 5, [1.0] * 5, 11.0).seconds, refusal([1.0] * 4, [1.0] * 19, 11.0)
    (50.0, None)
    """
    for times, limit in ((pair, ACCOUNT_FAILURES), (from_address, ADDRESS_FAILURES)):
        if len(times) >= limit:
            return LockedOut(max(0.0, WINDOW_SECONDS - (now - times[-limit])))
    return None


@dataclass
class LoginThrottle:
    clock: Callable[[], float] = time.monotonic
    _by_account: dict[tuple[str, str], list[float]] = field(default_factory=dict)
    _by_address: dict[str, list[float]] = field(default_factory=dict)
    _guard: threading.Lock = field(default_factory=threading.Lock)
    _swept: float = float("-inf")

    def begin(self, account: str, address: str) -> Attempt:
        """Take a slot for one attempt, counted as a failure until it succeeds.

        :raises LockedOut: the account from this address, or this address, failed too often lately.
        """
        now = self.clock()
        with self._guard:
            self._sweep(now)
            pair = self._recent(self._by_account, (account, address), now)
            from_address = self._recent(self._by_address, address, now)
            refused = refusal(pair, from_address, now)
            if refused is not None:
                raise refused
            pair.append(now)
            from_address.append(now)
        return Attempt(account, address, now)

    def succeeded(self, attempt: Attempt) -> None:
        """The password was right: forget this account's failures from this address, and the attempt's slot."""
        with self._guard:
            self._by_account.pop((attempt.account, attempt.address), None)
            times = self._by_address.get(attempt.address, [])
            if attempt.at in times:
                times.remove(attempt.at)

    def forget(self, account: str) -> None:
        """Drop what is counted against ``account`` (it was removed)."""
        with self._guard:
            for key in [k for k in self._by_account if k[0] == account]:
                del self._by_account[key]

    def counted(self) -> int:
        """How many (account, address) pairs and addresses have failures on record (memory held)."""
        with self._guard:
            return len(self._by_account) + len(self._by_address)

    def _sweep(self, now: float) -> None:
        """Once a window, forget every key whose last failure is older than the window (caller holds the guard).

        Without it, every e-mail and address ever tried would stay in memory for good.
        """
        if now - self._swept < WINDOW_SECONDS:
            return
        self._swept = now
        tables: tuple[dict[Any, list[float]], ...] = (self._by_account, self._by_address)
        for table in tables:
            for key in [k for k, times in table.items() if not times or now - times[-1] >= WINDOW_SECONDS]:
                del table[key]

    @staticmethod
    def _recent(table: dict[Any, list[float]], key: Any, now: float) -> list[float]:
        times = [t for t in table.get(key, []) if now - t < WINDOW_SECONDS]
        table[key] = times
        return times



@dataclass
class SharedLoginThrottle:
    """The same rules over attempts kept in the database (:class:`~sts_snapshots.store.AttemptLogLike`): every web
    node counts the same failures, and taking a slot is atomic across them (a lock per address)."""

    attempts: AttemptLogLike

    def begin(self, account: str, address: str) -> Attempt:
        def decide(recent: list[tuple[bool, float]], now: float) -> None:
            refused = refusal([at for mine, at in recent if mine], [at for _mine, at in recent], now)
            if refused is not None:
                raise refused

        ref, at = self.attempts.attempt(account, address, WINDOW_SECONDS, decide)
        return Attempt(account, address, at, ref)

    def succeeded(self, attempt: Attempt) -> None:
        self.attempts.succeeded(attempt.ref, attempt.account, attempt.address)

    def forget(self, account: str) -> None:
        self.attempts.forget(account)

    def counted(self) -> int:
        return self.attempts.count()
