"""Accounts and console sessions. Passwords are hashed with Argon2 (argon2-cffi)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, select

from assistant.auth.models import LoginSession, Role, User
from assistant.errors import Conflict, InvalidInput, NotAuthenticated
from assistant.timeutil import utcnow

_hasher = PasswordHasher()
MIN_PASSWORD = 8


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    roles: list[str],
    display_name: str | None = None,
) -> User:
    username = username.strip()
    if (
        not username
        or len(username) > 40
        or not username.replace("_", "").replace("-", "").isalnum()
    ):
        raise InvalidInput("用户名只能包含字母、数字、下划线和连字符，最长40个字符。")
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"密码至少需要{MIN_PASSWORD}个字符。")
    unknown = [r for r in roles if r not in Role.__members__]
    if unknown or not roles:
        raise InvalidInput(
            f"未知角色：{', '.join(unknown) or '（未指定）'}；可选：{', '.join(Role.__members__)}"
        )
    if session.exec(select(User).where(User.username == username)).first():
        raise Conflict(f"用户名 {username} 已存在。")
    user = User(
        username=username,
        display_name=display_name or username,
        password_hash=hash_password(password),
        roles=roles,
    )
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, *, username: str, password: str) -> User:
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None:
        raise InvalidInput(f"没有用户 {username}。")
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"密码至少需要{MIN_PASSWORD}个字符。")
    user.password_hash = hash_password(password)
    session.add(user)
    return user


def authenticate(session: Session, *, username: str, password: str) -> User:
    user = session.exec(select(User).where(User.username == username.strip())).first()
    if user is None or not user.active:
        _hasher.hash(password)  # same cost whether or not the user exists
        raise NotAuthenticated("用户名或密码不正确。")
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        raise NotAuthenticated("用户名或密码不正确。") from None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        session.add(user)
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(session: Session, *, user: User, hours: int) -> str:
    token = secrets.token_urlsafe(32)
    assert user.id is not None
    session.add(
        LoginSession(
            token_hash=_token_hash(token),
            user_id=user.id,
            expires_at=utcnow() + timedelta(hours=hours),
        )
    )
    return token


def user_for_token(session: Session, token: str | None) -> User | None:
    if not token:
        return None
    row = session.get(LoginSession, _token_hash(token))
    if row is None or row.expires_at < utcnow():
        return None
    user = session.get(User, row.user_id)
    return user if user and user.active else None


def close_session(session: Session, token: str | None) -> None:
    if token:
        row = session.get(LoginSession, _token_hash(token))
        if row:
            session.delete(row)


def ensure_demo_accounts(session: Session, spec: str | None) -> list[str]:
    """Create the accounts named in configuration (``role:username:password,...``) if missing."""
    made = []
    for item in (spec or "").split(","):
        item = item.strip()
        if not item:
            continue
        parts = item.split(":", 2)
        if len(parts) != 3:
            raise InvalidInput(
                "ASSISTANT_DEMO_ACCOUNTS 的格式是 role:username:password，多个用逗号分隔。"
            )
        role, username, password = parts
        if session.exec(select(User).where(User.username == username)).first() is None:
            create_user(
                session, username=username, password=password, roles=[r for r in role.split("+")]
            )
            made.append(username)
    return made
