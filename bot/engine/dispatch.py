"""Driving the engine: hand it an event, deliver the effects through an adapter, record the receipts.

Adapters implement ``Outbox`` (the "deliver" part of an adapter) and call ``Dispatcher.process`` after
they have acknowledged the platform. Events about the same thread are processed one at a time, so an
edit cannot overtake the answer it edits; different threads run concurrently. A vote waits for an
answer to the same message that was handed over before it and is still being stored and scored.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Hashable
from typing import Protocol

from bot.effects import Effect, PostQuestion, Receipt, ReplyInThread, ThreadReceipt
from bot.engine.core import Engine
from bot.engine.receipts import FeedbackReceipts, QuestionReceipts
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
from bot.refs import ChannelRef, MessageRef, Platform

log = logging.getLogger(__name__)

# Questions for different channels are posted concurrently, this many at a time; adapters still
# pace each channel under the platform's rate limits.
POST_CONCURRENCY = 16


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


class AnswersInFlight:
    """Answers handed to the dispatcher and not yet handled, by message, for the votes on them to wait for."""

    def __init__(self) -> None:
        self._pending: dict[tuple[ChannelRef, str], asyncio.Future[None]] = {}

    @staticmethod
    def _key(message: MessageRef) -> tuple[ChannelRef, str]:
        return message.channel, message.message_id  # reactions name the message without its thread

    def start(self, message: MessageRef) -> Callable[[], None]:
        """Mark an answer in flight; call the returned function once it has been handled."""
        key, future = self._key(message), asyncio.get_running_loop().create_future()
        self._pending[key] = future

        def finish() -> None:
            future.set_result(None)
            if self._pending.get(key) is future:
                del self._pending[key]

        return finish

    def handled(self, message: MessageRef) -> Awaitable[object] | None:
        """What a vote on ``message`` waits for: the answer in flight there, if any (never cancelled by it)."""
        future = self._pending.get(self._key(message))
        return None if future is None else asyncio.wait([future])


class Dispatcher:
    def __init__(self, engine: Engine, outbox: Outbox) -> None:
        self.engine = engine
        self.outbox = outbox
        self._locks: dict[Hashable, asyncio.Lock] = {}
        self._waiting: dict[Hashable, int] = {}
        self._answers = AnswersInFlight()
        self.receipts = FeedbackReceipts(engine)
        self.questions = QuestionReceipts(engine)

    def process(self, event: Event, *, after: Awaitable[object] | None = None) -> Awaitable[list[Effect]]:
        """Handle one event and deliver its effects. Engine errors propagate; delivery errors are recorded.

        Not a coroutine function on purpose: an answer counts as in flight from the moment of this call,
        so a vote on it handed over next waits for it instead of finding no answer yet. ``after`` is
        awaited before anything else: something only the adapter knows of, such as a thread it is
        still starting.
        """
        ready = [] if after is None else [after]
        finish: Callable[[], None] | None = None
        match event:
            case AnswerPosted() | AnswerEdited():
                finish = self._answers.start(event.message)
            case ReactionAdded() | ReactionRemoved():
                answer = self._answers.handled(event.message)
                if answer is not None:
                    ready.append(answer)
        return self._process(event, ready, finish)

    async def _process(
        self, event: Event, ready: list[Awaitable[object]], finish: Callable[[], None] | None
    ) -> list[Effect]:
        try:
            for awaitable in ready:
                await awaitable
            key = ordering_key(event)
            lock = self._locks.setdefault(key, asyncio.Lock())
            self._waiting[key] = self._waiting.get(key, 0) + 1
            try:
                async with lock:
                    return await self._handle(event)
            finally:
                self._waiting[key] -= 1
                if not self._waiting[key]:
                    del self._waiting[key]
                    del self._locks[key]
        finally:
            if finish is not None:
                finish()

    async def _handle(self, event: Event) -> list[Effect]:
        if isinstance(event, AnswerPosted | AnswerEdited) and self.questions.waiting_for(event.message.thread):
            await self.questions.flush()
        if isinstance(event, AnswerEdited | AnswerDeleted) and self.receipts.waiting_for(event.message):
            await self.receipts.flush()
        effects = await self.engine.handle(event)
        for effect in effects:
            await self._deliver(effect, event)
        return effects

    async def deliver_all(self, effects: list[Effect], *, cause: Event | None = None) -> None:
        """Deliver effects the engine produced outside ``process`` (a channel's first question)."""
        for effect in effects:
            await self._deliver(effect, cause)

    async def _attempt(self, effect: Effect, cause: Event | None) -> Receipt | None:
        """Deliver one effect; a refusal is reported to the engine and gives no receipt."""
        try:
            return await self.outbox.deliver(effect, cause=cause)
        except DeliveryError as error:
            await self.engine.delivery_failed(effect, str(error), retryable=error.retryable)
        except Exception as error:  # an adapter bug must not lose the other effects
            log.exception("delivering %s failed", type(effect).__name__)
            await self.engine.delivery_failed(effect, f"{type(error).__name__}: {error}", retryable=True)
        return None

    async def _deliver(self, effect: Effect, cause: Event | None) -> None:
        receipt = await self._attempt(effect, cause)
        if isinstance(effect, PostQuestion) and isinstance(receipt, ThreadReceipt):
            await self.questions.add(effect, receipt)
            await self.questions.flush()
        elif (
            isinstance(effect, ReplyInThread)
            and isinstance(receipt, MessageRef)
            and effect.feedback_for_answer is not None
            and effect.reply_to is not None
        ):
            await self.receipts.add(effect.reply_to, effect.feedback_for_answer, receipt)
        elif receipt is not None:
            await self.engine.record(effect, receipt)

    def process_safely(self, event: Event, *, after: Awaitable[object] | None = None) -> Awaitable[list[Effect]]:
        """``process`` for adapter edges: logs and swallows errors so one bad event can't stop the bot."""
        return self._logging_errors(event, self.process(event, after=after))

    @staticmethod
    async def _logging_errors(event: Event, work: Awaitable[list[Effect]]) -> list[Effect]:
        try:
            return await work
        except Exception:
            log.exception("handling %s failed", type(event).__name__)
            return []

    async def close(self) -> None:
        """Write what is still waiting (receipts). Call it before the store closes."""
        await self.questions.flush()
        await self.receipts.close()

    async def tick(self, platform: Platform) -> int:
        """Post every due question, then close what is due; returns how many items were handled."""
        posts = await self.engine.claim_due_posts(platform)
        await self._post_all(posts)
        events = await self.engine.due_events(platform)
        for event in events:
            await self.process_safely(event)
        return len(posts) + len(events)

    async def _post_all(self, posts: list[PostQuestion]) -> None:
        """Deliver claimed questions concurrently (different channels), recording receipts in batches."""
        queue = iter(posts)

        async def worker() -> None:
            # A few workers share the list rather than a task per post: a tick may post thousands.
            for effect in queue:
                receipt = await self._attempt(effect, None)
                if isinstance(receipt, ThreadReceipt):
                    await self.questions.add(effect, receipt)

        await asyncio.gather(*(worker() for _ in range(min(POST_CONCURRENCY, len(posts)))))
        await self.questions.flush()
