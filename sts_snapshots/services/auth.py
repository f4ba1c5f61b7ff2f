"""Passwords (argon2) and access tokens (JWT, HS256)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..domain.time import utcnow

MIN_PASSWORD_LENGTH = 8
ALGORITHM = "HS256"
_hasher = PasswordHasher()


class TokenError(ValueError):
    """The token is missing, malformed, expired or not signed by us."""


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"password must be at least {MIN_PASSWORD_LENGTH} characters")
    return _hasher.hash(password)


@lru_cache(maxsize=1)
def dummy_hash() -> str:
    """A hash of no one's password: checked for unknown e-mails, so they cost the same time as known ones."""
    return _hasher.hash("no account has this password")


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True)
class TokenIssuer:
    secret: str
    ttl: timedelta

    def issue(self, email: str, role: str, credential: str = "") -> str:
        """A token for the account; ``credential`` (its uid and version) must still match when it is used (an
        empty one never does)."""
        now = utcnow()
        claims = {"sub": email, "role": role, "cred": credential, "iat": now, "exp": now + self.ttl}
        return jwt.encode(claims, self.secret, algorithm=ALGORITHM)

    def check(self, token: str) -> dict[str, Any]:
        """The token's claims; raises :class:`TokenError` for anything but a valid, unexpired HS256 token."""
        try:
            claims = jwt.decode(token, self.secret, algorithms=[ALGORITHM], options={"require": ["exp", "sub"]})
        except jwt.ExpiredSignatureError:
            raise TokenError("token has expired") from None
        except jwt.PyJWTError as exc:
            raise TokenError(f"invalid token: {exc}") from None
        return claims
