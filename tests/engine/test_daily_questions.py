"""The daily question: set-up, posting on schedule exactly once, grace after downtime, daylight saving."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.effects import PostQuestion, PostSummary, SendEphemeral
from bot.engine.daily import choose_question
from bot.questions import Catalog
from bot.refs import Platform
from bot.store.models import Post
from tests.support.harness import CHANNEL, Harness


async def post_rows(harness: Harness) -> list[Any]:
    async with harness.store.engine.connect() as session:
        return list((await session.execute(select(Post.__table__).order_by(Post.id))).all())


async def test_setup_then_a_post_at_the_local_time_exactly_once(harness: Harness) -> None:
    await harness.command("setup", time="09:00", tz="Europe/Berlin", days="mon-fri", packs="acme")
    (saved,) = harness.outbox.of(SendEphemeral)
    assert saved.content.title == "Set-up saved"
    # 07:00 UTC is 08:00 in Berlin: not yet.
    assert await harness.tick() == 0
    harness.clock.set(datetime(2026, 11, 23, 8, 0, 5, tzinfo=UTC))  # 09:00:05 Berlin
    assert await harness.tick() == 1
    (posted,) = harness.outbox.of(PostQuestion)
    assert posted.channel == CHANNEL
    assert (posted.content.title and "acme" in posted.content.title.lower()) or "Acme" in (posted.content.title or "")
    for _ in range(3):
        assert await harness.tick() == 0
    assert len(harness.outbox.of(PostQuestion)) == 1
    rows = await post_rows(harness)
    assert [(row.local_date, row.status) for row in rows] == [(date(2026, 11, 23), "posted")]


async def test_no_repeat_until_the_pool_is_exhausted_and_rounds_rotate(harness: Harness, catalog: Catalog) -> None:
    await harness.command("setup", time="09:00", tz="UTC", days="daily", packs="acme")
    asked = []
    for day in range(12):
        harness.clock.set(datetime(2026, 11, 23, 9, tzinfo=UTC) + timedelta(days=day))
        await harness.tick()
        asked.append(harness.outbox.of(PostQuestion)[-1].content.summary)
    posts = [row.question_id for row in await post_rows(harness)]
    assert len(posts) == 12
    first_cycle, second_cycle = posts[:6], posts[6:]
    assert len(set(first_cycle)) == 6 and len(set(second_cycle)) == 6  # every question once per cycle
    rounds = [catalog.question(qid).round for qid in posts[:3]]  # type: ignore[union-attr]
    assert len(set(rounds)) == 3  # three rounds in the pack: the first three posts cover all of them


def test_choice_is_stable_and_prefers_unasked(catalog: Catalog) -> None:
    pool = list(catalog.pack("acme").questions)  # type: ignore[union-attr]
    first = choose_question(pool, [], "C1:0")
    assert first == choose_question(pool, [], "C1:0")
    nxt = choose_question(pool, [first.id], "C1:1")  # type: ignore[union-attr]
    assert nxt is not None and nxt.id != first.id and nxt.round != first.round  # type: ignore[union-attr]


async def test_a_missed_post_inside_the_grace_window_is_sent_on_restart(harness: Harness) -> None:
    await harness.command("setup", time="09:00", tz="UTC", days="daily", packs="acme")
    # The bot was down at 09:00 and comes back at 10:30, within the default two hours.
    harness.clock.set(datetime(2026, 11, 23, 10, 30, tzinfo=UTC))
    assert await harness.tick() == 1
    assert len(harness.outbox.of(PostQuestion)) == 1


async def test_a_missed_post_beyond_the_grace_window_is_skipped_and_logged(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    await harness.command("setup", time="09:00", tz="UTC", days="daily", packs="acme")
    harness.clock.set(datetime(2026, 11, 23, 13, 0, tzinfo=UTC))
    with caplog.at_level("WARNING"):
        await harness.tick()
    assert harness.outbox.of(PostQuestion) == []
    assert any("missed by more than the 2:00:00 grace window" in record.getMessage() for record in caplog.records)
    rows = await post_rows(harness)
    assert [(row.local_date, row.status) for row in rows] == [(date(2026, 11, 23), "skipped")]
    # The next day posts normally.
    harness.clock.set(datetime(2026, 11, 24, 9, 0, 1, tzinfo=UTC))
    await harness.tick()
    assert len(harness.outbox.of(PostQuestion)) == 1


async def test_after_a_week_down_the_first_tick_skips_the_missed_days_and_posts_today(harness: Harness) -> None:
    await harness.command("setup", time="09:00", tz="UTC", days="daily", packs="acme")
    harness.clock.set(datetime(2026, 11, 30, 9, 30, tzinfo=UTC))  # seven days late, today's post 30 min late
    await harness.tick()
    assert len(harness.outbox.of(PostQuestion)) == 1
    rows = await post_rows(harness)
    assert [(row.local_date, row.status) for row in rows] == [
        (date(2026, 11, 23), "skipped"),
        (date(2026, 11, 30), "posted"),
    ]


async def test_days_when_clocks_change_post_once_at_the_local_time(harness: Harness) -> None:
    harness.clock.set(datetime(2026, 10, 24, 12, tzinfo=UTC))
    await harness.command("setup", time="02:30", tz="Europe/Berlin", days="daily", packs="acme")
    assert await harness.tick() == 0  # the channel's next instant is the first 02:30 of the 25th
    seen = []
    instant = datetime(2026, 10, 24, 23, 0, tzinfo=UTC)
    while instant < datetime(2026, 10, 26, 3, 0, tzinfo=UTC):  # every 5 minutes through the night clocks go back
        harness.clock.set(instant)
        before = len(harness.outbox.of(PostQuestion))
        await harness.tick()  # wrap-ups close here too; count only new questions
        if len(harness.outbox.of(PostQuestion)) > before:
            seen.append(instant)
        instant += timedelta(minutes=5)
    rows = await post_rows(harness)
    assert [row.local_date for row in rows] == [date(2026, 10, 25), date(2026, 10, 26)]
    assert seen == [datetime(2026, 10, 25, 0, 30, tzinfo=UTC), datetime(2026, 10, 26, 1, 30, tzinfo=UTC)]
    assert [row.due_at for row in rows] == seen


async def test_spring_forward_posts_once_after_the_gap(harness: Harness) -> None:
    harness.clock.set(datetime(2026, 3, 28, 12, tzinfo=UTC))
    await harness.command("setup", time="02:30", tz="Europe/Berlin", days="daily", packs="acme")
    posted = []
    instant = datetime(2026, 3, 28, 23, 0, tzinfo=UTC)
    while instant < datetime(2026, 3, 29, 6, 0, tzinfo=UTC):
        harness.clock.set(instant)
        before = len(harness.outbox.of(PostQuestion))
        await harness.tick()
        if len(harness.outbox.of(PostQuestion)) > before:
            posted.append(instant)
        instant += timedelta(minutes=5)
    assert posted == [datetime(2026, 3, 29, 1, 30, tzinfo=UTC)]  # 03:30 CEST: 02:30 did not exist


async def test_skip_and_post_now(harness: Harness) -> None:
    await harness.command("setup", time="09:00", tz="UTC", days="daily", packs="acme")
    await harness.command("skip")
    skipped = harness.outbox.of(SendEphemeral)[-1]
    assert "Skipped the question due on Mon 23 Nov" in skipped.content.blocks[0].parts[0]  # type: ignore[union-attr]
    harness.clock.set(datetime(2026, 11, 23, 9, 30, tzinfo=UTC))
    assert await harness.tick() == 0
    await harness.command("post")
    await harness.command("post")
    assert len(harness.outbox.of(PostQuestion)) == 2  # manual posts are not limited to one a day
    harness.clock.set(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    assert await harness.tick() == 1
    assert len(harness.outbox.of(PostQuestion)) == 3


async def test_members_cannot_change_the_setup(harness: Harness) -> None:
    for subcommand in ("setup", "post", "skip", "pause"):
        await harness.command(subcommand, admin=False, time="10:00")
    refusals = harness.outbox.of(SendEphemeral)
    assert len(refusals) == 4
    assert all("Only admins" in str(r.content.blocks[0]) for r in refusals)
    assert harness.outbox.of(PostQuestion) == []


async def test_a_refused_setup_leaves_the_stored_setup_unchanged(harness: Harness) -> None:
    await harness.command("setup", time="09:00", tz="Europe/Berlin", packs="acme")
    await harness.command("setup", time="10:00", tz="Nowhere/City", window="9d")
    refused = harness.outbox.of(SendEphemeral)[-1]
    assert refused.content.title == "Set-up not changed"
    async with harness.store.transaction(CHANNEL.workspace) as tx:
        channel = await tx.channel(CHANNEL)
    assert channel is not None
    assert channel.settings.schedule.startswith("0 9 ") and channel.settings.timezone == "Europe/Berlin"


async def test_pause_and_resume(harness: Harness) -> None:
    await harness.command("setup", time="09:00", tz="UTC", days="daily", packs="acme")
    await harness.command("pause")
    harness.clock.set(datetime(2026, 11, 23, 9, 1, tzinfo=UTC))
    assert await harness.tick() == 0
    await harness.command("resume")
    harness.clock.set(datetime(2026, 11, 24, 9, 1, tzinfo=UTC))
    assert await harness.tick() == 1


async def test_a_refused_post_is_retried_inside_the_grace_window(harness: Harness) -> None:
    await harness.command("setup", time="09:00", tz="UTC", days="daily", packs="acme")
    harness.outbox.refuse.add(PostQuestion)
    harness.clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    await harness.tick()
    assert harness.outbox.of(PostQuestion) == []
    harness.outbox.refuse.clear()
    harness.clock.set(datetime(2026, 11, 23, 9, 0, 30, tzinfo=UTC))
    await harness.tick()
    assert harness.outbox.of(PostQuestion) == []  # backing off
    harness.clock.set(datetime(2026, 11, 23, 9, 2, tzinfo=UTC))
    await harness.tick()
    assert len(harness.outbox.of(PostQuestion)) == 1
    assert [row.status for row in await post_rows(harness)] == ["posted"]


async def test_closing_posts_one_wrap_up(harness: Harness) -> None:
    await harness.command("setup", time="09:00", tz="UTC", days="daily", packs="acme", window="2h")
    harness.clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    await harness.tick()
    harness.clock.set(datetime(2026, 11, 23, 11, 0, 1, tzinfo=UTC))
    await harness.tick()
    await harness.tick()
    assert len(harness.outbox.of(PostSummary)) == 1
    async with harness.store.engine.connect() as session:
        closed = (await session.execute(select(func.count()).select_from(Post).where(Post.status == "closed"))).scalar()
    assert closed == 1


async def test_ticks_only_handle_their_own_platform(harness: Harness) -> None:
    await harness.command("setup", time="09:00", tz="UTC", days="daily", packs="acme")
    harness.clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    assert await harness.tick(Platform.DISCORD) == 0
    assert await harness.tick(Platform.SLACK) == 1


async def test_an_answer_while_the_tick_is_still_posting_is_not_lost(harness: Harness) -> None:
    import asyncio

    from bot.effects import ReplyInThread, ThreadReceipt
    from bot.events import AnswerPosted
    from bot.refs import ChannelRef, MessageRef
    from tests.support.harness import user

    second = ChannelRef(CHANNEL.platform, CHANNEL.workspace_id, "C0002")
    await harness.command("setup", time="09:00", tz="UTC", days="daily", packs="acme")
    await harness.command("setup", time="09:00", tz="UTC", days="daily", packs="acme", channel=second)
    first_posted, answered = asyncio.Event(), asyncio.Event()
    outbox, original = harness.outbox, harness.outbox.deliver
    receipts: list[ThreadReceipt] = []

    async def deliver(effect, *, cause):  # type: ignore[no-untyped-def]
        receipt = await original(effect, cause=cause)
        if isinstance(effect, PostQuestion):
            if first_posted.is_set():
                await answered.wait()  # the other channel's post is slow: the tick is still running
            else:
                receipts.append(receipt)
                first_posted.set()
        return receipt

    outbox.deliver = deliver  # type: ignore[method-assign]
    harness.clock.set(datetime(2026, 11, 23, 9, 0, 1, tzinfo=UTC))
    tick = asyncio.create_task(harness.tick())
    await first_posted.wait()
    thread = receipts[0].thread  # on the platform, but its receipt is still waiting for its batch
    message = MessageRef(thread.channel, "1800000000.000100", thread.thread_id)
    event = AnswerPosted(
        event_id="Ev-early",
        at=harness.now,
        message=message,
        author=user("ana"),
        text="If error rates exceed 2% for 10 minutes we roll back, and legal signs off first because of terms.",
    )
    await harness.dispatcher.process(event)
    answered.set()
    await tick
    assert [reply.reply_to for reply in outbox.of(ReplyInThread)] == [message]
