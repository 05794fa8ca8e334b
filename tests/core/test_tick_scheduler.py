"""Stopping the tick lets a tick in progress finish instead of cancelling it half-way."""

from __future__ import annotations

import asyncio
from typing import Any, cast

from bot.engine import Dispatcher
from bot.refs import Platform
from bot.scheduling.runner import TickScheduler


class SlowDispatcher:
    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.release = asyncio.Event()
        self.finished = 0
        self.cancelled = 0

    async def tick(self, platform: Platform) -> int:
        self.started.set()
        try:
            await self.release.wait()
        except asyncio.CancelledError:
            self.cancelled += 1
            raise
        self.finished += 1
        return 0


async def test_stop_waits_for_a_running_tick_to_finish() -> None:
    dispatcher = SlowDispatcher()
    ticks = TickScheduler(cast(Dispatcher, cast(Any, dispatcher)), Platform.CONSOLE, interval_seconds=3600)
    ticks.start()
    await asyncio.wait_for(dispatcher.started.wait(), 5)
    stopping = asyncio.create_task(ticks.stop(wait_seconds=5))
    await asyncio.sleep(0)  # let stop() begin while the tick is still running
    assert not stopping.done()
    dispatcher.release.set()
    await asyncio.wait_for(stopping, 5)
    assert (dispatcher.finished, dispatcher.cancelled) == (1, 0)


async def test_stop_cancels_a_tick_that_outlives_the_wait() -> None:
    dispatcher = SlowDispatcher()
    ticks = TickScheduler(cast(Dispatcher, cast(Any, dispatcher)), Platform.CONSOLE, interval_seconds=3600)
    ticks.start()
    await asyncio.wait_for(dispatcher.started.wait(), 5)
    await ticks.stop(wait_seconds=0.05)
    await asyncio.sleep(0)
    assert (dispatcher.finished, dispatcher.cancelled) == (0, 1)
