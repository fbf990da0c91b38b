"""Browser tests: the real app served by uvicorn on loopback, driven in Debian's Chromium.

One browser for the whole session; every test gets its own server and SQLite database (copied
from the migrated, KB-loaded template of ``tests/conftest.py``) with an editor and a reviewer.
Without /usr/bin/chromium the tests are skipped, unless ``REQUIRE_BROWSER=1`` (then they fail).
Playwright drives the system Chromium: no browser is ever downloaded.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from assistant.app import create_app
from assistant.auth import service as auth_service
from assistant.config import PROJECT_ROOT, Settings
from assistant.db import make_engine, session_scope
from tests.browser import fake_chat, rasa_server
from tests.conftest import KB_DIR
from tests.waiver_support import seed_demo_shared_data

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = PROJECT_ROOT / "test-results" / "browser"
PASSWORD = "correct-horse-9"
EDITOR = ("alice", "李编辑", "editor")
REVIEWER = ("bob", "王审核", "reviewer")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the browser tests last: Playwright's sync API keeps an event loop running in the
    main thread while the browser is open, which would trip later tests that start their own."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {CHROMIUM} is missing (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


expect.set_options(timeout=10_000)  # generous for loaded CI machines; passing steps are fast


@dataclass
class LiveServer:
    url: str

    def api(self, path: str) -> str:
        return f"{self.url}/api/v1{path}"


def _serve(app: FastAPI, port: int = 0) -> tuple[uvicorn.Server, threading.Thread, str]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", port))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    return server, thread, f"http://127.0.0.1:{port}"


@pytest.fixture
def live_server(sqlite_template: Path, tmp_path: Path) -> Iterator[LiveServer]:
    db = tmp_path / "browser.db"
    shutil.copyfile(sqlite_template, db)
    url = f"sqlite:///{db}"
    settings = Settings(environment="test", database_url=url, data_dir=tmp_path, kb_dir=KB_DIR)
    engine = make_engine(url)
    with session_scope(engine) as session:
        for name, display, role in (EDITOR, REVIEWER):
            auth_service.create_user(
                session, username=name, password=PASSWORD, roles=[role], display_name=display
            )
    server, thread, base = _serve(create_app(settings, engine=engine))
    yield LiveServer(base)
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def new_page(browser: Browser, live_server: LiveServer) -> Iterator[Callable[..., Page]]:
    """new_page() → a page in a fresh browser context (own cookies); JS errors fail the test."""
    contexts: list[BrowserContext] = []
    errors: list[str] = []

    def _new(context: BrowserContext | None = None) -> Page:
        if context is None:
            context = browser.new_context(
                base_url=live_server.url, viewport={"width": 1366, "height": 860}, locale="zh-CN"
            )
            context.set_default_timeout(10_000)
            contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        return page

    yield _new
    for c in contexts:
        c.close()
    assert not errors, f"JavaScript errors in the console: {errors}"


def login(page: Page, username: str) -> None:
    page.goto("/console")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("button", name="退出登录").wait_for()


def screenshot(page: Page, name: str, *, full_page: bool = False) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


# ---------------------------------------------------------------- citizen and greeter pages

PHONE = {"width": 390, "height": 844}
TABLET = {"width": 1024, "height": 768}
SHANWEI = {"latitude": 22.7875, "longitude": 115.3755}  # beside 汕尾市民服务中心
GREETER = ("zhou", "周导办", "greeter")
MONDAY_MORNING = datetime(2026, 11, 23, 8, 30)  # a working day: every slot of the week is open


@dataclass
class Site:
    url: str
    app: FastAPI
    uses_fake_chat: bool


@pytest.fixture
def site(sqlite_template: Path, tmp_path: Path) -> Iterator[Site]:
    """The app for the citizen and greeter pages: its own SQLite copy with the demo citizens'
    shared data, a greeter and an editor, and a fixed clock for bookings.

    The dialogue server is not started: the chat answers in degraded mode (the app's own
    retrieval), or through ``fake_chat`` while the conversation gateway is not in main.
    """
    db = tmp_path / "browser.db"
    shutil.copyfile(sqlite_template, db)
    url = f"sqlite:///{db}"
    settings = Settings(
        environment="test",
        database_url=url,
        data_dir=tmp_path,
        kb_dir=KB_DIR,
        rasa_url="http://127.0.0.1:9",  # nothing listens there: degraded mode at once
    )
    engine = make_engine(url)
    with session_scope(engine) as session:
        for name, display, role in (GREETER, EDITOR):
            auth_service.create_user(
                session, username=name, password=PASSWORD, roles=[role], display_name=display
            )
    seed_demo_shared_data(engine)
    app = create_app(settings, engine=engine)
    app.state.clock = lambda: MONDAY_MORNING  # the booking domain's wall-clock
    fake = "/api/v1/chat" not in app.openapi()["paths"]
    if fake:
        app.include_router(fake_chat.router)
    server, thread, base = _serve(app)
    yield Site(base, app, fake)
    server.should_exit = True
    thread.join(timeout=10)
    engine.dispose()


@pytest.fixture
def open_page(browser: Browser, site: Site) -> Iterator[Callable[..., Page]]:
    """open_page(viewport=PHONE) → a page of ``site`` in a fresh context, allowed to know its
    position (汕尾); JavaScript errors fail the test."""
    yield from _pages(browser, site)


@pytest.fixture
def open_dialogue_page(browser: Browser, dialogue_site: Site) -> Iterator[Callable[..., Page]]:
    """open_dialogue_page(viewport=PHONE) → like ``open_page``, on ``dialogue_site``."""
    yield from _pages(browser, dialogue_site)


def _pages(browser: Browser, site: Site) -> Iterator[Callable[..., Page]]:
    contexts: list[BrowserContext] = []
    errors: list[str] = []
    refused: list[str] = []  # shown with a failure's captured output

    def _open(viewport: dict[str, int] = PHONE) -> Page:
        context = browser.new_context(
            base_url=site.url,
            viewport=viewport,
            locale="zh-CN",
            geolocation=SHANWEI,
            permissions=["geolocation"],
            has_touch=viewport == PHONE,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("response", lambda r: r.status >= 400 and refused.append(f"{r.status} {r.url}"))
        return page

    yield _open
    for c in contexts:
        c.close()
    print("HTTP errors the pages saw:", refused or "none")
    assert not errors, f"JavaScript errors: {errors}"


@pytest.fixture(scope="module")
def dialogue_site(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    """The citizen pages with the real dialogue server: the app (demo citizens' shared data,
    fixed clock) and ``rasa run`` with the trained model, its custom actions at the app's
    ``/webhook``. One pair for the module: Rasa takes minutes to start. Every browser context
    is a new web-chat session, hence a new conversation."""
    rasa_server.require_rasa()
    tmp = tmp_path_factory.mktemp("dialogue")
    db = tmp / "browser.db"
    shutil.copyfile(sqlite_template, db)
    url = f"sqlite:///{db}"
    engine = make_engine(url)
    seed_demo_shared_data(engine)
    app_port = rasa_server.free_port()
    with rasa_server.running_rasa(app_port=app_port, workdir=tmp) as rasa_url:
        settings = Settings(
            environment="test",
            database_url=url,
            data_dir=tmp,
            kb_dir=KB_DIR,
            port=app_port,
            rasa_url=rasa_url,
            # This is about the dialogue, not the degraded mode (tested with a fake Rasa): a
            # turn slowed down by a busy CI machine must not fall back to the app's NLU.
            rasa_timeout_seconds=30,
        )
        app = create_app(settings, engine=engine)
        app.state.clock = lambda: MONDAY_MORNING
        server, thread, base = _serve(app, port=app_port)
        yield Site(base, app, uses_fake_chat=False)
        server.should_exit = True
        thread.join(timeout=10)
    engine.dispose()
