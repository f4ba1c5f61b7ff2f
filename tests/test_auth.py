from datetime import timedelta

import jwt
import pytest

from sts_snapshots.services.auth import TokenError, TokenIssuer, hash_password, verify_password
from sts_snapshots.services.errors import Conflict, Invalid, NotFound
from sts_snapshots.services.users import LockedOut, UserService
from sts_snapshots.store import Database

SECRET = "s" * 64


def test_argon2_round_trip() -> None:
    hashed = hash_password("correct horse")
    assert hashed.startswith("$argon2") and verify_password(hashed, "correct horse")
    assert not verify_password(hashed, "wrong horse")
    assert not verify_password("not-a-hash", "correct horse")
    with pytest.raises(ValueError, match="at least 8"):
        hash_password("short")


def test_token_round_trip() -> None:
    issuer = TokenIssuer(SECRET, timedelta(minutes=5))
    claims = issuer.check(issuer.issue("a@b.example", "admin"))
    assert claims["sub"] == "a@b.example" and claims["role"] == "admin"


def test_expired_token_is_rejected() -> None:
    issuer = TokenIssuer(SECRET, timedelta(seconds=-10))
    with pytest.raises(TokenError, match="expired"):
        issuer.check(issuer.issue("a@b.example", "user"))


@pytest.mark.parametrize("token", [
    jwt.encode({"sub": "a@b.example", "exp": 9999999999}, "another-secret-another-secret-xx", algorithm="HS256"),
    jwt.encode({"sub": "a@b.example", "exp": 9999999999}, SECRET, algorithm="HS512"),
    jwt.encode({"sub": "a@b.example", "exp": 9999999999}, None, algorithm="none"),  # type: ignore[arg-type]
    jwt.encode({"sub": "a@b.example"}, SECRET, algorithm="HS256"),  # no exp
    "not.a.token",
])
def test_forged_tokens_are_rejected(token: str) -> None:
    with pytest.raises(TokenError):
        TokenIssuer(SECRET, timedelta(minutes=5)).check(token)


def test_users_and_lockout() -> None:
    users = UserService(Database(None))
    users.add("Ops@Example.com", "longenough", role="admin", name="Ops")
    with pytest.raises(Invalid):
        users.add("x@example.com", "short")
    assert users.authenticate("ops@example.com", "longenough") is not None
    for _ in range(5):
        assert users.authenticate("ops@example.com", "wrong-pass") is None
    with pytest.raises(LockedOut):
        users.authenticate("ops@example.com", "longenough")


def test_removing_users_keeps_an_admin() -> None:
    users = UserService(Database(None))
    users.add("boss@example.com", "long-enough-1", role="admin")
    users.add("crew@example.com", "long-enough-2")
    with pytest.raises(Conflict, match="last admin"):
        users.remove("boss@example.com")
    with pytest.raises(Conflict, match="last admin"):
        users.set_role("boss@example.com", "user")
    assert users.remove(" Crew@Example.com ").email == "crew@example.com"
    assert users.get("crew@example.com") is None and users.authenticate("crew@example.com", "long-enough-2") is None
    with pytest.raises(NotFound):
        users.remove("crew@example.com")
    users.add("second@example.com", "long-enough-3", role="admin")
    users.remove("boss@example.com")  # another admin remains
    assert [u.email for u in users.list()] == ["second@example.com"]
