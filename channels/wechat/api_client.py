"""The WeChat server API: customer-service and template messages, the menu.

wechatpy's client is synchronous (requests): call it off the event loop. Around it:

- the access token lives in the database (``DbTokenStorage``, wechatpy's session-storage
  interface), so every worker uses the token one of them fetched until it nearly expires;
- a token WeChat calls invalid or expired (40001, 40014, 42001) is discarded, only if it is
  still the stored one (another worker may have refreshed it already), and the call retried
  with a fresh one; a busy server (-1), an HTTP error or a network failure is retried with
  exponential backoff; any other error is raised (``WeChatClientException``).

Two workers refreshing at once both get a valid token: WeChat keeps the previous one valid for
five minutes after a refresh, which is also why we refresh five minutes before expiry.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

import requests
from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlmodel import col
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential
from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException
from wechatpy.session import SessionStorage

from assistant.config import Settings
from assistant.db import session_scope
from assistant.errors import Unavailable
from assistant.timeutil import utcnow
from channels.wechat.models import WeChatAccessToken

log = logging.getLogger(__name__)
T = TypeVar("T")

TOKEN_ERRORS = frozenset({40001, 40014, 42001})  # invalid credential / token, token expired
BUSY = -1
EXPIRY_MARGIN = timedelta(minutes=5)


class DbTokenStorage(SessionStorage):  # type: ignore[misc]
    """wechatpy's session storage holding only the access token, in ``wechat_access_token``."""

    def __init__(self, engine: Engine, app_id: str) -> None:
        self.engine, self.app_id = engine, app_id
        self.key = f"{app_id}_access_token"  # the key wechatpy asks for

    def _check(self, key: str) -> None:
        if key != self.key:
            raise KeyError(f"only the access token is stored, not {key!r}")

    def get(self, key: str, default: Any = None) -> Any:
        self._check(key)
        with session_scope(self.engine) as session:
            row = session.get(WeChatAccessToken, self.app_id)
            if row is not None and row.expires_at - EXPIRY_MARGIN > utcnow():
                return row.token
        return default

    def set(self, key: str, value: Any, ttl: int | None = None) -> None:
        self._check(key)
        if not value:
            return
        values = {
            "app_id": self.app_id,
            "token": str(value),
            "expires_at": utcnow() + timedelta(seconds=ttl or 7200),
        }
        with session_scope(self.engine) as session:
            insert = sqlite_insert if self.engine.dialect.name == "sqlite" else pg_insert
            stmt = insert(WeChatAccessToken).values(**values)
            session.execute(stmt.on_conflict_do_update(index_elements=["app_id"], set_=values))

    def delete(self, key: str) -> None:
        self._check(key)
        self.discard(None)

    def discard(self, token: str | None) -> None:
        """Forget ``token`` if it is still the stored one (any token when None)."""
        stmt = delete(WeChatAccessToken).where(col(WeChatAccessToken.app_id) == self.app_id)
        if token is not None:
            stmt = stmt.where(col(WeChatAccessToken.token) == token)
        with session_scope(self.engine) as session:
            session.execute(stmt)


class _Client(WeChatClient):  # type: ignore[misc]
    """wechatpy's client against a configurable API base (the token URL included)."""

    def __init__(self, *, api_base: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.API_BASE_URL = api_base.rstrip("/") + "/"

    def fetch_access_token(self) -> dict[str, Any]:
        params = {"grant_type": "client_credential", "appid": self.appid, "secret": self.secret}
        return self._fetch_access_token(url=self.API_BASE_URL + "token", params=params)  # type: ignore[no-any-return]


class _StaleToken(Exception):
    pass


def _retriable(exc: BaseException) -> bool:
    if isinstance(exc, _StaleToken | requests.ConnectionError | requests.Timeout):
        return True
    return isinstance(exc, WeChatClientException) and exc.errcode in (None, BUSY)


def _token_of(exc: WeChatClientException) -> str | None:
    url = getattr(exc.request, "url", None) or ""
    tokens = parse_qs(urlsplit(url).query).get("access_token")
    return tokens[0] if tokens else None


class WeChatApi:
    def __init__(
        self,
        *,
        app_id: str,
        app_secret: str,
        api_base: str,
        engine: Engine,
        timeout: float = 5.0,
        attempts: int = 3,
        backoff: float = 0.5,
    ) -> None:
        self.storage = DbTokenStorage(engine, app_id)
        self.client = _Client(
            api_base=api_base,
            appid=app_id,
            secret=app_secret,
            session=self.storage,
            timeout=timeout,
            auto_retry=False,
        )
        self.attempts, self.backoff = attempts, backoff

    @classmethod
    def from_settings(cls, settings: Settings, engine: Engine, **kwargs: Any) -> WeChatApi:
        if not (settings.wechat_app_id and settings.wechat_app_secret):
            raise Unavailable("未配置公众号的 AppID 和 AppSecret，无法调用微信接口。")
        return cls(
            app_id=settings.wechat_app_id,
            app_secret=settings.wechat_app_secret,
            api_base=settings.wechat_api_base,
            engine=engine,
            **kwargs,
        )

    def call(self, what: Callable[[WeChatClient], T]) -> T:
        retrying = Retrying(
            stop=stop_after_attempt(self.attempts),
            reraise=True,
            retry=retry_if_exception(_retriable),
            wait=wait_exponential(multiplier=self.backoff, max=4),
        )
        try:
            return retrying(self._once, what)
        except _StaleToken as exc:  # rejected token after every attempt: WeChat's own error
            raise exc.__cause__ from None  # type: ignore[misc]

    def _once(self, what: Callable[[WeChatClient], T]) -> T:
        try:
            return what(self.client)
        except WeChatClientException as exc:
            if exc.errcode not in TOKEN_ERRORS:
                raise
            log.info("WeChat rejected the access token (%s): fetching a new one", exc.errcode)
            self.storage.discard(_token_of(exc))
            self.client.expires_at = None
            raise _StaleToken from exc

    def send_text(self, openid: str, text: str) -> None:
        self.call(lambda c: c.message.send_text(openid, text))

    def send_template(
        self, openid: str, template_id: str, data: dict[str, Any], url: str | None
    ) -> None:
        self.call(lambda c: c.message.send_template(openid, template_id, data, url=url))

    def create_menu(self, menu: dict[str, Any]) -> None:
        self.call(lambda c: c.menu.create(menu))
