"""Shared fixtures: question packs, real databases (SQLite and a throwaway PostgreSQL), the engine harness."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import pytest
import pytest_asyncio

from bot.clock import ManualClock
from bot.questions import Catalog, load_catalog
from bot.questions.loader import load_packs, pack_files
from bot.store.database import create_engine
from bot.store.migrate import upgrade
from bot.store.sql import SqlStore
from tests.support.harness import Harness
from tests.support.postgres import TemporaryPostgres, start_temporary_postgres

FIXTURE_PACKS = Path(__file__).parent / "fixtures" / "packs"
IN_CI = os.environ.get("CI", "").lower() == "true"
TEMPLATE_DB = "pb_template"
T = TypeVar("T")


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    """Small, fixed packs so engine tests do not depend on the shipped question bank."""
    return load_packs(pack_files([FIXTURE_PACKS]))


@pytest.fixture(scope="session")
def shipped_catalog() -> Catalog:
    return load_catalog()


# -- PostgreSQL --------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """Admin URL of a PostgreSQL server: PRACTICE_BOT_TEST_POSTGRES_URL, or a throwaway local one."""
    given = os.environ.get("PRACTICE_BOT_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    try:
        server: TemporaryPostgres = start_temporary_postgres()
    except (RuntimeError, OSError) as error:
        if IN_CI:
            pytest.fail(f"PostgreSQL is required when CI=true: {error}")
        pytest.skip(f"PostgreSQL tests need a server: {error}")
    try:
        yield server.url
    finally:
        server.stop()


def _with_database(admin_url: str, name: str) -> str:
    return admin_url.rsplit("/", 1)[0] + "/" + name


async def create_database(admin_url: str, name: str, template: str | None = None) -> str:
    connection = await asyncpg.connect(admin_url)
    try:
        suffix = f' TEMPLATE "{template}"' if template else ""
        await connection.execute(f'CREATE DATABASE "{name}"{suffix}')
    finally:
        await connection.close()
    return _with_database(admin_url, name)


def run_in_own_loop(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion on a fresh loop in a worker thread (a test's loop may be running)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def _migrate(url: str) -> None:
    engine = create_engine(url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def postgres_template(postgres_server: str) -> str:
    """A database migrated once to head; each test copies it (CREATE DATABASE ... TEMPLATE)."""

    async def build() -> None:
        url = await create_database(postgres_server, TEMPLATE_DB)
        await _migrate(url)

    run_in_own_loop(build())
    return TEMPLATE_DB


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    run_in_own_loop(_migrate(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest_asyncio.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, migrated database of each kind."""
    if request.param == "sqlite":
        path = tmp_path / "bot.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite+aiosqlite:///{path}"
    admin: str = request.getfixturevalue("postgres_server")
    template: str = request.getfixturevalue("postgres_template")
    return await create_database(admin, f"t_{uuid.uuid4().hex[:16]}", template)


@pytest_asyncio.fixture
async def store(database_url: str) -> AsyncIterator[SqlStore]:
    sql_store = SqlStore(create_engine(database_url))
    try:
        yield sql_store
    finally:
        await sql_store.close()


@pytest.fixture
def clock() -> ManualClock:
    # A Monday morning in Berlin's winter time.
    return ManualClock(datetime(2026, 11, 23, 7, 0, tzinfo=UTC))


@pytest.fixture
def harness(store: SqlStore, catalog: Catalog, clock: ManualClock) -> Harness:
    return Harness(store=store, catalog=catalog, clock=clock)
