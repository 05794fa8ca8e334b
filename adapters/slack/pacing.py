"""Posting at most one message per second per channel, as Slack asks of ``chat.postMessage``.

Each caller reserves the next free slot for its channel and sleeps until it comes, so posts to one
channel go out in the order they were asked for and bursts are spread out instead of refused.
Different channels never wait for each other. (HTTP 429 answers are handled separately, by the Web
API client's retry handler, which waits out ``Retry-After``.)
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Hashable

MAX_TRACKED = 10_000


class ChannelPacer:
    def __init__(
        self,
        interval_seconds: float = 1.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.interval = interval_seconds
        self._clock = clock
        self._sleep = sleep
        self._next_free: dict[Hashable, float] = {}

    async def wait_turn(self, channel: Hashable) -> None:
        if self.interval <= 0:
            return
        now = self._clock()
        slot = max(now, self._next_free.get(channel, now))
        self._next_free[channel] = slot + self.interval
        if len(self._next_free) > MAX_TRACKED:
            self._forget_idle(now)
        if slot > now:
            await self._sleep(slot - now)

    def _forget_idle(self, now: float) -> None:
        for channel in [key for key, free_at in self._next_free.items() if free_at <= now]:
            del self._next_free[channel]
