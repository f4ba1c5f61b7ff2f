"""Login throttling counts per account and client address, and per address; it cannot be raced past, cannot be
turned into a lockout of the account from elsewhere, and does not tell which e-mails have accounts."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from nicegui import core

from sts_snapshots.demo import ADMIN_EMAIL, ADMIN_PASSWORD
from sts_snapshots.services.auth import dummy_hash, verify_password
from sts_snapshots.services.throttle import ACCOUNT_FAILURES
from sts_snapshots.settings import Settings
from tests.harness import API, Harness

TOKEN = f"{API}/auth/token"


@asynccontextmanager
async def client_from(address: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client whose requests come from ``address`` (inside the ASGI transport only: no network)."""
    transport = httpx.ASGITransport(core.app, client=(address, 123))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def attempt(client: httpx.AsyncClient, password: str, email: str = ADMIN_EMAIL,
                  headers: dict[str, str] | None = None) -> int:
    response = await client.post(TOKEN, data={"username": email, "password": password}, headers=headers)
    return response.status_code


async def test_a_strangers_failures_do_not_lock_the_account_out_from_another_address(harness: Harness) -> None:
    async with client_from("10.0.0.9") as stranger, client_from("10.0.0.10") as owner:
        codes = [await attempt(stranger, f"wrong-{i}") for i in range(ACCOUNT_FAILURES + 1)]
        assert codes == [401] * ACCOUNT_FAILURES + [429]
        assert await attempt(stranger, ADMIN_PASSWORD) == 429  # the stranger's address stays throttled
        assert await attempt(owner, ADMIN_PASSWORD) == 200


async def test_parallel_wrong_passwords_get_no_more_checks_than_the_limit(harness: Harness) -> None:
    async with client_from("10.0.0.11") as client:
        codes = Counter(await asyncio.gather(*(attempt(client, f"wrong-{i}") for i in range(30))))
    assert codes[401] <= ACCOUNT_FAILURES and codes[401] + codes[429] == 30, codes


async def test_an_address_guessing_many_accounts_is_throttled(harness: Harness) -> None:
    async with client_from("10.0.0.12") as client:
        codes = [await attempt(client, "wrong-pass", email=f"nobody-{i}@example.com") for i in range(25)]
    assert 429 in codes and codes.index(429) <= 20


async def test_unknown_emails_cost_an_argon2_check_like_known_ones(harness: Harness) -> None:
    assert dummy_hash().startswith("$argon2") and not verify_password(dummy_hash(), "wrong-pass")

    async def fastest(email: str, address: str) -> float:
        times = []
        async with client_from(address) as client:
            for _ in range(3):
                start = time.perf_counter()
                assert await attempt(client, "wrong-pass", email=email) == 401
                times.append(time.perf_counter() - start)
        return min(times)

    known = await fastest(ADMIN_EMAIL, "10.0.0.13")
    unknown = await fastest("no-such-account@example.com", "10.0.0.14")
    assert unknown > 0.3 * known, (unknown, known)  # loose: without the dummy check it is ~100 times faster


class TestBehindATrustedProxy:
    @pytest.fixture
    def settings(self, settings: Settings) -> Settings:
        return settings.replace(trusted_proxies="10.0.0.1")

    async def test_x_forwarded_for_names_the_client_only_from_a_trusted_proxy(self, harness: Harness) -> None:
        async with client_from("10.0.0.1") as proxy, client_from("10.0.0.2") as untrusted:
            for i in range(ACCOUNT_FAILURES):
                assert await attempt(proxy, f"wrong-{i}", headers={"X-Forwarded-For": "10.0.0.20"}) == 401
            assert await attempt(proxy, ADMIN_PASSWORD, headers={"X-Forwarded-For": "10.0.0.20"}) == 429
            assert await attempt(proxy, ADMIN_PASSWORD, headers={"X-Forwarded-For": "10.0.0.21"}) == 200
            # from an untrusted peer the header is ignored: changing it does not escape the count
            for i in range(ACCOUNT_FAILURES):
                assert await attempt(untrusted, f"wrong-{i}", headers={"X-Forwarded-For": f"10.0.1.{i}"}) == 401
            assert await attempt(untrusted, ADMIN_PASSWORD, headers={"X-Forwarded-For": "10.0.1.99"}) == 429


def test_the_throttle_forgets_old_failures_so_memory_stays_bounded() -> None:
    from sts_snapshots.services.throttle import WINDOW_SECONDS, LoginThrottle

    now = [0.0]
    throttle = LoginThrottle(clock=lambda: now[0])
    for i in range(1000):  # a scan of a thousand e-mails from a thousand addresses
        throttle.begin(f"user{i}@example.com", f"10.0.{i // 250}.{i % 250}")
    assert throttle.counted() == 2000
    now[0] += WINDOW_SECONDS + 1
    throttle.begin("late@example.com", "10.9.9.9")
    assert throttle.counted() == 2  # only the newest attempt is remembered
