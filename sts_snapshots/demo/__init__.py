"""The demo room and demo users, seeded into an empty data folder so a new user sees the app at work."""

from .logins import ADMIN_EMAIL, ADMIN_PASSWORD, DEMO_LOGINS, MEMBER_EMAIL, MEMBER_PASSWORD
from .seed import seed_demo

__all__ = ["ADMIN_EMAIL", "ADMIN_PASSWORD", "DEMO_LOGINS", "MEMBER_EMAIL", "MEMBER_PASSWORD", "seed_demo"]
