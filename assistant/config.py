"""The one configuration object: environment variables with embedded defaults.

Every setting can be given as ``ASSISTANT_<NAME>`` (``DATABASE_URL`` also works without the
prefix, as most hosting platforms set it). Nothing else in the code reads the environment.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from urllib.parse import urlparse

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSECURE_SECRET = "development-only-secret-change-me"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ASSISTANT_", env_file=".env", extra="ignore", populate_by_name=True
    )

    environment: Literal["development", "test", "production"] = "development"
    data_dir: Path = PROJECT_ROOT / "data"
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("ASSISTANT_DATABASE_URL", "DATABASE_URL")
    )
    kb_dir: Path = PROJECT_ROOT / "guides_kb"
    shared_dir: Path = PROJECT_ROOT.parent / "shared"  # evaluation questions, scale item names
    secret_key: str = INSECURE_SECRET
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    public_base_url: str | None = Field(
        default=None, description="Base of links in replies; default http://HOST:PORT"
    )
    log_level: str = "INFO"

    # Accounts: demo accounts only from configuration, e.g. "editor:alice:pw1,reviewer:bob:pw2".
    demo_accounts: str | None = None
    session_hours: int = Field(default=12, ge=1, le=24 * 30)

    # Conversation (Rasa servers in their own processes). One Rasa server runs on one core (one
    # event loop): two by default, so that a 2-core machine serves twenty citizens at once
    # (scripts/bench_conversation.sh: p50 66 ms instead of 78, p99 187 instead of 243, at ~1.25 GiB
    # each). Comma-separated; each conversation always goes to the same server (its turns stay
    # in order and its tracker in that server's memory). Change the list only with the Rasa
    # servers restarted.
    rasa_url: str = "http://127.0.0.1:5005,http://127.0.0.1:5006"
    rasa_timeout_seconds: float = Field(default=1.5, gt=0, le=30)
    rasa_tracker_store_url: str | None = Field(
        default=None, description="Rasa's tracker store; default SQLite file under DATA_DIR/rasa"
    )
    rasa_lock_store_url: str | None = Field(
        default=None, description="redis://host:port/db when several Rasa instances run"
    )

    # Citizen-facing limits.
    max_question_chars: int = Field(default=500, ge=10, le=5000)

    # Waivers: shared-data provider ("local" store in the app database, or "http").
    shared_data_provider: Literal["local", "http"] = "local"
    shared_data_url: str | None = None
    shared_data_timeout_seconds: float = Field(default=2.0, gt=0, le=30)
    shared_data_retries: int = Field(default=1, ge=0, le=5)
    shared_data_breaker_failures: int = Field(default=5, ge=1, le=100)
    shared_data_breaker_reset_seconds: float = Field(default=30.0, gt=0, le=3600)
    shared_data_province: str = "广东省"  # whose 电子证照库 this is (region-scoped licences)
    waiver_checks_per_minute: int = Field(default=10, ge=1, le=1000)  # per requester

    # Bookings.
    booking_horizon_working_days: int = Field(default=7, ge=1, le=60)
    timezone: str = "Asia/Shanghai"

    # WeChat Official Account.
    wechat_token: str | None = None
    wechat_app_id: str | None = None
    wechat_app_secret: str | None = None
    wechat_aes_key: str | None = None
    wechat_api_base: str = "https://api.weixin.qq.com/cgi-bin/"
    wechat_reminder_template_id: str | None = None
    wechat_reply_deadline_seconds: float = Field(
        default=4.5, gt=0, le=4.8, description="passive reply within this, else customer-service"
    )

    @model_validator(mode="after")
    def _rasa_urls_are_urls(self) -> Settings:
        urls = self.rasa_urls
        if not urls or any(urlparse(u).scheme not in ("http", "https") for u in urls):
            raise ValueError(
                f"rasa_url: one or more http(s) URLs, comma-separated: {self.rasa_url!r}"
            )
        if len(set(urls)) != len(urls):
            raise ValueError(f"rasa_url: a Rasa server is listed twice: {self.rasa_url!r}")
        return self

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> Settings:
        if self.environment == "production" and self.secret_key == INSECURE_SECRET:
            raise ValueError("ASSISTANT_SECRET_KEY must be set to a real secret in production")
        return self

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'assistant.db').as_posix()}"

    @property
    def rasa_urls(self) -> list[str]:
        return [u.strip().rstrip("/") for u in self.rasa_url.split(",") if u.strip()]

    @property
    def base_url(self) -> str:
        return (self.public_base_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def is_sqlite(self) -> bool:
        return self.effective_database_url.startswith("sqlite")
