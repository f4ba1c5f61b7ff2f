"""User accounts: argon2 passwords, roles, and slowing down repeated failed logins."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from ..domain.models import normalize_email
from ..domain.records import UserRecord
from ..domain.time import now_iso
from ..store import Database, Table
from .auth import hash_password, verify_password
from .errors import Conflict, Forbidden, Invalid, NotFound

ROLES = ("admin", "user")
LOCKOUT_FAILURES = 5
LOCKOUT_SECONDS = 60.0


@dataclass(frozen=True)
class User:
    email: str
    name: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @classmethod
    def from_record(cls, record: UserRecord) -> User:
        return cls(email=record["email"], name=record.get("name") or record["email"], role=record["role"])


# Whoever runs a management command (or the demo seed) holds the data folder itself: an administrator.
LOCAL_ADMIN = User(email="", name="the command line", role="admin")


class LockedOut(RuntimeError):
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(f"too many failed logins; try again in {int(seconds) + 1} s")


class UserService:
    def __init__(self, db: Database) -> None:
        self._table: Table[UserRecord] = db.table("users")
        self._failures: dict[str, list[float]] = {}
        self._guard = threading.Lock()

    def require_admin(self, by: User) -> None:
        """Forbidden unless ``by`` is an administrator *now*, as the store says: the one check of every change to
        users (a page, a token, may be older than a demotion or removal)."""
        if by is LOCAL_ADMIN:
            return
        current = self.get(by.email)
        if current is None:
            raise Forbidden("your account was removed")
        if not current.is_admin:
            raise Forbidden("you are no longer an administrator" if by.is_admin else
                            "only an administrator may manage users")

    def add(self, by: User, email: str, password: str, role: str = "user", name: str = "", *,
            password_hash: str | None = None) -> User:
        """Add a user. ``password_hash`` (an argon2 hash of ``password``) skips hashing, for the demo users."""
        self.require_admin(by)
        try:
            email = normalize_email(email)
            if role not in ROLES:
                raise ValueError(f"role must be admin or user, not {role!r}")
            record: UserRecord = {"id": email, "email": email, "name": name.strip() or email, "role": role,
                      "password_hash": password_hash or hash_password(password), "created_at": now_iso()}
        except ValueError as exc:
            raise Invalid(str(exc)) from None
        try:
            self._table.insert(record)
        except KeyError:
            raise Conflict(f"a user {email} exists already") from None
        return User.from_record(record)

    def get(self, email: str) -> User | None:
        record = self._table.get(email.strip().lower())
        return User.from_record(record) if record else None

    def list(self) -> list[User]:
        return sorted((User.from_record(r) for r in self._table.all()), key=lambda u: u.email)

    def count(self) -> int:
        return self._table.count()

    def set_role(self, by: User, email: str, role: str) -> User:
        """:raises Conflict: it would demote the last admin."""
        self.require_admin(by)
        if role not in ROLES:
            raise Invalid(f"role must be admin or user, not {role!r}")
        key = email.strip().lower()
        with self._table.locked():
            current = self._table.get(key)
            if current is None:
                raise NotFound(f"no user {email}")
            if role != "admin":
                self._refuse_last_admin(current)
            record = self._table.update(key, {"role": role})
        assert record is not None
        return User.from_record(record)

    def remove(self, by: User, email: str) -> User:
        """Remove an account: it can no longer sign in, and its tokens stop working. Rooms keep it as a party.

        :raises NotFound: no such user. :raises Conflict: it is the last admin (nobody could manage users).
        """
        self.require_admin(by)
        key = email.strip().lower()
        with self._table.locked():
            record = self._table.get(key)
            if record is None:
                raise NotFound(f"no user {email}")
            self._refuse_last_admin(record)
            self._table.remove(key)
        with self._guard:
            self._failures.pop(key, None)
        return User.from_record(record)

    def _refuse_last_admin(self, record: UserRecord) -> None:
        """Conflict if ``record`` is the only admin (nobody could manage users); the caller holds the lock."""
        if record["role"] == "admin" and len(self._table.find(role="admin")) == 1:
            raise Conflict(f"{record['email']} is the last admin; make another user admin first")

    def set_password(self, by: User, email: str, password: str) -> User:
        self.require_admin(by)
        try:
            hashed = hash_password(password)
        except ValueError as exc:
            raise Invalid(str(exc)) from None
        record = self._table.update(email.strip().lower(), {"password_hash": hashed})
        if record is None:
            raise NotFound(f"no user {email}")
        return User.from_record(record)

    def authenticate(self, email: str, password: str) -> User | None:
        """The user if the password is right; None if not. Raises :class:`LockedOut` after repeated failures."""
        key = email.strip().lower()
        with self._guard:
            recent = [t for t in self._failures.get(key, []) if time.monotonic() - t < LOCKOUT_SECONDS]
            self._failures[key] = recent
            if len(recent) >= LOCKOUT_FAILURES:
                raise LockedOut(LOCKOUT_SECONDS - (time.monotonic() - recent[0]))
        record = self._table.get(key)
        if record is not None and verify_password(record["password_hash"], password):
            with self._guard:
                self._failures.pop(key, None)
            return User.from_record(record)
        with self._guard:
            self._failures.setdefault(key, []).append(time.monotonic())
        return None
