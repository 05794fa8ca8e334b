"""Acknowledge first: work on a request starts only once its acknowledgement has gone out.

Bolt runs a listener in its own task, so a listener could reach the store or the Web API before the
HTTP response (or the Socket Mode ack) has been written. Listeners therefore only ``defer`` work onto
the request's ``AfterAck`` gate; the transport (``server``/``socket_mode``) releases the gate after it
has sent the acknowledgement. Released work runs as tracked background tasks, so shutdown can wait for
it instead of cutting it off.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterator, Mapping
from typing import Any

log = logging.getLogger(__name__)

AFTER_ACK = "practice_bot_after_ack"
Job = Callable[[], Awaitable[None]]


class BackgroundWork:
    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    def spawn(self, job: Job) -> None:
        task = asyncio.get_running_loop().create_task(self._run(job))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @staticmethod
    async def _run(job: Job) -> None:
        try:
            await job()
        except Exception:
            log.exception("handling a Slack request failed")

    @property
    def pending(self) -> int:
        return len(self._tasks)

    async def idle(self) -> None:
        """Wait until no work is left (work started meanwhile is waited for too)."""
        while self._tasks:
            await asyncio.wait(set(self._tasks))

    async def drain(self, timeout_seconds: float) -> None:
        """At shutdown: let running work finish for a while, then cancel what is left."""
        if not self._tasks:
            return
        _, unfinished = await asyncio.wait(set(self._tasks), timeout=timeout_seconds)
        for task in unfinished:
            task.cancel()
        if unfinished:
            log.warning("cancelled %d unfinished Slack request(s) at shutdown", len(unfinished))
            await asyncio.wait(unfinished)


class AfterAck:
    """One request's deferred work, held until its acknowledgement is sent."""

    def __init__(self, work: BackgroundWork) -> None:
        self._work = work
        self._jobs: list[Job] = []
        self._released = False

    def defer(self, job: Job) -> None:
        if self._released:
            self._work.spawn(job)
        else:
            self._jobs.append(job)

    def release(self) -> None:
        self._released = True
        jobs, self._jobs = self._jobs, []
        for job in jobs:
            self._work.spawn(job)


@contextlib.contextmanager
def after_ack(work: BackgroundWork) -> Iterator[dict[str, Any]]:
    """A Bolt request context with a fresh gate, released when the block ends (the ack has been sent)."""
    gate = AfterAck(work)
    try:
        yield {AFTER_ACK: gate}
    finally:
        gate.release()


def defer(context: Mapping[str, Any], job: Job, work: BackgroundWork) -> None:
    """Run ``job`` after the request's acknowledgement (at once if the request came without a gate)."""
    gate = context.get(AFTER_ACK)
    if isinstance(gate, AfterAck):
        gate.defer(job)
    else:
        work.spawn(job)
