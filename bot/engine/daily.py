"""The daily question: choosing it, claiming the post, closing it with a wrap-up."""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from bot import messages
from bot.channel_settings import ChannelSettings
from bot.effects import Effect, PostQuestion, PostSummary
from bot.engine.deps import Deps
from bot.engine.scoring import results_from_json
from bot.events import QuestionClosing
from bot.questions import Question
from bot.refs import ChannelRef, Platform
from bot.scheduling import local_date, next_due
from bot.store.ports import ChannelRecord, PostClaim, PostStatus, WorkspaceTransaction

log = logging.getLogger(__name__)


class QuestionPool:
    """The questions a channel's packs offer, with ids and rounds laid out once for fast choosing."""

    def __init__(self, questions: Sequence[Question]) -> None:
        self.questions = tuple(questions)
        self._round_of = {question.id: question.round.value for question in self.questions}
        self._rounds = tuple(self._round_of[question.id] for question in self.questions)

    def choose(self, asked: Sequence[str], salt: str) -> Question | None:
        """The next question: never a repeat until every question was asked, rounds rotated.

        Candidates are the least-asked questions; among them, those whose round was used longest ago
        win; a stable hash of ``salt`` picks among what is left, so channels do not all march in step.
        """
        if not self.questions:
            return None
        digest = int.from_bytes(hashlib.sha256(salt.encode()).digest()[:8], "big")
        if not asked:
            return self.questions[digest % len(self.questions)]
        counts = Counter(asked)
        tallies = [counts.get(question.id, 0) for question in self.questions]
        fewest = min(tallies)
        last_used: dict[str, int] = {}
        round_of = self._round_of
        for position, question_id in enumerate(asked):
            round_ = round_of.get(question_id)
            if round_ is not None:
                last_used[round_] = position
        indexes = [index for index, tally in enumerate(tallies) if tally == fewest]
        oldest = min(last_used.get(self._rounds[index], -1) for index in indexes)
        indexes = [index for index in indexes if last_used.get(self._rounds[index], -1) == oldest]
        return self.questions[indexes[digest % len(indexes)]]


def choose_question(pool: Sequence[Question], asked: Sequence[str], salt: str) -> Question | None:
    return QuestionPool(pool).choose(asked, salt)


async def _claim_and_post(
    deps: Deps, tx: WorkspaceTransaction, channel: ChannelRecord, *, due_at: datetime, scheduled: bool
) -> list[Effect]:
    settings = channel.settings
    pool = deps.catalog.questions_in(settings.packs)
    asked = await tx.asked_question_ids(channel.id)
    question = choose_question(pool, asked, f"{channel.ref.channel_id}:{len(asked)}")
    when = local_date(due_at, settings.timezone)
    if question is None:
        log.warning("channel %s has no questions in packs %s", channel.ref.channel_id, settings.packs)
        return []
    post_id = await tx.claim_post(
        channel=channel,
        question_id=question.id,
        local_date=when,
        due_at=due_at,
        scheduled=scheduled,
        status=PostStatus.CLAIMED,
        at=deps.clock.now(),
    )
    if post_id is None:
        log.info("channel %s already has its question for %s", channel.ref.channel_id, when)
        return []
    return [post_effect(deps, channel.ref, settings, question, post_id)]


def post_effect(
    deps: Deps,
    channel: ChannelRef,
    settings: ChannelSettings,
    question: Question,
    post_id: int,
    *,
    shared: dict[tuple[str, ChannelSettings], PostQuestion] | None = None,
) -> PostQuestion:
    """The post for a question; ``shared`` lets channels with the same question and settings share
    one (immutable) rendered document, which matters when a tick posts thousands at once."""
    key = (question.id, settings)
    template = None if shared is None else shared.get(key)
    if template is None:
        closes_at = deps.clock.now() + settings.answer_window
        template = PostQuestion(
            channel=channel,
            content=messages.daily_question(question, deps.catalog.pack(question.pack), settings, closes_at),
            thread_name=messages.thread_name(question, local_date(deps.clock.now(), settings.timezone)),
            post_id=post_id,
            closes_after=settings.answer_window,
        )
        if shared is not None:
            shared[key] = template
    return replace(template, channel=channel, post_id=post_id)


async def claim_due_posts(deps: Deps, platform: Platform) -> list[PostQuestion]:
    """Find every channel whose question is due and claim its post, in bulk; return what to post.

    Each claim is an insert guarded by the one-post-per-channel-per-local-date constraint, so ticks
    in several processes can run this at once and every question is still posted exactly once.
    Occurrences missed by more than the grace window are recorded as skipped; when skipping reveals
    an occurrence that is due now (the bot was down for days), a second pass posts it.
    """
    now = deps.clock.now()
    grace = deps.config.grace
    effects: list[PostQuestion] = []
    for _ in range(2):
        due = await deps.store.due_channels(platform, now, deps.config.tick_batch)
        if not due:
            break
        asked = await deps.store.asked_questions([item.channel.id for item in due if now - item.due_at <= grace])
        pools: dict[tuple[str, ...], QuestionPool] = {}
        chosen: dict[int, Question] = {}
        claims: list[PostClaim] = []
        empty: list[str] = []
        catch_up = False
        for item in due:
            settings = item.channel.settings
            due_date = local_date(item.due_at, settings.timezone)
            missed = now - item.due_at > grace
            start = max(item.due_at, now - grace) if missed else item.due_at
            following = next_due(settings.schedule, settings.timezone, start, past_local_date=due_date)
            question = None
            if not missed:
                pool = pools.get(settings.packs)
                if pool is None:
                    pool = pools[settings.packs] = QuestionPool(deps.catalog.questions_in(settings.packs))
                history = asked.get(item.channel.id, [])
                question = pool.choose(history, f"{item.channel.ref.channel_id}:{len(history)}")
            if question is None:
                if not missed:
                    empty.append(item.channel.ref.channel_id)
                catch_up = catch_up or (missed and following is not None and following <= now)
                claims.append(PostClaim(item, "", due_date, PostStatus.SKIPPED, following))
                continue
            chosen[item.channel.id] = question
            claims.append(PostClaim(item, question.id, due_date, PostStatus.CLAIMED, following))
        won = await deps.store.claim_posts(claims, now)
        missed_claims = [
            claimed.claim
            for claimed in won
            if claimed.claim.status is PostStatus.SKIPPED and now - claimed.claim.due.due_at > grace
        ]
        if missed_claims:
            log.warning(
                "skipped %d question(s) missed by more than the %s grace window while the bot was down, e.g. %s",
                len(missed_claims),
                grace,
                ", ".join(f"{c.due.channel.ref.channel_id} due {c.due.due_at.isoformat()}" for c in missed_claims[:3]),
            )
        if empty:
            log.warning(
                "skipped %d question(s): their packs have no questions, e.g. %s", len(empty), ", ".join(empty[:3])
            )
        documents: dict[tuple[str, ChannelSettings], PostQuestion] = {}
        for claimed in won:
            if claimed.claim.status is PostStatus.CLAIMED:
                channel = claimed.claim.due.channel
                question = chosen[channel.id]
                effects.append(
                    post_effect(deps, channel.ref, channel.settings, question, claimed.post_id, shared=documents)
                )
        if not catch_up:
            break
    return effects


async def post_now(deps: Deps, tx: WorkspaceTransaction, channel: ChannelRecord, *, as_today: bool) -> list[Effect]:
    """Post a question at once. ``as_today`` makes it today's scheduled question (a first start)."""
    now = deps.clock.now()
    if not as_today:
        return await _claim_and_post(deps, tx, channel, due_at=now, scheduled=False)
    effects = await _claim_and_post(deps, tx, channel, due_at=now, scheduled=True)
    today = local_date(now, channel.settings.timezone)
    if channel.next_due_at is not None and local_date(channel.next_due_at, channel.settings.timezone) == today:
        settings = channel.settings
        following = next_due(settings.schedule, settings.timezone, now, past_local_date=today)
        await tx.advance_channel(channel.id, channel.next_due_at, following)
    return effects


async def retry_post(deps: Deps, channel_ref: ChannelRef, post_id: int) -> list[Effect]:
    now = deps.clock.now()
    async with deps.store.transaction(channel_ref.workspace) as tx:
        post = await tx.post(post_id)  # carries its channel's settings: no channel lookup needed
        if post is None:
            return []
        if not await tx.reclaim_post(post_id, claimed_before=now - deps.config.retry_backoff, at=now):
            return []
        question = deps.catalog.question(post.question_id)
        if question is None:
            await tx.set_post_status(post_id, PostStatus.SKIPPED)
            return []
        log.info("retrying the question post %s in channel %s", post_id, channel_ref.channel_id)
        return [post_effect(deps, post.channel, post.settings, question, post_id)]


async def question_closing(deps: Deps, event: QuestionClosing) -> list[Effect]:
    async with deps.store.transaction(event.channel.workspace) as tx:
        if not await tx.set_post_status(event.post_id, PostStatus.CLOSED, expected=PostStatus.POSTED):
            return []  # closed already, by this process or another
        post = await tx.post(event.post_id)
        if post is None or post.thread is None:
            return []
        answers = await tx.answers_for_post(post.id)
    on_time = [
        messages.WrapUpAnswer(a.author, a.text, a.score, a.votes, results_from_json(a.score, a.results))
        for a in answers
        if not a.late
    ]
    late_count = sum(1 for a in answers if a.late)
    question = deps.catalog.question(post.question_id)
    return [PostSummary(thread=post.thread, content=messages.wrap_up(question, on_time, late_count), post_id=post.id)]
