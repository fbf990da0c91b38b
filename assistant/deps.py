"""FastAPI dependencies, as ``Annotated`` aliases used by every router."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Cookie, Depends, Request
from sqlalchemy.engine import Engine
from sqlmodel import Session

from assistant.auth import service as auth_service
from assistant.auth.models import Role, User
from assistant.config import Settings
from assistant.db import session_scope
from assistant.errors import Forbidden, NotAuthenticated
from assistant.kb.snapshot import KbCache, KbSnapshot


def get_settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def get_engine(request: Request) -> Engine:
    return request.app.state.engine  # type: ignore[no-any-return]


def get_session(request: Request) -> Iterator[Session]:
    with session_scope(request.app.state.engine) as session:
        yield session


def get_kb(request: Request) -> KbSnapshot:
    cache: KbCache = request.app.state.kb_cache
    return cache.get()


SettingsDep = Annotated[Settings, Depends(get_settings)]
# scope="function": commit before the response is sent, so a client that got 200 sees its
# write in its very next request, and a failed commit is an error response, not a lost write.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
# For services that open their own short transactions (``db.write_session``), e.g. bookings.
EngineDep = Annotated[Engine, Depends(get_engine)]
KbDep = Annotated[KbSnapshot, Depends(get_kb)]
SessionToken = Annotated[str | None, Cookie(alias="zd_session")]


def get_current_user(session: SessionDep, token: SessionToken = None) -> User:
    user = auth_service.user_for_token(session, token)
    if user is None:
        raise NotAuthenticated("请先登录。")
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def require(*roles: Role) -> Callable[[User], User]:
    def _check(user: CurrentUser) -> User:
        if not user.has_role(*roles):
            raise Forbidden("您的账号没有此操作的权限。")
        return user

    return _check


EditorUser = Annotated[User, Depends(require(Role.editor, Role.reviewer))]
ReviewerUser = Annotated[User, Depends(require(Role.reviewer))]
GreeterUser = Annotated[User, Depends(require(Role.greeter, Role.staff))]
StaffUser = Annotated[User, Depends(require(Role.staff))]
