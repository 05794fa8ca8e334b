"""Answers in the thread, their feedback, edits and deletions, duplicates, votes and the wrap-up."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from bot.documents import Bullets, Heading, Paragraph, Quote, plain_text
from bot.effects import DeleteMessage, PostQuestion, PostSummary, ReplyInThread, SendEphemeral, UpdateMessage
from bot.events import AnswerPosted, ReactionAdded
from bot.refs import MessageRef
from bot.store.models import Answer, ProcessedEvent, Vote
from tests.support.harness import CHANNEL, Harness, user

ROLLOUT_STRONG = (
    "Before the first runbook I would bring in legal to sign off the terms, finance because they reconcile "
    "settlement, and support so they can prepare macros for merchants. We stage exposure at 1%, then 10%, then 50% "
    "of traffic. If checkout errors exceed 2% for 10 minutes at any stage, we halt and roll back automatically. "
    "A failed cutover would double charge customers, which costs refunds, support tickets and merchant trust. "
    "The slower rollout costs us two weeks, but that beats a 0.5% conversion drop worth about $400K a month."
)
ROLLOUT_WEAK = "We would do a canary release and monitor the dashboards closely, then roll out to everyone."
ALICE, BOB, CAROL = user("alice"), user("bob"), user("carol")


async def open_rollout_question(harness: Harness, **options: str) -> None:
    await harness.command("setup", time="09:00", tz="UTC", days="daily", packs="acme", **options)
    harness.clock.set(datetime(2026, 11, 23, 9, tzinfo=UTC))
    await harness.tick()
    # Make sure the open question is a rollout one: post until it is (the pack has three rounds).
    while "rollout" not in (harness.outbox.of(PostQuestion)[-1].content.title or ""):
        await harness.command("post")
    harness.outbox.clear()


async def close_and_get_wrap_up(harness: Harness) -> PostSummary:
    current = await harness.engine.current_question(CHANNEL)
    assert current is not None
    harness.clock.set(datetime(2026, 11, 24, 9, 0, 30, tzinfo=UTC))
    await harness.tick()
    (summary,) = [effect for effect in harness.outbox.of(PostSummary) if effect.post_id == current.post_id]
    return summary


async def count(harness: Harness, model: type) -> int:
    async with harness.store.engine.connect() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


async def test_an_answer_gets_feedback_in_the_thread(harness: Harness) -> None:
    await open_rollout_question(harness)
    posted = await harness.post_answer(ALICE, ROLLOUT_STRONG)
    (reply,) = harness.outbox.of(ReplyInThread)
    assert reply.reply_to == posted.message and reply.feedback_for_answer is not None
    text = plain_text(reply.content)
    assert "Score: " in text and "Rollback trigger" in text
    weak = await harness.post_answer(BOB, ROLLOUT_WEAK)
    scores = []
    async with harness.store.transaction(posted.message.channel.workspace) as tx:
        for event in (posted, weak):
            answer = await tx.answer_by_message(event.message)
            assert answer is not None
            scores.append(answer.score)
    assert scores[0] > scores[1] + 20


async def test_four_deliveries_of_one_event_store_one_answer_and_one_feedback(harness: Harness) -> None:
    await open_rollout_question(harness)
    first = await harness.post_answer(ALICE, ROLLOUT_STRONG, event_id="Ev-dup", message_id="1700000000.000100")
    for _ in range(3):
        await harness.dispatcher.process(first)
    # The same message under a different event id (a platform redelivery with a new envelope) is also one answer.
    await harness.post_answer(ALICE, ROLLOUT_STRONG, event_id="Ev-other", message_id="1700000000.000100")
    assert await count(harness, Answer) == 1
    assert len(harness.outbox.of(ReplyInThread)) == 1


async def test_concurrent_duplicate_deliveries_are_processed_once(harness: Harness) -> None:
    import asyncio

    await open_rollout_question(harness)
    thread = await harness.current_thread()
    message = MessageRef(thread.channel, "1700000001.000100", thread.thread_id)
    event = AnswerPosted(event_id="Ev-race", at=harness.now, message=message, author=ALICE, text=ROLLOUT_STRONG)
    await asyncio.gather(*(harness.dispatcher.process(event) for _ in range(4)))
    assert await count(harness, Answer) == 1
    assert len(harness.outbox.of(ReplyInThread)) == 1
    assert await count(harness, ProcessedEvent) >= 1


async def test_a_vote_that_arrives_while_its_answer_is_being_scored_waits_for_it(harness: Harness) -> None:
    import asyncio

    await open_rollout_question(harness)
    thread = await harness.current_thread()
    message = MessageRef(thread.channel, "1700000002.000100", thread.thread_id)
    answer = AnswerPosted(event_id="Ev-answer", at=harness.now, message=message, author=ALICE, text=ROLLOUT_STRONG)
    votes = [
        ReactionAdded(
            event_id=f"Ev-vote-{voter.user_id}",
            at=harness.now,
            message=MessageRef(thread.channel, message.message_id),  # reactions carry no thread
            user=voter,
            emoji="+1",
        )
        for voter in (BOB, CAROL)
    ]
    # Both votes are handed over right after the answer, before it is stored.
    await asyncio.gather(harness.dispatcher.process(answer), *(harness.dispatcher.process(vote) for vote in votes))
    assert await count(harness, Vote) == 2


async def test_an_edit_rescores_and_updates_the_feedback_in_place(harness: Harness) -> None:
    await open_rollout_question(harness)
    posted = await harness.post_answer(ALICE, ROLLOUT_WEAK)
    first_score_text = plain_text(harness.outbox.of(ReplyInThread)[0].content)
    await harness.edit_answer(posted, ROLLOUT_STRONG)
    (update,) = harness.outbox.of(UpdateMessage)
    assert update.content.title == "Feedback on your edited answer"
    assert plain_text(update.content) != first_score_text
    async with harness.store.transaction(posted.message.channel.workspace) as tx:
        answer = await tx.answer_by_message(posted.message)
    assert answer is not None and answer.text == ROLLOUT_STRONG and answer.score > 40
    # An "edit" that leaves the text alone (a link unfurl) changes nothing.
    await harness.edit_answer(posted, ROLLOUT_STRONG)
    assert len(harness.outbox.of(UpdateMessage)) == 1


async def test_a_deleted_answer_leaves_the_results_and_its_feedback_goes(harness: Harness) -> None:
    await open_rollout_question(harness)
    posted = await harness.post_answer(ALICE, ROLLOUT_STRONG)
    await harness.react(BOB, posted)
    await harness.delete_answer(posted)
    assert await count(harness, Answer) == 0
    assert await count(harness, Vote) == 0
    (deleted,) = harness.outbox.of(DeleteMessage)
    assert deleted.message.message_id  # the feedback message the outbox created
    await harness.command("leaderboard", "all")
    assert "No scored answers yet" in plain_text(harness.outbox.of(SendEphemeral)[-1].content)


async def test_empty_one_word_and_huge_answers_get_a_polite_reply_and_are_not_stored(harness: Harness) -> None:
    await open_rollout_question(harness)
    await harness.post_answer(ALICE, "   ")
    await harness.post_answer(ALICE, "canary")
    huge = "word " * 9_000 + "end"
    await harness.post_answer(ALICE, huge)
    replies = [plain_text(effect.content) for effect in harness.outbox.of(SendEphemeral)]
    assert len(replies) == 3
    assert "no text to score" in replies[0]
    assert "shorter than 3 words" in replies[1]
    assert f"{len(huge):,} characters" in replies[2] and "40,000" in replies[2]
    assert await count(harness, Answer) == 0
    assert harness.outbox.of(ReplyInThread) == []


async def test_bots_and_messages_outside_question_threads_are_ignored(harness: Harness) -> None:
    await open_rollout_question(harness)
    await harness.post_answer(user("helperbot", bot=True), ROLLOUT_STRONG)
    other_thread = (await harness.current_thread()).__class__((await harness.current_thread()).channel, "9999.0001")
    await harness.post_answer(ALICE, ROLLOUT_STRONG, thread=other_thread)
    assert harness.outbox.delivered == []
    assert await count(harness, Answer) == 0


async def test_private_feedback_is_ephemeral(harness: Harness) -> None:
    await open_rollout_question(harness, feedback="private")
    await harness.post_answer(ALICE, ROLLOUT_STRONG)
    (private,) = harness.outbox.of(SendEphemeral)
    assert private.user == ALICE and private.feedback_for_answer is not None
    assert harness.outbox.of(ReplyInThread) == []


async def test_votes_count_only_configured_emoji_once_per_voter_and_never_self(harness: Harness) -> None:
    await open_rollout_question(harness, votes="+1,fire")
    posted = await harness.post_answer(ALICE, ROLLOUT_STRONG)
    await harness.react(BOB, posted, "thumbsup")
    await harness.react(BOB, posted, "+1::skin-tone-3")  # the same vote again
    await harness.react(BOB, posted, "🔥")
    await harness.react(BOB, posted, "eyes")  # not a vote emoji
    await harness.react(CAROL, posted, "+1")
    await harness.react(user("votebot", bot=True), posted, "+1")
    await harness.react(ALICE, posted, "+1")  # her own answer
    assert await count(harness, Vote) == 3
    assert "own answer are not counted" in plain_text(harness.outbox.of(SendEphemeral)[-1].content)
    await harness.react(CAROL, posted, "+1", add=False)
    assert await count(harness, Vote) == 2


async def test_wrap_up_names_the_pick_the_best_score_and_common_misses(harness: Harness) -> None:
    await open_rollout_question(harness)
    strong = await harness.post_answer(ALICE, ROLLOUT_STRONG)
    weak = await harness.post_answer(BOB, ROLLOUT_WEAK)
    await harness.post_answer(CAROL, "I would monitor error rates and roll out slowly to all the users over time.")
    await harness.react(CAROL, weak)
    await harness.react(ALICE, weak, "fire")
    await harness.react(BOB, strong)
    summary = await close_and_get_wrap_up(harness)
    blocks = summary.content.blocks
    text = plain_text(summary.content)
    assert "3 answers from 3 members." in text
    pick = blocks[blocks.index(Heading("Community pick")) + 1]
    assert isinstance(pick, Paragraph) and pick.parts[0].user == BOB  # type: ignore[union-attr]
    assert any(isinstance(b, Quote) and b.text.startswith("We would do a canary") for b in blocks)
    assert "@alice scored" in text
    gaps = blocks[blocks.index(Heading("Common gaps")) + 1]
    assert isinstance(gaps, Bullets)
    assert re.search(r"[23] of 3 answers gave no rollback trigger", str(gaps))
    assert "What strong answers do" in text
    assert "Stages exposure" in text or "side by side" in text  # the question's own notes


async def test_hostile_text_is_only_ever_quoted_literally(harness: Harness) -> None:
    await open_rollout_question(harness)
    hostile = "<!channel> @everyone <@U999> look here! " + ROLLOUT_WEAK
    posted = await harness.post_answer(BOB, hostile)
    await harness.react(ALICE, posted)
    summary = await close_and_get_wrap_up(harness)
    quotes = [b for b in summary.content.blocks if isinstance(b, Quote)]
    assert quotes and quotes[0].text.startswith("<!channel> @everyone")  # a Quote: renderers escape it
    for effect in harness.outbox.delivered:
        for block in effect.content.blocks:
            if not isinstance(block, Quote):
                assert "<!channel>" not in str(block)


async def test_late_answers_are_scored_but_not_counted(harness: Harness) -> None:
    await open_rollout_question(harness, window="1h")
    harness.clock.set(datetime(2026, 11, 24, 12, tzinfo=UTC))
    await harness.tick()  # closes the question
    await harness.post_answer(ALICE, ROLLOUT_STRONG)
    reply = harness.outbox.of(ReplyInThread)[-1]
    assert "scored for practice but not counted" in plain_text(reply.content)
    await harness.command("leaderboard", "all")
    assert "No scored answers yet" in plain_text(harness.outbox.of(SendEphemeral)[-1].content)


async def test_open_threads_and_stored_answers_for_reconciliation(harness: Harness) -> None:
    await open_rollout_question(harness)
    posted = await harness.post_answer(ALICE, ROLLOUT_STRONG)
    await harness.react(BOB, posted, "fire")
    open_threads = await harness.engine.open_threads(CHANNEL.platform)
    thread = await harness.current_thread()
    assert thread in [item.thread for item in open_threads]
    (stored,) = await harness.engine.thread_answers(thread)
    assert stored.message.message_id == posted.message.message_id and stored.author == ALICE
    assert [(vote.voter, vote.emoji) for vote in stored.votes] == [(BOB, "fire")]
    harness.clock.set(datetime(2026, 11, 25, 12, tzinfo=UTC))
    await harness.tick()  # everything closes
    assert thread not in [item.thread for item in await harness.engine.open_threads(CHANNEL.platform)]


async def test_stored_answers_carry_their_own_votes(harness: Harness) -> None:
    await open_rollout_question(harness)
    first = await harness.post_answer(ALICE, ROLLOUT_STRONG)
    second = await harness.post_answer(BOB, ROLLOUT_STRONG)
    unvoted = await harness.post_answer(CAROL, ROLLOUT_WEAK)
    await harness.react(BOB, first, "fire")
    await harness.react(CAROL, second, "+1")
    await harness.react(CAROL, first, "+1")
    stored = {
        answer.message.message_id: answer
        for answer in await harness.engine.thread_answers(await harness.current_thread())
    }
    assert [(vote.voter, vote.emoji) for vote in stored[first.message.message_id].votes] == [
        (BOB, "fire"),
        (CAROL, "+1"),
    ]
    assert [(vote.voter, vote.emoji) for vote in stored[second.message.message_id].votes] == [(CAROL, "+1")]
    assert stored[unvoted.message.message_id].votes == ()


async def test_feedback_receipts_are_written_behind_and_flushed(harness: Harness) -> None:
    await open_rollout_question(harness)
    posted = await harness.post_answer(ALICE, ROLLOUT_WEAK)
    async with harness.store.transaction(CHANNEL.workspace) as tx:
        waiting = await tx.answer_by_message(posted.message)
    assert waiting is not None and waiting.feedback is None  # not written yet: batched
    await harness.dispatcher.close()  # shutdown writes what is waiting
    async with harness.store.transaction(CHANNEL.workspace) as tx:
        stored = await tx.answer_by_message(posted.message)
    reply = harness.outbox.of(ReplyInThread)[-1]
    assert stored is not None and stored.feedback is not None
    assert stored.feedback.message_id and reply.feedback_for_answer == stored.id


async def test_a_member_forgotten_by_another_process_answers_again(
    harness: Harness, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    from bot.store.database import create_engine
    from bot.store.sql import SqlStore
    from tests.support.harness import Harness as Other

    await open_rollout_question(harness)
    await harness.post_answer(ALICE, ROLLOUT_WEAK)  # this process now caches Alice's member id
    other_store = SqlStore(create_engine(database_url))
    try:
        other = Other(store=other_store, catalog=harness.catalog, clock=harness.clock)
        other._ids = itertools.count(900_000)  # its own event ids: the first harness used 1, 2, ...
        await other.command("forget", "confirm", member=ALICE)  # another process deletes her
    finally:
        await other_store.close()
    with caplog.at_level("INFO", logger="bot.engine.core"):
        await harness.post_answer(ALICE, ROLLOUT_STRONG)  # the stale id fails, the store retries from scratch
    assert any("after a stale reference" in record.getMessage() for record in caplog.records)
    assert await count(harness, Answer) == 1
    assert "Score" in plain_text(harness.outbox.of(ReplyInThread)[-1].content)
