"""Leaderboards, streaks, personal stats, export, forget me, and workspace isolation."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import or_, select

from bot.documents import plain_text
from bot.effects import PostQuestion, SendEphemeral, SendFile
from bot.events import WorkspaceRemoved
from bot.refs import ChannelRef, MessageRef, Platform, ThreadRef
from bot.store.models import Answer, Member, MockRound, MockSession, Vote, Workspace
from tests.engine.test_answers_and_votes import ROLLOUT_STRONG, ROLLOUT_WEAK
from tests.support.harness import CHANNEL, Harness, user

ALICE, BOB, CAROL = user("alice"), user("bob"), user("carol")


async def daily(harness: Harness, day: int) -> None:
    harness.clock.set(datetime(2026, 11, 23, 9, 0, 1, tzinfo=UTC) + timedelta(days=day))
    await harness.tick()


async def test_leaderboard_points_votes_and_streaks(harness: Harness) -> None:
    await harness.command("setup", time="09:00", tz="UTC", days="daily", packs="acme,drill")
    for day in range(3):
        await daily(harness, day)
        strong = await harness.post_answer(ALICE, ROLLOUT_STRONG)
        if day != 1:
            await harness.post_answer(BOB, ROLLOUT_WEAK)
        await harness.react(BOB, strong)
    await daily(harness, 3)  # today's question is open and nobody has answered yet: streaks hold
    await harness.command("leaderboard", "all", member=CAROL)
    board = plain_text(harness.outbox.of(SendEphemeral)[-1].content)
    lines = [line for line in board.splitlines() if line.strip().startswith("•")]
    assert "1. @alice" in lines[0] and "3 answered" in lines[0] and "3 votes" in lines[0] and "3-day streak" in lines[0]
    assert "2. @bob" in lines[1] and "2 answered" in lines[1] and "streak" not in lines[1]
    # Weekly: a week later, only newer answers count.
    await daily(harness, 10)
    await harness.post_answer(BOB, ROLLOUT_WEAK + " Then we would measure conversion for 2 weeks.")
    await harness.command("leaderboard", member=CAROL)
    weekly = plain_text(harness.outbox.of(SendEphemeral)[-1].content)
    assert "last 7 days" in weekly and "@bob" in weekly and "@alice" not in weekly


async def test_personal_stats(harness: Harness) -> None:
    await harness.command("setup", time="09:00", tz="UTC", days="daily", packs="acme")
    await daily(harness, 0)
    await harness.post_answer(ALICE, ROLLOUT_STRONG)
    await harness.command("stats", member=ALICE)
    text = plain_text(harness.outbox.of(SendEphemeral)[-1].content)
    assert "Answered: 1" in text and "Rank: 1 of 1" in text and "Streak: 1 day" in text
    await harness.command("stats", member=CAROL)
    assert "haven't answered" in plain_text(harness.outbox.of(SendEphemeral)[-1].content)


async def test_export_holds_the_members_data(harness: Harness) -> None:
    await harness.command("setup", time="09:00", tz="UTC", days="daily", packs="acme")
    await daily(harness, 0)
    posted = await harness.post_answer(ALICE, ROLLOUT_STRONG)
    await harness.react(BOB, posted)
    await harness.command("export", member=ALICE)
    (export,) = harness.outbox.of(SendFile)
    data = json.loads(export.data)
    assert export.user == ALICE and export.filename == "practice-bot-export-UALICE.json"
    assert data["user"] == "UALICE" and data["answers"][0]["text"] == ROLLOUT_STRONG
    assert data["votes_received"] == 1 and data["answers"][0]["checks"]


async def member_rows(harness: Harness, external_id: str) -> dict[str, int]:
    async with harness.store.engine.connect() as session:
        member_ids = list((await session.execute(select(Member.id).where(Member.external_id == external_id))).scalars())
        counts = {"members": len(member_ids)}
        for name, model, column in (
            ("answers", Answer, Answer.member_id),
            ("mock_sessions", MockSession, MockSession.member_id),
        ):
            counts[name] = len(list((await session.execute(select(model.id).where(column.in_(member_ids)))).scalars()))
        counts["votes"] = len(
            list(
                (
                    await session.execute(
                        select(Vote.id).where(or_(Vote.voter_id.in_(member_ids), Vote.author_id.in_(member_ids)))
                    )
                ).scalars()
            )
        )
        counts["mock_rounds"] = len(list((await session.execute(select(MockRound.id))).scalars()))
        return counts


async def test_forget_me_leaves_no_row_of_that_member(harness: Harness) -> None:
    await harness.command("setup", time="09:00", tz="UTC", days="daily", packs="acme")
    await daily(harness, 0)
    mine = await harness.post_answer(ALICE, ROLLOUT_STRONG)
    theirs = await harness.post_answer(BOB, ROLLOUT_WEAK)
    await harness.react(ALICE, theirs)
    await harness.react(BOB, mine)
    await harness.mock(ALICE, "acme")
    mock_thread = await harness.engine.open_mock_thread(ALICE)
    assert mock_thread is not None
    await harness.post_answer(ALICE, ROLLOUT_STRONG, thread=mock_thread)
    before = await member_rows(harness, "UALICE")
    assert (
        before["answers"] == 1 and before["votes"] == 2 and before["mock_sessions"] == 1 and before["mock_rounds"] == 1
    )

    await harness.command("forget", member=ALICE)
    assert "cannot be undone" in plain_text(harness.outbox.of(SendEphemeral)[-1].content)
    assert (await member_rows(harness, "UALICE"))["members"] == 1  # nothing happens without confirmation
    await harness.command("forget", "confirm", member=ALICE)
    assert "has been deleted" in plain_text(harness.outbox.of(SendEphemeral)[-1].content)
    assert await member_rows(harness, "UALICE") == {
        "members": 0,
        "answers": 0,
        "mock_sessions": 0,
        "votes": 0,
        "mock_rounds": 0,
    }
    bob = await member_rows(harness, "UBOB")
    assert bob["members"] == 1 and bob["answers"] == 1  # other members keep their data


async def test_workspaces_never_see_each_others_rows(harness: Harness) -> None:
    # Two workspaces with identical channel, thread, message and user ids.
    other = ChannelRef(Platform.SLACK, "T0002", CHANNEL.channel_id)
    alice_elsewhere = user("alice", "T0002")
    await harness.command("setup", time="09:00", tz="UTC", days="daily", packs="acme")
    await harness.command(
        "setup", time="09:00", tz="UTC", days="daily", packs="drill", channel=other, member=user("admin", "T0002")
    )
    await daily(harness, 0)
    posts = harness.outbox.of(PostQuestion)
    assert {post.channel for post in posts} == {CHANNEL, other}
    await harness.post_answer(ALICE, ROLLOUT_STRONG, message_id="1700000000.000001")
    # The outbox numbers threads globally, so make workspace B's thread carry A's thread id as well.
    thread_a = await harness.current_thread(CHANNEL)
    thread_b = await harness.current_thread(other)
    await harness.post_answer(alice_elsewhere, ROLLOUT_WEAK, message_id="1700000000.000001", thread=thread_b)
    # A thread id from workspace A presented in workspace B matches nothing there.
    spoofed = ThreadRef(other, thread_a.thread_id)
    before = len(harness.outbox.delivered)
    await harness.post_answer(alice_elsewhere, ROLLOUT_STRONG, thread=spoofed)
    assert len(harness.outbox.delivered) == before

    async with harness.store.transaction(CHANNEL.workspace) as tx_a:
        board_a = await tx_a.leaderboard(None, None)
        answer_a = await tx_a.answer_by_message(MessageRef(thread_a.channel, "1700000000.000001"))
        channels_a = await tx_a.channels()
        export_a = await tx_a.member_export(ALICE)
    async with harness.store.transaction(other.workspace) as tx_b:
        board_b = await tx_b.leaderboard(None, None)
        channels_b = await tx_b.channels()
        post_a_seen_from_b = await tx_b.post_by_thread(ThreadRef(other, thread_a.thread_id))
    assert [row.user.workspace_id for row in board_a] == ["T0001"]
    assert [row.user.workspace_id for row in board_b] == ["T0002"]
    assert answer_a is not None and answer_a.text == ROLLOUT_STRONG
    assert [c.ref for c in channels_a] == [CHANNEL] and [c.ref for c in channels_b] == [other]
    assert export_a is not None and [a["text"] for a in export_a["answers"]] == [ROLLOUT_STRONG]
    assert post_a_seen_from_b is None or post_a_seen_from_b.channel == other


async def test_removal_purges_only_that_workspace(harness: Harness) -> None:
    other = ChannelRef(Platform.SLACK, "T0002", "C0009")
    await harness.command("setup", time="09:00", tz="UTC", days="daily", packs="acme")
    await harness.command("setup", time="09:00", tz="UTC", packs="acme", channel=other, member=user("x", "T0002"))
    await daily(harness, 0)
    await harness.post_answer(ALICE, ROLLOUT_STRONG)
    await harness.dispatcher.process(
        WorkspaceRemoved(event_id="Ev-uninstall", at=harness.now, workspace=CHANNEL.workspace)
    )
    async with harness.store.engine.connect() as session:
        remaining = list((await session.execute(select(Workspace.external_id))).scalars())
        answers = list((await session.execute(select(Answer.id))).scalars())
    assert remaining == ["T0002"] and answers == []
