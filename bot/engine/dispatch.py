"""Driving the engine: hand it an event, deliver the effects through an adapter, record the receipts.

Adapters implement ``Outbox`` (the "deliver" part of an adapter) and call ``Dispatcher.process`` after
they have acknowledged the platform. Events about the same thread are processed one at a time, so an
edit cannot overtake the answer it edits; different threads run concurrently.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Hashable
from typing import Protocol

from bot.effects import Effect, Receipt
from bot.engine.core import Engine
from bot.events import (
    AnswerDeleted,
    AnswerEdited,
    AnswerPosted,
    CommandInvoked,
    Event,
    MockRequested,
    ReactionAdded,
    ReactionRemoved,
)
from bot.refs import Platform

log = logging.getLogger(__name__)


class DeliveryError(Exception):
    """The platform refused an effect. ``retryable`` when trying again later may succeed."""

    def __init__(self, reason: str, *, retryable: bool) -> None:
        super().__init__(reason)
        self.retryable = retryable


class Outbox(Protocol):
    async def deliver(self, effect: Effect, *, cause: Event | None) -> Receipt | None:
        """Make the platform calls for ``effect``; return what was created, if the engine needs it."""
        ...


def ordering_key(event: Event) -> Hashable:
    """Events with equal keys are processed one after another."""
    match event:
        case AnswerPosted() | AnswerEdited() | AnswerDeleted():
            return ("thread", event.message.channel, event.message.thread_id or event.message.message_id)
        case ReactionAdded() | ReactionRemoved():
            return ("message", event.message.channel, event.message.message_id)
        case CommandInvoked() | MockRequested():
            return ("member", event.user)
        case _:
            return ("other", type(event).__name__, getattr(event, "channel", None))


class Dispatcher:
    def __init__(self, engine: Engine, outbox: Outbox) -> None:
        self.engine = engine
        self.outbox = outbox
        self._locks: dict[Hashable, asyncio.Lock] = {}
        self._waiting: dict[Hashable, int] = {}

    async def process(self, event: Event) -> list[Effect]:
        """Handle one event and deliver its effects. Engine errors propagate; delivery errors are recorded."""
        key = ordering_key(event)
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
                effects = await self.engine.handle(event)
                for effect in effects:
                    await self._deliver(effect, event)
                return effects
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:
                del self._waiting[key]
                del self._locks[key]

    async def deliver_all(self, effects: list[Effect], *, cause: Event | None = None) -> None:
        """Deliver effects the engine produced outside ``process`` (a channel's first question)."""
        for effect in effects:
            await self._deliver(effect, cause)

    async def _deliver(self, effect: Effect, cause: Event | None) -> None:
        try:
            receipt = await self.outbox.deliver(effect, cause=cause)
        except DeliveryError as error:
            await self.engine.delivery_failed(effect, str(error), retryable=error.retryable)
            return
        except Exception as error:  # an adapter bug must not lose the other effects of this event
            log.exception("delivering %s failed", type(effect).__name__)
            await self.engine.delivery_failed(effect, f"{type(error).__name__}: {error}", retryable=True)
            return
        if receipt is not None:
            await self.engine.record(effect, receipt)

    async def process_safely(self, event: Event) -> list[Effect]:
        """``process`` for adapter edges: logs and swallows errors so one bad event can't stop the bot."""
        try:
            return await self.process(event)
        except Exception:
            log.exception("handling %s failed", type(event).__name__)
            return []

    async def tick(self, platform: Platform) -> int:
        """Find due work and process it; returns how many events were handled."""
        events = await self.engine.due_events(platform)
        for event in events:
            await self.process_safely(event)
        return len(events)
