from datetime import timedelta

import jwt
import pytest

from sts_snapshots.services.auth import TokenError, TokenIssuer, hash_password, verify_password
from sts_snapshots.services.errors import Conflict, Forbidden, Invalid, NotFound
from sts_snapshots.services.users import LOCAL_ADMIN, LockedOut, UserService
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
    claims = issuer.check(issuer.issue("a@b.example", "admin", "uid:1"))
    assert claims["sub"] == "a@b.example" and claims["role"] == "admin"


def test_expired_token_is_rejected() -> None:
    issuer = TokenIssuer(SECRET, timedelta(seconds=-10))
    with pytest.raises(TokenError, match="expired"):
        issuer.check(issuer.issue("a@b.example", "user", "uid:1"))


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
    users.add(LOCAL_ADMIN, "Ops@Example.com", "longenough", role="admin", name="Ops")
    with pytest.raises(Invalid):
        users.add(LOCAL_ADMIN, "x@example.com", "short")
    assert users.authenticate("ops@example.com", "longenough") is not None
    for _ in range(5):
        assert users.authenticate("ops@example.com", "wrong-pass") is None
    with pytest.raises(LockedOut):
        users.authenticate("ops@example.com", "longenough")


def test_removing_users_keeps_an_admin() -> None:
    users = UserService(Database(None))
    users.add(LOCAL_ADMIN, "boss@example.com", "long-enough-1", role="admin")
    users.add(LOCAL_ADMIN, "crew@example.com", "long-enough-2")
    with pytest.raises(Conflict, match="last admin"):
        users.remove(LOCAL_ADMIN, "boss@example.com")
    with pytest.raises(Conflict, match="last admin"):
        users.set_role(LOCAL_ADMIN, "boss@example.com", "user")
    assert users.remove(LOCAL_ADMIN, " Crew@Example.com ").email == "crew@example.com"
    assert users.get("crew@example.com") is None and users.authenticate("crew@example.com", "long-enough-2") is None
    with pytest.raises(NotFound):
        users.remove(LOCAL_ADMIN, "crew@example.com")
    users.add(LOCAL_ADMIN, "second@example.com", "long-enough-3", role="admin")
    users.remove(LOCAL_ADMIN, "boss@example.com")  # another admin remains
    assert [u.email for u in users.list()] == ["second@example.com"]


def test_only_an_administrator_of_now_may_manage_users() -> None:
    users = UserService(Database(None))
    boss = users.add(LOCAL_ADMIN, "boss@example.com", "long-enough-1", role="admin")
    deputy = users.add(boss, "deputy@example.com", "long-enough-2", role="admin")
    crew = users.add(boss, "crew@example.com", "long-enough-3")
    with pytest.raises(Forbidden, match="only an administrator"):
        users.add(crew, "friend@example.com", "long-enough-4")
    with pytest.raises(Forbidden, match="only an administrator"):
        users.set_role(crew, "crew@example.com", "admin")
    users.set_role(deputy, "boss@example.com", "user")
    with pytest.raises(Forbidden, match="no longer an administrator"):  # boss still holds the old User
        users.remove(boss, "crew@example.com")
    users.remove(deputy, "boss@example.com")
    with pytest.raises(Forbidden, match="account was removed"):
        users.set_password(boss, "crew@example.com", "long-enough-5")
    assert users.set_password(deputy, "crew@example.com", "long-enough-5").email == "crew@example.com"
