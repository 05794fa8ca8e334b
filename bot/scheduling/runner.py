"""The tick: one APScheduler interval job that asks the engine what is due and processes it.

One job for all channels, not one per channel: the due query is indexed, the store's claims keep it
exactly-once across processes, and the first tick runs at start so posts missed while the bot was
down are found at once (and sent if still inside the grace window).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.engine import Dispatcher
from bot.refs import Platform

log = logging.getLogger(__name__)


class TickScheduler:
    def __init__(self, dispatcher: Dispatcher, platform: Platform, interval_seconds: float) -> None:
        self._dispatcher = dispatcher
        self._platform = platform
        self._interval = interval_seconds
        self._scheduler = AsyncIOScheduler(timezone=UTC)
        self._running: set[asyncio.Task[object]] = set()

    async def tick(self) -> int:
        task = asyncio.current_task()
        if task is not None:
            self._running.add(task)
        try:
            handled = await self._dispatcher.tick(self._platform)
        except Exception:
            log.exception("scheduler tick failed; the next tick will try again")
            return 0
        finally:
            if task is not None:
                self._running.discard(task)
        if handled:
            log.info("tick handled %d due item(s)", handled)
        return handled

    def start(self) -> None:
        self._scheduler.add_job(
            self.tick,
            IntervalTrigger(seconds=self._interval, timezone=UTC),
            id="tick",
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
            next_run_time=datetime.now(UTC),
        )
        self._scheduler.start()

    async def stop(self, wait_seconds: float = 10.0) -> None:
        """Stop ticking and let a tick in progress finish, so the store is never closed under it."""
        # Pause first: shutting APScheduler's asyncio executor down cancels a job that is running,
        # which could leave a question claimed but never posted.
        if self._scheduler.running:
            self._scheduler.pause()
        if self._running:
            _, pending = await asyncio.wait(set(self._running), timeout=wait_seconds)
            for task in pending:
                task.cancel()
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
