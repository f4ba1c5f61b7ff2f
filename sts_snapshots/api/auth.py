"""``/api/v1/auth``: OAuth2 password login and the current user."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException
from fastapi.security import OAuth2PasswordRequestForm

from .deps import UNAUTHORIZED, ClientAddress, CurrentUser, Sts

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/token")
def login(sts: Sts, address: ClientAddress, form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> dict[str, Any]:
    """Exchange email (``username``) and password for a bearer token."""
    user = sts.users.authenticate(form.username, form.password, address)
    if user is None:
        raise HTTPException(401, "wrong email or password", headers=UNAUTHORIZED)
    return {"access_token": sts.tokens.issue(user.email, user.role, user.credential), "token_type": "bearer",
            "expires_in": int(sts.tokens.ttl.total_seconds())}


@router.get("/me")
def me(user: CurrentUser) -> dict[str, Any]:
    return {"email": user.email, "name": user.name, "role": user.role, "is_admin": user.is_admin}
