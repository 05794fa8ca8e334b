"""Migrations are the source of truth: they build the schema, match the models, and go down and up again."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Integer, MetaData, inspect
from sqlalchemy.engine import Connection

from bot.config import Settings
from bot.runtime import build_app
from bot.store.database import create_engine, redacted
from bot.store.migrate import (
    SchemaOutOfDateError,
    alembic_config,
    current_revision,
    downgrade,
    ensure_schema,
    head_revision,
    upgrade,
)
from bot.store.models import Base
from migrations.target import target_metadata
from tests.conftest import create_database

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
    return await create_database(request.getfixturevalue("postgres_server"), f"m_{uuid.uuid4().hex[:12]}")


def _check(connection: Connection) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.check(config)


async def test_upgrade_check_downgrade_upgrade(empty_database: str) -> None:
    engine = create_engine(empty_database)
    try:
        assert await current_revision(engine) is None
        await upgrade(engine)
        assert await current_revision(engine) == head_revision()
        async with engine.connect() as connection:
            await connection.run_sync(_check)  # models and migrations agree: raises on any drift
            tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
        assert set(Base.metadata.tables) <= tables
        await downgrade(engine, "-1")
        assert await current_revision(engine) != head_revision()
        await upgrade(engine)
        assert await current_revision(engine) == head_revision()
        async with engine.connect() as connection:
            await connection.run_sync(_check)
    finally:
        await engine.dispose()


async def test_drift_is_detected(empty_database: str) -> None:
    """The comparison is real: a model column with no migration behind it is reported."""
    target = target_metadata()
    drifted = MetaData(naming_convention=target.naming_convention)
    for table in target.tables.values():
        table.to_metadata(drifted)
    drifted.tables["members"].append_column(Column("drift_probe", Integer, nullable=True))
    engine = create_engine(empty_database)
    try:
        await upgrade(engine)
        async with engine.connect() as connection:
            clean = await connection.run_sync(lambda c: compare_metadata(MigrationContext.configure(c), target))
            diffs = await connection.run_sync(lambda c: compare_metadata(MigrationContext.configure(c), drifted))
    finally:
        await engine.dispose()
    assert clean == []
    assert [(diff[0], diff[3].name) for diff in diffs] == [("add_column", "drift_probe")]


def test_logged_database_urls_hide_the_password() -> None:
    shown = redacted("postgresql://bot:s3cret@db.internal:5432/practice")
    assert "s3cret" not in shown and "db.internal" in shown


async def test_alembic_command_line_reports_no_drift(empty_database: str) -> None:
    env = {**os.environ, "DATABASE_URL": empty_database}
    for args in (["upgrade", "head"], ["check"]):
        result = subprocess.run(
            [sys.executable, "-m", "alembic", *args], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
    assert "No new upgrade operations detected" in result.stdout + result.stderr


async def test_postgres_behind_is_refused_and_sqlite_upgrades_itself(empty_database: str, tmp_path: Path) -> None:
    settings = Settings.from_env({"DATABASE_URL": empty_database, "PRACTICE_BOT_DATA_DIR": str(tmp_path)})
    if settings.is_embedded_database:
        app = await build_app(settings)
        try:
            assert await current_revision(app.store.engine) == head_revision()
        finally:
            await app.close()
        return
    with pytest.raises(SchemaOutOfDateError, match="practice-bot db upgrade"):
        await build_app(settings)
    engine = create_engine(empty_database)
    try:
        with pytest.raises(SchemaOutOfDateError, match="has no schema yet"):
            await ensure_schema(engine, upgrade_automatically=False)
    finally:
        await engine.dispose()
    env = {**os.environ, "DATABASE_URL": empty_database}
    result = subprocess.run([sys.executable, "-m", "bot.cli", "db", "upgrade"], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert f"at revision {head_revision()} (up to date)" in result.stdout
