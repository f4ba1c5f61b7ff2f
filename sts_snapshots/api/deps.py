"""Dependencies shared by the routers, as ``Annotated`` aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request
from fastapi.security import OAuth2PasswordBearer

from ..context import StsApp
from ..domain.ids import ID_PATTERN, TASK_ID_PATTERN
from ..domain.urls import API_PREFIX
from ..services.auth import TokenError
from ..services.throttle import client_address
from ..services.users import User

oauth2 = OAuth2PasswordBearer(tokenUrl=f"{API_PREFIX}/auth/token", auto_error=False)
UNAUTHORIZED = {"WWW-Authenticate": "Bearer"}


def get_sts(request: Request) -> StsApp:
    return request.app.state.sts  # type: ignore[no-any-return]


Sts = Annotated[StsApp, Depends(get_sts)]


def get_current_user(sts: Sts, token: Annotated[str | None, Depends(oauth2)]) -> User:
    if not token:
        raise HTTPException(401, "not authenticated: send 'Authorization: Bearer <token>'", headers=UNAUTHORIZED)
    try:
        claims = sts.tokens.check(token)
    except TokenError as exc:
        raise HTTPException(401, str(exc), headers=UNAUTHORIZED) from None
    email = str(claims["sub"])
    user = sts.users.current(email, str(claims.get("cred", "")))
    if user is None:
        gone = sts.users.get(email) is None
        raise HTTPException(401, "the token's user no longer exists" if gone else
                            "the token is no longer valid: the account's password or role changed, or it was "
                            "removed and added again; sign in again", headers=UNAUTHORIZED)
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def get_client_address(sts: Sts, request: Request) -> str:
    """Where the request comes from (``X-Forwarded-For`` counts only from a configured trusted proxy)."""
    return client_address(request.client.host if request.client else None, request.headers.get("x-forwarded-for"),
                          sts.settings.trusted_proxy_set)


ClientAddress = Annotated[str, Depends(get_client_address)]


def get_admin(user: CurrentUser) -> User:
    if not user.is_admin:
        raise HTTPException(403, "admin only")
    return user


AdminUser = Annotated[User, Depends(get_admin)]
RoomId = Annotated[str, Path(pattern=ID_PATTERN, description="room id")]
PartyId = Annotated[str, Path(pattern=ID_PATTERN, description="party id")]
VesselId = Annotated[str, Path(pattern=ID_PATTERN, description="vessel id")]
DocId = Annotated[str, Path(pattern=ID_PATTERN, description="document id")]
SnapshotId = Annotated[str, Path(pattern=ID_PATTERN, description="snapshot id")]
TaskId = Annotated[str, Path(pattern=TASK_ID_PATTERN, description="task id, snapshot-<id>")]
