from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from assistant.auth import service
from assistant.auth.models import UserPublic
from assistant.deps import CurrentUser, SessionDep, SessionToken, SettingsDep

router = APIRouter(prefix="/auth", tags=["accounts"])
COOKIE = "zd_session"


class LoginIn(BaseModel):
    username: str = Field(min_length=1, max_length=40)
    password: str = Field(min_length=1, max_length=200)


@router.post("/login", response_model=UserPublic)
def login(
    body: LoginIn, response: Response, session: SessionDep, settings: SettingsDep
) -> UserPublic:
    user = service.authenticate(session, username=body.username, password=body.password)
    token = service.open_session(session, user=user, hours=settings.session_hours)
    response.set_cookie(
        COOKIE,
        token,
        httponly=True,
        samesite="strict",
        max_age=settings.session_hours * 3600,
        secure=settings.base_url.startswith("https"),
    )
    return UserPublic.model_validate(user, from_attributes=True)


@router.post("/logout", status_code=204)
def logout(response: Response, session: SessionDep, token: SessionToken) -> None:
    service.close_session(session, token)
    response.delete_cookie(COOKIE)


@router.get("/me", response_model=UserPublic)
def me(user: CurrentUser) -> UserPublic:
    return UserPublic.model_validate(user, from_attributes=True)
