"""Assembling and running the bot: packs, store, engine, scheduler, and one platform adapter."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from dataclasses import dataclass, field

from bot import logs
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.engine import Deps, Dispatcher, Engine, EngineConfig, Outbox
from bot.platforms import RunOptions, choose, discover
from bot.questions import Catalog, load_catalog
from bot.store.database import create_engine, redacted
from bot.store.migrate import SchemaOutOfDateError, current_revision, ensure_schema, head_revision, upgrade
from bot.store.sql import SqlStore

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class BotApp:
    settings: Settings
    catalog: Catalog
    store: SqlStore
    engine: Engine
    clock: Clock
    dispatchers: list[Dispatcher] = field(default_factory=list)

    def dispatcher(self, outbox: Outbox) -> Dispatcher:
        """A dispatcher for an adapter's outbox; ``close`` flushes it before the store closes."""
        dispatcher = Dispatcher(self.engine, outbox)
        self.dispatchers.append(dispatcher)
        return dispatcher

    async def close(self) -> None:
        for dispatcher in self.dispatchers:
            try:
                await dispatcher.close()
            except Exception:
                log.exception("flushing a dispatcher at shutdown failed")
        await self.store.close()


async def build_app(settings: Settings, *, clock: Clock | None = None) -> BotApp:
    """Load and validate packs, open and check the database, build the engine. Fails before serving."""
    catalog = load_catalog(settings.extra_question_dirs)
    database = create_engine(settings.database_url)
    try:
        await ensure_schema(database, upgrade_automatically=settings.is_embedded_database)
    except BaseException:
        await database.dispose()
        raise
    store = SqlStore(database)
    clock = clock or SystemClock()
    config = EngineConfig(grace=settings.grace)
    engine = Engine(Deps(store=store, catalog=catalog, clock=clock, config=config))
    log.info(
        "loaded %d questions in %d packs; database %s",
        len(catalog),
        len(catalog.packs),
        redacted(settings.database_url),
    )
    return BotApp(settings, catalog, store, engine, clock)


async def _db(settings: Settings, action: str) -> int:
    database = create_engine(settings.database_url)
    try:
        if action == "upgrade":
            await upgrade(database)
        current = await current_revision(database)
        head = head_revision()
        state = "up to date" if current == head else f"behind: run `practice-bot db upgrade` to reach {head}"
        print(f"database {redacted(settings.database_url)} is at revision {current or 'none'} ({state})")  # noqa: T201
        return 0 if current == head else 1
    finally:
        await database.dispose()


def db_command(settings: Settings, action: str) -> int:
    return asyncio.run(_db(settings, action))


async def _serve(settings: Settings, platform: str | None, options: RunOptions) -> int:
    plugins = discover()
    plugin = choose(plugins, platform, settings.env)
    plugin.check(settings.env, options)
    if plugin.interactive:
        log_file = logs.send_to_file(settings.data_dir)
        print(f"practice-bot: logs go to {log_file}", file=sys.stderr)  # noqa: T201
    try:
        app = await build_app(settings)
    except SchemaOutOfDateError as error:
        log.error("%s", error)
        return 2
    loop = asyncio.get_running_loop()
    serving = asyncio.ensure_future(plugin.run(app, options))
    for stop_signal in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):  # not every platform's loop supports signal handlers
            loop.add_signal_handler(stop_signal, serving.cancel)
    log.info("running on %s", plugin.name)
    try:
        await serving
    except asyncio.CancelledError:
        log.info("stopping")
    finally:
        await app.close()
    return 0


def run_command(settings: Settings, platform: str | None, *, http: bool, host: str, port: int) -> int:
    return asyncio.run(_serve(settings, platform, RunOptions(http=http, host=host, port=port)))
