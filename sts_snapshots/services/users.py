"""User accounts: argon2 passwords, roles, the credential version that ends old tokens and sessions, and slowing
down repeated failed logins."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from ..domain.models import normalize_email
from ..domain.records import UserRecord
from ..domain.time import now_iso
from ..store import DatabaseLike, TableLike
from .auth import dummy_hash, hash_password, verify_password
from .errors import Conflict, Forbidden, Invalid, NotFound
from .throttle import LockedOut, LoginThrottle, Throttle

__all__ = ["LOCAL_ADMIN", "ROLES", "LockedOut", "User", "UserService"]
ROLES = ("admin", "user")


@dataclass(frozen=True)
class User:
    email: str
    name: str
    role: str
    uid: str = ""
    version: int = 0

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def credential(self) -> str:
        """What a token or a browser session holds of the account; a reset, role change or removal changes it."""
        return f"{self.uid}:{self.version}"

    @classmethod
    def from_record(cls, record: UserRecord) -> User:
        return cls(email=record["email"], name=record.get("name") or record["email"], role=record["role"],
                   uid=record.get("uid", ""), version=record.get("version", 0))


# Whoever runs a management command (or the demo seed) holds the data folder itself: an administrator.
LOCAL_ADMIN = User(email="", name="the command line", role="admin")


class UserService:
    def __init__(self, db: DatabaseLike, throttle: Throttle | None = None) -> None:
        """``throttle``: where failed logins are counted (default: this process's memory)."""
        self._table: TableLike[UserRecord] = db.table("users")
        self._throttle: Throttle = throttle or LoginThrottle()

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
                      "password_hash": password_hash or hash_password(password), "created_at": now_iso(),
                                  "uid": secrets.token_urlsafe(12), "version": 1}
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

    def current(self, email: str, credential: str) -> User | None:
        """The account, if ``credential`` (from a token or a session) is still its credential; otherwise None."""
        user = self.get(email)
        if user is None or not credential or not secrets.compare_digest(user.credential, credential):
            return None
        return user

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
            changes = {"role": role, "version": current.get("version", 0) + 1} if role != current["role"] else {}
            record = self._table.update(key, changes) if changes else current
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
        self._throttle.forget(key)
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
        key = email.strip().lower()
        with self._table.locked():
            current = self._table.get(key)
            if current is None:
                raise NotFound(f"no user {email}")
            record = self._table.update(key, {"password_hash": hashed, "version": current.get("version", 0) + 1})
        assert record is not None
        return User.from_record(record)

    def authenticate(self, email: str, password: str, address: str = "") -> User | None:
        """The user if the password is right; None if not.

        :param address: where the attempt comes from; failures count per account and address, and per address.
        :raises LockedOut: after repeated failures (the password is then not checked at all).
        """
        key = email.strip().lower()
        attempt = self._throttle.begin(key, address)
        record = self._table.get(key)
        # an unknown e-mail costs one argon2 verification too, so the answer's time does not tell who has an account
        right = verify_password(record["password_hash"] if record else dummy_hash(), password)
        if record is None or not right:
            return None
        self._throttle.succeeded(attempt)
        return User.from_record(record)
