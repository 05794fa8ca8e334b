"""The daily question: choosing it, claiming the post, closing it with a wrap-up."""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from bot import messages
from bot.effects import Effect, PostQuestion, PostSummary
from bot.engine.deps import Deps
from bot.engine.scoring import results_from_json
from bot.events import QuestionClosing, QuestionDue
from bot.questions import Question
from bot.refs import ChannelRef
from bot.scheduling import local_date, next_due
from bot.store.ports import ChannelRecord, PostStatus, WorkspaceTransaction

log = logging.getLogger(__name__)


def choose_question(pool: Sequence[Question], asked: Sequence[str], salt: str) -> Question | None:
    """The next question: never a repeat until every question in the pool was asked, rounds rotated.

    Candidates are the least-asked questions; among them, those whose round was used longest ago
    win; a stable hash of ``salt`` picks among what is left, so channels do not all march in step.
    """
    if not pool:
        return None
    counts = Counter(asked)
    fewest = min(counts[q.id] for q in pool)
    candidates = [q for q in pool if counts[q.id] == fewest]
    by_id = {q.id: q for q in pool}
    last_used: dict[str, int] = {}
    for position, question_id in enumerate(asked):
        if question_id in by_id:
            last_used[by_id[question_id].round.value] = position
    oldest = min(last_used.get(q.round.value, -1) for q in candidates)
    candidates = [q for q in candidates if last_used.get(q.round.value, -1) == oldest]
    digest = int.from_bytes(hashlib.sha256(salt.encode()).digest()[:8], "big")
    return candidates[digest % len(candidates)]


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
    return [post_effect(deps, channel, question, post_id)]


def post_effect(deps: Deps, channel: ChannelRecord, question: Question, post_id: int) -> PostQuestion:
    settings = channel.settings
    closes_at = deps.clock.now() + settings.answer_window
    pack = deps.catalog.pack(question.pack)
    return PostQuestion(
        channel=channel.ref,
        content=messages.daily_question(question, pack, settings, closes_at),
        thread_name=messages.thread_name(question, local_date(deps.clock.now(), settings.timezone)),
        post_id=post_id,
    )


async def question_due(deps: Deps, event: QuestionDue) -> list[Effect]:
    effects, catch_up = await _handle_due(deps, event.channel, event.due_at)
    if catch_up is None:
        return effects
    # Everything missed beyond the grace window was skipped; the first occurrence still worth posting
    # is due now, so post it in this same tick rather than waiting for the next.
    effects, _ = await _handle_due(deps, event.channel, catch_up)
    return effects


async def _handle_due(deps: Deps, channel_ref: ChannelRef, due_at: datetime) -> tuple[list[Effect], datetime | None]:
    """Post (or skip) the occurrence due at ``due_at``; returns a catch-up instant that is due now, if any."""
    now = deps.clock.now()
    async with deps.store.transaction(channel_ref.workspace) as tx:
        channel = await tx.channel(channel_ref)
        if channel is None or not channel.settings.enabled or channel.next_due_at != due_at:
            return [], None  # changed or handled since the tick looked
        settings = channel.settings
        due_date = local_date(due_at, settings.timezone)
        lateness = now - due_at
        missed = lateness > deps.config.grace
        # After a long outage, jump past every occurrence that is now beyond the grace window.
        start = max(due_at, now - deps.config.grace) if missed else due_at
        following = next_due(settings.schedule, settings.timezone, start, past_local_date=due_date)
        if not await tx.advance_channel(channel.id, due_at, following):
            return [], None  # another process's tick won the race for this instant
        if not missed:
            return await _claim_and_post(deps, tx, channel, due_at=due_at, scheduled=True), None
        await tx.claim_post(
            channel=channel,
            question_id="",
            local_date=due_date,
            due_at=due_at,
            scheduled=True,
            status=PostStatus.SKIPPED,
            at=now,
        )
        log.warning(
            "skipped the question due %s in channel %s: missed by %s, beyond the %s grace window",
            due_at.isoformat(),
            channel.ref.channel_id,
            lateness,
            deps.config.grace,
        )
    return [], following if following is not None and following <= now else None


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
        channel = await tx.channel(channel_ref)
        post = await tx.post(post_id)
        if channel is None or post is None:
            return []
        if not await tx.reclaim_post(post_id, claimed_before=now - deps.config.retry_backoff, at=now):
            return []
        question = deps.catalog.question(post.question_id)
        if question is None:
            await tx.set_post_status(post_id, PostStatus.SKIPPED)
            return []
        log.info("retrying the question post %s in channel %s", post_id, channel_ref.channel_id)
        return [post_effect(deps, channel, question, post_id)]


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
