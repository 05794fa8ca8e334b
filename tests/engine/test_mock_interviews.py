"""Mock interviews: the company's loop round by round, one open session per member, a debrief."""

from __future__ import annotations

from datetime import timedelta

from bot.documents import plain_text
from bot.effects import ReplyInThread, SendEphemeral, StartMockThread
from bot.refs import Platform, ThreadRef
from tests.support.harness import Harness, user

ALICE, BOB = user("alice"), user("bob")
ANSWER = (
    "A retry after a timeout can charge the customer twice, which means refunds, support tickets and lost trust. "
    "Duplicate payouts also break the merchant's reconciliation and cost finance hours every month. "
    "If duplicate charges exceed 0.1% for 30 minutes we halt the rollout and roll back, and legal and support "
    "are told because they own customer communication. Holding the launch costs two weeks, but that is cheaper "
    "than $50K in refunds."
)
FOLLOWUP = "The merchant would notice through refund requests and a mismatch between payouts and orders."


async def start(harness: Harness, member=ALICE, company: str | None = "acme", round_: str | None = None) -> ThreadRef:  # type: ignore[no-untyped-def]
    await harness.mock(member, company, round_)
    started = harness.outbox.of(StartMockThread)[-1]
    thread = await harness.engine.open_mock_thread(member)
    assert thread is not None and started.user == member
    return thread


async def test_a_full_mock_runs_the_loop_and_ends_with_a_debrief(harness: Harness) -> None:
    thread = await start(harness)
    started = harness.outbox.of(StartMockThread)[0]
    assert "Round 1 of 3: Screen" in plain_text(started.content)
    for round_number in (1, 2, 3):
        await harness.post_answer(ALICE, ANSWER, thread=thread)
        feedback = plain_text(harness.outbox.of(ReplyInThread)[-1].content)
        assert "Score:" in feedback and "Follow-up" in feedback
        await harness.post_answer(ALICE, FOLLOWUP, thread=thread)
        after = plain_text(harness.outbox.of(ReplyInThread)[-1].content)
        if round_number < 3:
            assert f"Round {round_number + 1} of 3" in after
    debrief = harness.outbox.of(ReplyInThread)[-1].content
    text = plain_text(debrief)
    assert debrief.title and debrief.title.startswith("Debrief")
    assert "Verdict:" in text and "Rounds answered: 3/3" in text
    assert "Screen:" in text and "Behavioural:" in text and "Rollout case:" in text
    assert await harness.engine.open_mock_thread(ALICE) is None  # finished, so a new one may start


async def test_unknown_company_lists_the_packs(harness: Harness) -> None:
    await harness.mock(ALICE, "globex")
    text = plain_text(harness.outbox.of(SendEphemeral)[-1].content)
    assert "no question pack called “globex”" in text and "acme" in text and "drill" in text
    await harness.mock(ALICE, None)
    assert "/mock COMPANY" in plain_text(harness.outbox.of(SendEphemeral)[-1].content)
    assert harness.outbox.of(StartMockThread) == []


async def test_one_round_mock_and_unknown_round(harness: Harness) -> None:
    thread = await start(harness, company="acme", round_="rollout")
    assert "Round 1 of 1: Rollout case" in plain_text(harness.outbox.of(StartMockThread)[-1].content)
    await harness.post_answer(ALICE, "skip", thread=thread)
    assert "Debrief" in (harness.outbox.of(ReplyInThread)[-1].content.title or "")
    await harness.mock(BOB, "acme", "go-to-market")
    assert "has no “go-to-market” round" in plain_text(harness.outbox.of(SendEphemeral)[-1].content)


async def test_one_open_mock_per_member_and_stop(harness: Harness) -> None:
    thread = await start(harness)
    await harness.mock(ALICE, "acme")
    assert "already have a acme mock interview running (round 1 of 3)" in plain_text(
        harness.outbox.of(SendEphemeral)[-1].content
    )
    assert len(harness.outbox.of(StartMockThread)) == 1
    await harness.post_answer(ALICE, ANSWER, thread=thread)
    await harness.mock(ALICE, "stop")
    debrief = plain_text(harness.outbox.of(ReplyInThread)[-1].content)
    assert "ended early" in debrief and "Rounds answered: 1/1" in debrief
    await start(harness)  # a new one can start now
    assert len(harness.outbox.of(StartMockThread)) == 2


async def test_open_mocks_for_reconciliation_leave_out_ended_expired_and_other_platforms(harness: Harness) -> None:
    alice_thread = await start(harness)
    carol = user("carol")
    carol_thread = await start(harness, member=carol)
    await start(harness, member=BOB)
    await harness.mock(BOB, "stop")

    open_mocks = await harness.engine.open_mocks(Platform.SLACK)
    assert [(mock.user, mock.thread) for mock in open_mocks] == [(ALICE, alice_thread), (carol, carol_thread)]
    assert open_mocks[0].user.display_name == "alice"
    assert await harness.engine.open_mocks(Platform.DISCORD) == []

    harness.clock.advance(harness.config.mock_expiry + timedelta(minutes=1))
    assert await harness.engine.open_mocks(Platform.SLACK) == []


async def test_others_cannot_answer_someone_elses_mock(harness: Harness) -> None:
    thread = await start(harness)
    await harness.post_answer(BOB, ANSWER, thread=thread)
    note = harness.outbox.of(SendEphemeral)[-1]
    assert note.user == BOB and "alice" in plain_text(note.content)
    assert harness.outbox.of(ReplyInThread) == []


async def test_short_replies_in_a_mock_are_refused_not_scored(harness: Harness) -> None:
    thread = await start(harness)
    await harness.post_answer(ALICE, "ok", thread=thread)
    assert "shorter than 3 words" in plain_text(harness.outbox.of(ReplyInThread)[-1].content)
    await harness.post_answer(ALICE, ANSWER, thread=thread)
    assert "Follow-up" in plain_text(harness.outbox.of(ReplyInThread)[-1].content)
