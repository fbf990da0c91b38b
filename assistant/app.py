"""The FastAPI application: one process serving the API, the channels and the consoles."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy.engine import Engine

from assistant import __version__
from assistant.api import api_router
from assistant.config import Settings
from assistant.conversation.chat import Conversation
from assistant.conversation.router import webhook_router
from assistant.db import make_engine
from assistant.errors import install_handlers
from assistant.kb.snapshot import KbCache
from assistant.nlu.runtime import Nlu
from assistant.nlu.service import attached_loader
from assistant.timeutil import local_now
from assistant.waiver.providers import provider_factory
from assistant.web.router import STATIC_DIR
from assistant.web.router import router as web_router
from channels.webchat.router import router as webchat_router
from channels.wechat.channel import WeChatChannel
from channels.wechat.router import router as wechat_router

log = logging.getLogger("assistant")


def create_app(settings: Settings | None = None, *, engine: Engine | None = None) -> FastAPI:
    settings = settings or Settings()
    engine = engine or make_engine(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        _app.state.conversation.warm_up()  # the NLU pipeline, built before the first question
        yield
        await _app.state.wechat.drain(timeout=10)  # answers still on their way to WeChat
        await _app.state.conversation.aclose()
        engine.dispose()

    app = FastAPI(
        title="智导 · 政务服务智能导办 API",
        version=__version__,
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.kb_cache = KbCache(engine)
    app.state.clock = local_now  # the city's wall-clock; tests replace it with a fixed time
    app.state.shared_data = provider_factory(settings)
    app.state.wechat = WeChatChannel(settings, engine)
    app.state.nlu = Nlu(attached=attached_loader(engine))
    app.state.conversation = Conversation(app.state)  # Rasa gateway + custom-action executor
    install_handlers(app)
    # Rasa's custom-action calls (POST /webhook, one path, several a turn) are matched first:
    # FastAPI tries routes one by one, ~3 µs each, and this path came after all of them (0.4 ms).
    app.include_router(webhook_router)
    app.include_router(api_router())
    app.include_router(web_router)
    app.include_router(webchat_router)
    app.include_router(wechat_router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    return app
