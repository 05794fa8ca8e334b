"""The engine: platform-neutral events in, effects out; receipts recorded; due work found by the tick."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot import messages
from bot.channel_settings import ChannelSettings
from bot.documents import Document
from bot.effects import (
    Effect,
    PostQuestion,
    Receipt,
    ReplyInThread,
    SendEphemeral,
    StartMockThread,
    ThreadReceipt,
)
from bot.engine import answers, commands, daily, mock, votes
from bot.engine.deps import Deps
from bot.events import (
    AnswerDeleted,
    AnswerEdited,
    AnswerPosted,
    CommandInvoked,
    Event,
    HomeOpened,
    MockRequested,
    PostRetry,
    QuestionClosing,
    ReactionAdded,
    ReactionRemoved,
    WorkspaceRemoved,
)
from bot.refs import ChannelRef, MessageRef, Platform, ThreadRef, UserRef, WorkspaceRef
from bot.scheduling import next_due
from bot.store.ports import MockStatus, OpenMock, OpenPost, PostedReceipt, PostStatus, StaleReferenceError, StoredVote

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    message: MessageRef
    author: UserRef
    text: str
    votes: tuple[StoredVote, ...]


@dataclass(frozen=True, slots=True)
class CurrentQuestion:
    post_id: int
    thread: ThreadRef
    content: Document
    is_open: bool


class Engine:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self._last_prune: datetime | None = None

    async def handle(self, event: Event) -> list[Effect]:
        try:
            return await self._handle(event)
        except StaleReferenceError as error:
            # Another process deleted a row this process had cached (a forgotten member, a purged
            # workspace). The store has dropped its caches; one more attempt starts from the database.
            log.info("retrying %s after a stale reference: %s", type(event).__name__, error)
            return await self._handle(event)

    async def _handle(self, event: Event) -> list[Effect]:
        match event:
            case AnswerPosted():
                return await self._answer_posted(event)
            case AnswerEdited():
                return await self._answer_edited(event)
            case AnswerDeleted():
                return await self._answer_deleted(event)
            case ReactionAdded():
                return await votes.reaction_added(self.deps, event)
            case ReactionRemoved():
                return await votes.reaction_removed(self.deps, event)
            case MockRequested():
                return await mock.mock_requested(self.deps, event)
            case CommandInvoked():
                return await commands.command(self.deps, event)
            case HomeOpened():
                return await commands.home_opened(self.deps, event)
            case WorkspaceRemoved():
                purged = await self.deps.store.purge_workspace(event.workspace)
                log.info("workspace %s removed the bot; data purged: %s", event.workspace.workspace_id, purged)
                return []
            case QuestionClosing():
                return await daily.question_closing(self.deps, event)
            case PostRetry():
                return await daily.retry_post(self.deps, event.channel, event.post_id)

    async def _answer_posted(self, event: AnswerPosted) -> list[Effect]:
        thread = event.message.thread
        if thread is None or event.author.is_bot:
            return []
        async with self.deps.store.transaction(event.message.channel.workspace) as tx:
            post = await tx.post_by_thread(thread)
            if post is not None:
                return await answers.answer_posted(self.deps, tx, post, event)
            session = await tx.mock_by_thread(thread)
            if session is not None:
                return await mock.mock_answer(self.deps, tx, session, event)
            return []

    async def _answer_edited(self, event: AnswerEdited) -> list[Effect]:
        thread = event.message.thread
        if thread is None or event.author.is_bot:
            return []
        async with self.deps.store.transaction(event.message.channel.workspace) as tx:
            post = await tx.post_by_thread(thread)
            return [] if post is None else await answers.answer_edited(self.deps, tx, post, event)

    async def _answer_deleted(self, event: AnswerDeleted) -> list[Effect]:
        async with self.deps.store.transaction(event.message.channel.workspace) as tx:
            answer = await tx.answer_by_message(event.message)
            return [] if answer is None else await answers.answer_deleted(self.deps, tx, answer, event)

    # -- receipts ----------------------------------------------------------------------------------

    async def record(self, effect: Effect, receipt: Receipt) -> None:
        """Remember what the platform created for an effect (a mock interview's thread, a feedback message).

        Posted questions are recorded in batches through ``record_posted``."""
        match effect, receipt:
            case StartMockThread(), ThreadReceipt():
                async with self.deps.store.transaction(effect.channel.workspace) as tx:
                    await tx.set_mock_thread(effect.session_id, receipt.thread)
            case ((ReplyInThread() | SendEphemeral()), MessageRef()) if effect.feedback_for_answer is not None:
                await self.record_feedback([(effect.feedback_for_answer, receipt)])
            case _:
                pass

    async def record_feedback(self, items: Sequence[tuple[int, MessageRef]]) -> None:
        """Remember many feedback messages at once: (answer id, the feedback message)."""
        by_workspace: dict[WorkspaceRef, list[tuple[int, MessageRef]]] = {}
        for answer_id, feedback in items:
            by_workspace.setdefault(feedback.channel.workspace, []).append((answer_id, feedback))
        for workspace, batch in by_workspace.items():
            async with self.deps.store.transaction(workspace) as tx:
                await tx.set_feedback_messages(batch)

    async def record_posted(self, posted: Sequence[tuple[PostQuestion, ThreadReceipt]]) -> None:
        """Record many posted questions at once (a tick posts many)."""
        now = self.deps.clock.now()
        await self.deps.store.mark_posted_many(
            [
                PostedReceipt(effect.post_id, receipt.message, receipt.thread, now, now + effect.closes_after)
                for effect, receipt in posted
            ]
        )

    async def claim_due_posts(self, platform: Platform) -> list[PostQuestion]:
        """The questions due now on a platform, claimed in bulk; the tick delivers them."""
        return await daily.claim_due_posts(self.deps, platform)

    async def delivery_failed(self, effect: Effect, reason: str, *, retryable: bool) -> None:
        """The platform refused an effect. A refused question is retried inside the grace window."""
        match effect:
            case PostQuestion():
                status = PostStatus.FAILED if retryable else PostStatus.SKIPPED
                async with self.deps.store.transaction(effect.channel.workspace) as tx:
                    await tx.set_post_status(effect.post_id, status)
                log.warning(
                    "posting the question in channel %s failed (%s); %s",
                    effect.channel.channel_id,
                    reason,
                    "will retry" if retryable else "not retrying",
                )
            case StartMockThread():
                async with self.deps.store.transaction(effect.channel.workspace) as tx:
                    await tx.finish_mock(effect.session_id, MockStatus.ENDED, self.deps.clock.now())
                log.warning("could not open a mock interview thread (%s); the session was ended", reason)
            case _:
                log.warning("could not deliver %s: %s", type(effect).__name__, reason)

    # -- time --------------------------------------------------------------------------------------

    async def due_events(self, platform: Platform) -> list[Event]:
        """What else the tick must handle now: closings, and retries of posts the platform refused."""
        deps = self.deps
        now = deps.clock.now()
        batch = deps.config.tick_batch
        due: list[Event] = []
        due += [
            QuestionClosing(at=now, channel=item.channel, post_id=item.post_id)
            for item in await deps.store.due_closings(platform, now, batch)
        ]
        due += [
            PostRetry(at=now, channel=item.channel, post_id=item.post_id)
            for item in await deps.store.stale_posts(
                platform,
                claimed_before=now - deps.config.retry_backoff,
                due_after=now - deps.config.grace,
                max_attempts=deps.config.max_post_attempts,
            )
        ]
        if self._last_prune is None or now - self._last_prune > deps.config.event_retention / 24:
            self._last_prune = now
            pruned = await deps.store.prune_events(now - deps.config.event_retention)
            if pruned:
                log.info("pruned %d processed-event keys", pruned)
        return due

    async def current_question(self, channel: ChannelRef) -> CurrentQuestion | None:
        """The channel's latest posted question, for adapters that show it again (the console on restart)."""
        async with self.deps.store.transaction(channel.workspace) as tx:
            record = await tx.channel(channel)
            if record is None:
                return None
            post = await tx.latest_post(record.id, [PostStatus.POSTED, PostStatus.CLOSED])
        question = None if post is None else self.deps.catalog.question(post.question_id)
        if post is None or post.thread is None or question is None:
            return None
        closes_at = post.closes_at or self.deps.clock.now()
        content = messages.daily_question(question, self.deps.catalog.pack(question.pack), record.settings, closes_at)
        return CurrentQuestion(post.id, post.thread, content, is_open=post.status is PostStatus.POSTED)

    async def open_threads(self, platform: Platform) -> Sequence[OpenPost]:
        """Questions still taking answers on a platform, for reconciling what a lost connection missed."""
        return await self.deps.store.open_posts(platform)

    async def open_mocks(self, platform: Platform) -> Sequence[OpenMock]:
        """Mock interviews still waiting on their candidate (not yet expired), for the same reconciliation."""
        started_after = self.deps.clock.now() - self.deps.config.mock_expiry
        return await self.deps.store.open_mocks(platform, started_after=started_after)

    async def thread_answers(self, thread: ThreadRef) -> list[StoredAnswer]:
        """The answers stored for a question thread with their votes, to compare with the platform's view."""
        async with self.deps.store.transaction(thread.channel.workspace) as tx:
            post = await tx.post_by_thread(thread)
            if post is None:
                return []
            answers = await tx.answers_for_post(post.id)
            votes = await tx.votes_for_post(post.id)
        return [
            StoredAnswer(answer.message, answer.author, answer.text, tuple(votes.get(answer.id, ())))
            for answer in answers
        ]

    async def open_mock_thread(self, user: UserRef) -> ThreadRef | None:
        async with self.deps.store.transaction(user.workspace) as tx:
            member_id = await tx.find_member_id(user)
            session = None if member_id is None else await tx.open_mock(member_id)
        return None if session is None else session.thread

    async def open_channel(self, channel: ChannelRef, settings: ChannelSettings, *, post_first: bool) -> list[Effect]:
        """Set a channel up if it is new; on its first start, post today's question at once."""
        now = self.deps.clock.now()
        async with self.deps.store.transaction(channel.workspace) as tx:
            record = await tx.channel(channel)
            is_new = record is None
            if record is None:
                upcoming = next_due(settings.schedule, settings.timezone, now) if settings.enabled else None
                record = await tx.save_channel(channel, settings, upcoming, now)
            if not (is_new and post_first):
                return []
            return await daily.post_now(self.deps, tx, record, as_today=True)
