"""Receipts the engine must store, written in batches: feedback messages and posted questions.

Every answer's feedback message id must be stored so a later edit can update that message in place.
Writing it at once would cost each answer a second transaction; instead receipts wait here and are
written together: after a short interval, when enough have gathered, before any edit or deletion of
an answer whose receipt is still waiting (so the edit finds it), and when the dispatcher closes.
If the process dies before a flush, the worst outcome is that an edit posts fresh feedback instead
of updating the old message.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.effects import PostQuestion, ThreadReceipt
from bot.engine.core import Engine
from bot.refs import ChannelRef, MessageRef, ThreadRef

log = logging.getLogger(__name__)

FLUSH_INTERVAL_SECONDS = 0.2
FLUSH_SIZE = 64
# Questions posted by a tick are recorded this many at a time.
POSTED_BATCH = 200


def message_key(message: MessageRef) -> tuple[ChannelRef, str]:
    """Reactions and deletions name a message without its thread; match on channel and id only."""
    return message.channel, message.message_id


class FeedbackReceipts:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        # answer message -> (answer id, the feedback message the platform created)
        self._pending: dict[tuple[ChannelRef, str], tuple[int, MessageRef]] = {}
        self._timer: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()

    def waiting_for(self, answer_message: MessageRef) -> bool:
        return message_key(answer_message) in self._pending

    async def add(self, answer_message: MessageRef, answer_id: int, feedback: MessageRef) -> None:
        self._pending[message_key(answer_message)] = (answer_id, feedback)
        if len(self._pending) >= FLUSH_SIZE:
            await self.flush()
        elif self._timer is None or self._timer.done():
            self._timer = asyncio.create_task(self._flush_later())

    async def _flush_later(self) -> None:
        await asyncio.sleep(FLUSH_INTERVAL_SECONDS)
        try:
            await self.flush()
        except Exception:
            log.exception("writing feedback receipts failed; edits of those answers will post new feedback")

    async def flush(self) -> None:
        async with self._lock:
            if not self._pending:
                return
            batch = list(self._pending.values())
            self._pending.clear()
            await self._engine.record_feedback(batch)

    async def close(self) -> None:
        if self._timer is not None and not self._timer.done():
            self._timer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._timer
        await self.flush()


class QuestionReceipts:
    """Questions on the platform whose thread the store does not know yet.

    A tick posts many questions and records their receipts in batches; a member may answer one of them
    before its batch is written. An answer in such a thread makes the dispatcher write the batch first,
    so no answer is dropped as "not a question thread".
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._pending: dict[ThreadRef, tuple[PostQuestion, ThreadReceipt]] = {}
        self._lock = asyncio.Lock()

    def waiting_for(self, thread: ThreadRef | None) -> bool:
        return thread is not None and thread in self._pending

    async def add(self, effect: PostQuestion, receipt: ThreadReceipt) -> None:
        self._pending[receipt.thread] = (effect, receipt)
        if len(self._pending) >= POSTED_BATCH:
            await self.flush()

    async def flush(self) -> None:
        async with self._lock:
            if not self._pending:
                return
            batch = list(self._pending.values())
            await self._engine.record_posted(batch)
            # Only now forget them: until they are stored, answers must still find them here.
            for _, receipt in batch:
                self._pending.pop(receipt.thread, None)
