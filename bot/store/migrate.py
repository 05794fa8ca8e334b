"""Running and checking Alembic migrations from the bot itself.

The embedded SQLite database upgrades itself on start. A PostgreSQL database that is behind is
refused at start: several processes may share it, and schema changes there are an operator's call.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"


class SchemaOutOfDateError(RuntimeError):
    """The database schema is not the one this version of the bot needs."""


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def current_revision(engine: AsyncEngine) -> str | None:
    async with engine.connect() as connection:
        return await connection.run_sync(_current)


async def _run(engine: AsyncEngine, command_function: Callable[[Config, str], None], revision: str) -> None:
    def run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command_function(config, revision)

    async with engine.begin() as connection:
        await connection.run_sync(run)


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    await _run(engine, command.upgrade, revision)


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    await _run(engine, command.downgrade, revision)


async def ensure_schema(engine: AsyncEngine, *, upgrade_automatically: bool) -> None:
    head = head_revision()
    current = await current_revision(engine)
    if current == head:
        return
    if upgrade_automatically:
        await upgrade(engine)
        return
    state = "has no schema yet" if current is None else f"is at revision {current}"
    raise SchemaOutOfDateError(
        f"the database {state}; this version needs revision {head}. Run `practice-bot db upgrade` "
        "(with the same DATABASE_URL) and start the bot again."
    )
