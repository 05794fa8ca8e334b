"""Acknowledge first: work on a request starts only once its acknowledgement has gone out.

Bolt runs a listener in its own task, so a listener could reach the store or the Web API before the
HTTP response (or the Socket Mode ack) has been written. Listeners therefore only ``defer`` work onto
the request's ``AfterAck`` gate; the transport (``server``/``socket_mode``) releases the gate after it
has sent the acknowledgement. Released work runs as ``BackgroundWork``, so shutdown can wait for it
instead of cutting it off.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from typing import Any

from bot.background import BackgroundWork, Job

AFTER_ACK = "practice_bot_after_ack"


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
