"""The demo users' logins (printed at start while they still work, so they must be changed before a LAN use)."""

from __future__ import annotations

from dataclasses import dataclass

ADMIN_EMAIL = "admin@sts-demo.example"
ADMIN_PASSWORD = "demo-admin-pass"
MEMBER_EMAIL = "ingrid.orsted@skagen-sts.example"
MEMBER_PASSWORD = "demo-member-pass"
# argon2 hashes of the two public demo passwords, made once: hashing costs ~0.1-0.4 s each, on every seed
# (every fresh data folder and every test app). tests/test_demo.py checks that they still match.
DEMO_HASHES = {
    ADMIN_EMAIL: "$argon2id$v=19$m=65536,t=3,p=4$sWtI9Z20c/5v4u0L6ETcVg$i8yV43BpgvQIwjtFuQiODDpx2ClaIx/weU9jCVUIqmw",
    MEMBER_EMAIL: "$argon2id$v=19$m=65536,t=3,p=4$RL6K+0jdqqtc9p2tjCtgPA$Ha3aeVB3r+Z9OAPWfnjWZvI/THLUM7LMZtGUuM0e43c",
}


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str
    role: str


DEMO_LOGINS = (DemoLogin(ADMIN_EMAIL, ADMIN_PASSWORD, "admin"), DemoLogin(MEMBER_EMAIL, MEMBER_PASSWORD, "user"))
