"""Shared fixtures.

Database tests take the ``database_url`` fixture (or anything built on it: ``engine``,
``client``). It is parametrised over the embedded SQLite default and PostgreSQL, so each such
test runs on both. Every test gets a database of its own, copied from a template that was
migrated and loaded with the bundled KB once per run: tests never see each other's writes, and
concurrency tests can commit for real.

PostgreSQL comes from ``TEST_POSTGRES_URL`` (an admin URL, e.g.
``postgresql://postgres@127.0.0.1:5432/postgres``); without it the PostgreSQL half is skipped,
unless ``REQUIRE_POSTGRES=1`` (as in CI), which turns the skip into a failure.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine, make_url

from assistant.app import create_app
from assistant.auth import service as auth_service
from assistant.auth.models import User
from assistant.config import PROJECT_ROOT, Settings
from assistant.db import make_engine, migrate, session_scope
from assistant.kb import files, importer

KB_DIR = PROJECT_ROOT / "guides_kb"
# The project's shared material (catalog, demo city, dev questions) sits beside the checkout.
SHARED_DIR = Path(os.environ.get("ASSISTANT_SHARED_DIR", PROJECT_ROOT.parent / "shared"))
PG_URL = os.environ.get("TEST_POSTGRES_URL")
REQUIRE_PG = os.environ.get("REQUIRE_POSTGRES") == "1"


@pytest.fixture(scope="session")
def kb_bundle() -> files.Bundle:
    bundle, problems = files.load_bundle(KB_DIR)
    assert not problems, "\n".join(map(str, problems))
    return bundle


def _prepare(url: str, bundle: files.Bundle) -> None:
    engine = make_engine(url)
    try:
        migrate(engine)
        with session_scope(engine) as session:
            importer.import_bundle(session, bundle)
        for hook in PREPARE_HOOKS:
            hook(engine)
    finally:
        engine.dispose()


# Domains whose tests need more seed data in every database (e.g. the demo shared-data store)
# append a callable taking the engine; it runs once, on the template.
PREPARE_HOOKS: list[Callable[[Engine], None]] = []


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory, kb_bundle: files.Bundle) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    _prepare(f"sqlite:///{path}", kb_bundle)
    return path


def _pg_admin() -> psycopg.Connection:
    assert PG_URL
    return psycopg.connect(
        PG_URL.replace("postgresql+psycopg://", "postgresql://"), autocommit=True
    )


@pytest.fixture(scope="session")
def pg_template(kb_bundle: files.Bundle) -> Iterator[str]:
    if not PG_URL:
        if REQUIRE_PG:
            pytest.fail("REQUIRE_POSTGRES=1 but TEST_POSTGRES_URL is not set")
        pytest.skip("PostgreSQL not configured (set TEST_POSTGRES_URL)")
    name = f"zd_template_{uuid.uuid4().hex[:8]}"
    with _pg_admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    _prepare(_pg_db_url(name), kb_bundle)
    yield name
    with _pg_admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _pg_db_url(name: str) -> str:
    assert PG_URL
    return (
        make_url(PG_URL)
        .set(drivername="postgresql+psycopg", database=name)
        .render_as_string(hide_password=False)
    )


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "test.db"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    template_name: str = request.getfixturevalue("pg_template")
    name = f"zd_test_{uuid.uuid4().hex[:10]}"
    with _pg_admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"')
    yield _pg_db_url(name)
    with _pg_admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    eng = make_engine(database_url)
    yield eng
    eng.dispose()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(environment="test", database_url=database_url, data_dir=tmp_path, kb_dir=KB_DIR)


@pytest.fixture
def client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine=engine)) as c:
        yield c


@pytest.fixture
def make_user(engine: Engine) -> Callable[..., User]:
    def _make(username: str, *roles: str, password: str = "correct-horse-9") -> User:
        with session_scope(engine) as session:
            return auth_service.create_user(
                session, username=username, password=password, roles=list(roles)
            )

    return _make


@pytest.fixture
def login(client: TestClient, make_user: Callable[..., User]) -> Callable[..., TestClient]:
    """Create a user with roles and return a client logged in as that user."""

    def _login(username: str, *roles: str) -> TestClient:
        make_user(username, *roles)
        c = TestClient(client.app)
        r = c.post("/api/v1/auth/login", json={"username": username, "password": "correct-horse-9"})
        assert r.status_code == 200, r.text
        return c

    return _login
