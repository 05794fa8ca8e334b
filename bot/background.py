"""Work an adapter runs after acknowledging the platform, tracked so shutdown can wait for it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

Job = Callable[[], Awaitable[object]]


class BackgroundWork:
    """Tasks for deferred jobs: a failure is logged, not lost; ``idle`` and ``drain`` wait for them."""

    def __init__(self, what: str) -> None:
        self._what = what  # for log lines: "a Slack request", "a Discord event"
        self._tasks: set[asyncio.Task[None]] = set()

    def spawn(self, job: Job) -> None:
        task = asyncio.get_running_loop().create_task(self._run(job))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, job: Job) -> None:
        try:
            await job()
        except Exception:
            log.exception("handling %s failed", self._what)

    @property
    def pending(self) -> int:
        return len(self._tasks)

    async def idle(self) -> None:
        """Wait until no work is left (work started meanwhile is waited for too)."""
        while self._tasks:
            await asyncio.wait(set(self._tasks))

    async def drain(self, timeout_seconds: float) -> None:
        """At shutdown: let work finish (work it starts too) for a while, then cancel what is left."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.idle(), timeout=timeout_seconds)
        unfinished = set(self._tasks)
        for task in unfinished:
            task.cancel()
        if unfinished:
            log.warning("cancelled %d unfinished job(s) handling %s at shutdown", len(unfinished), self._what)
            await asyncio.wait(unfinished)
