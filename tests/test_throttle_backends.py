"""The login throttle's rules, kept in memory (one process) and in PostgreSQL (shared by every web node): the same
tests for both, and for PostgreSQL across two nodes (two connection pools) guessing at once."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest

from sts_snapshots.services.throttle import (
    ACCOUNT_FAILURES,
    ADDRESS_FAILURES,
    WINDOW_SECONDS,
    LockedOut,
    LoginThrottle,
    SharedLoginThrottle,
    Throttle,
)
from sts_snapshots.store.stores import Stores

Nodes = Callable[[], Throttle]  # each call: the throttle as another web node sees it


@pytest.fixture(params=["memory", pytest.param("postgres", marks=pytest.mark.postgres)])
def nodes(request: pytest.FixtureRequest) -> Iterator[Nodes]:
    if request.param == "memory":
        one = LoginThrottle()
        yield lambda: one
        return
    url = request.getfixturevalue("pg_url")
    opened: list[Stores] = []

    def node() -> Throttle:
        opened.append(Stores.on_postgres(url))
        attempts = opened[-1].backend.attempt_log("login")
        assert attempts is not None
        return SharedLoginThrottle(attempts)

    yield node
    for stores in opened:
        stores.close()


def test_failures_count_per_account_and_address_on_every_node(nodes: Nodes) -> None:
    first, second = nodes(), nodes()
    for i in range(ACCOUNT_FAILURES):
        (first if i % 2 else second).begin("a@example.com", "10.0.0.1")
    for throttle in (first, second):
        with pytest.raises(LockedOut) as refused:
            throttle.begin("a@example.com", "10.0.0.1")
        assert WINDOW_SECONDS - 5 < refused.value.seconds <= WINDOW_SECONDS
    second.begin("a@example.com", "10.0.0.2")  # the owner elsewhere is not locked out
    first.begin("b@example.com", "10.0.0.1")  # nor another account from that address


def test_success_gives_the_slot_back_and_forget_drops_the_account(nodes: Nodes) -> None:
    first, second = nodes(), nodes()
    for _ in range(ACCOUNT_FAILURES - 1):
        first.begin("a@example.com", "10.0.0.1")
    second.succeeded(second.begin("a@example.com", "10.0.0.1"))  # the right password, on the other node
    for _ in range(ACCOUNT_FAILURES):
        first.begin("a@example.com", "10.0.0.1")  # the pair starts afresh
    with pytest.raises(LockedOut):
        second.begin("a@example.com", "10.0.0.1")
    first.forget("a@example.com")  # the account was removed
    second.begin("a@example.com", "10.0.0.1")


def test_an_address_guessing_many_accounts_is_stopped_on_every_node(nodes: Nodes) -> None:
    first, second = nodes(), nodes()
    for i in range(ADDRESS_FAILURES):
        (first if i % 2 else second).begin(f"nobody-{i}@example.com", "10.0.0.9")
    with pytest.raises(LockedOut):
        second.begin("someone-new@example.com", "10.0.0.9")


def test_parallel_guesses_on_two_nodes_get_no_more_slots_than_the_limit(nodes: Nodes) -> None:
    throttles = [nodes(), nodes()]
    outcomes: list[str] = []
    lock = threading.Lock()

    def guess(throttle: Throttle) -> None:
        try:
            throttle.begin("a@example.com", "10.0.0.3")
            result = "slot"
        except LockedOut:
            result = "refused"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=guess, args=(throttles[i % 2],)) for i in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert outcomes.count("slot") == ACCOUNT_FAILURES and len(outcomes) == 16


def test_any_text_is_counted_without_error(nodes: Nodes) -> None:
    """A login form can send anything as the e-mail: NUL, lone surrogates, very long text."""
    throttle = nodes()
    for account in ("a\x00b", "\ud800", "x" * 5000, ""):
        throttle.succeeded(throttle.begin(account, "10.0.0.4"))
    assert throttle.counted() >= 0
