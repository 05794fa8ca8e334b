"""A recording stand-in for an adapter's deliver part: keeps every effect and answers with receipts."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from bot.effects import (
    Effect,
    PostQuestion,
    PostSummary,
    Receipt,
    ReplyInThread,
    SendEphemeral,
    StartMockThread,
    ThreadReceipt,
)
from bot.engine import DeliveryError
from bot.events import Event
from bot.refs import MessageRef, ThreadRef


@dataclass
class RecordingOutbox:
    delivered: list[Effect] = field(default_factory=list)
    # Effect types to refuse, as a platform error would.
    refuse: set[type] = field(default_factory=set)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))

    def _next(self) -> str:
        return f"{next(self._ids)}.000100"

    async def deliver(self, effect: Effect, *, cause: Event | None) -> Receipt | None:
        if type(effect) in self.refuse:
            raise DeliveryError("refused by the test", retryable=True)
        self.delivered.append(effect)
        match effect:
            case PostQuestion() | StartMockThread():
                message = MessageRef(effect.channel, self._next())
                return ThreadReceipt(message, ThreadRef(effect.channel, message.message_id))
            case ReplyInThread() | PostSummary():
                return MessageRef(effect.thread.channel, self._next(), effect.thread.thread_id)
            case SendEphemeral():
                return None
        return None

    def of(self, kind: type) -> list:  # type: ignore[type-arg]
        return [effect for effect in self.delivered if isinstance(effect, kind)]

    def clear(self) -> None:
        self.delivered.clear()
