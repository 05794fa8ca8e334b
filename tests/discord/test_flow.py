"""The practice loop in a Discord server, through the real discord.py client and the fake Discord."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from datetime import timedelta

from adapters.discord.render import NO_MENTIONS
from bot.effects import PostQuestion, ThreadReceipt
from tests.discord.conftest import Bot, Server
from tests.discord.fake import MANAGE_GUILD, MEMBER_PERMISSIONS, Message

ALICE_ANSWER = (
    "I would define delivered as a 2xx from the merchant within 10 seconds. Retries use exponential backoff "
    "with jitter over 3 days, capped at 1 attempt per minute per endpoint, so a struggling merchant is not "
    "flooded. If the failure rate for an endpoint exceeds 50% for 30 minutes we pause it and email the "
    "merchant, because hammering a down server costs them more than a delayed event costs us."
)
BOB_ANSWER = (
    "Delivered means acknowledged by the merchant. We retry failed webhooks with backoff and let merchants "
    "replay events from the dashboard. Idempotency keys on every event let them dedupe retries safely."
)


def _text(message: Message) -> str:
    parts = [message.content]
    for embed in message.embeds:
        parts += [embed.get("title", ""), embed.get("description", ""), embed.get("footer", {}).get("text", "")]
        parts += [f"{f['name']} {f['value']}" for f in embed.get("fields", [])]
    return "\n".join(parts)


def _replies_to(messages: list[Message], answer: Message) -> list[Message]:
    return [m for m in messages if m.reference and m.reference["message_id"] == str(answer.id)]


async def test_daily_question_answers_feedback_votes_wrap_up_and_leaderboard(bot: Bot, server: Server) -> None:
    fake = bot.fake
    setup = await bot.command(
        server.admin, server.channel, "practice-admin", "setup", admin=True, time="09:00", days="daily", tz="UTC"
    )
    assert setup.callback == {"type": 5, "data": {"flags": 64}}, "deferred privately before anything else"
    assert setup.original is not None and "09:00" in _text(setup.original) and setup.original.flags & 64

    # The scheduler posts the daily question: an embed, with a public thread started from it.
    bot.clock.advance(timedelta(hours=1))
    assert await bot.tick() == 1
    [question] = fake.bot_messages(server.channel.id)
    assert question.embeds and question.embeds[0]["title"].startswith("Question of the day")
    [thread] = fake.threads(server.channel.id)
    assert thread.id == question.id and thread.owner_id == fake.bot.id

    alice_answer = await fake.member_says(thread.id, server.alice, ALICE_ANSWER)
    bob_answer = await fake.member_says(thread.id, server.bob, BOB_ANSWER)
    await bot.settle()

    in_thread = fake.bot_messages(thread.id)
    [alice_feedback] = _replies_to(in_thread, alice_answer)
    [bob_feedback] = _replies_to(in_thread, bob_answer)
    assert "Feedback on your answer" in _text(alice_feedback)
    assert "Score" in _text(bob_feedback)
    assert f"<@{server.alice.id}>" in _text(alice_feedback)  # named, and allowed_mentions keeps it silent

    await fake.react(thread.id, alice_answer.id, server.carol, "👍")
    await fake.react(thread.id, alice_answer.id, server.bob, "🔥")
    await fake.react(thread.id, bob_answer.id, server.alice, "👍🏽")  # a skin tone is still a thumbs up
    await fake.react(thread.id, bob_answer.id, server.carol, "🎉")  # not one of the channel's vote emoji
    await fake.react(thread.id, alice_answer.id, server.alice, "👍")  # her own answer: not counted
    await bot.settle()

    votes = {
        a.author.user_id: sorted((v.voter.user_id, v.emoji) for v in a.votes) for a in await bot.stored_answers(thread)
    }
    assert votes == {
        str(server.alice.id): sorted([(str(server.carol.id), "+1"), (str(server.bob.id), "fire")]),
        str(server.bob.id): [(str(server.alice.id), "+1")],
    }
    [own_vote_notice] = fake.dm_messages(server.alice)
    assert "own" in _text(own_vote_notice).lower()

    bot.clock.advance(timedelta(hours=24))
    await bot.tick()
    wrap_ups = [
        m for m in fake.bot_messages(thread.id) if m.embeds and m.embeds[0].get("title", "").startswith("Wrap-up")
    ]
    [wrap_up] = wrap_ups
    assert f"<@{server.alice.id}> with 2 votes" in _text(wrap_up)

    board = await bot.command(server.carol, server.channel, "practice", "leaderboard")
    assert board.callback == {"type": 5, "data": {"flags": 64}}
    assert board.original is not None and not board.original_deleted
    assert board.original.flags & 64, "the leaderboard answer stays private"
    text = _text(board.original)
    assert text.index(f"<@{server.alice.id}>") < text.index(f"<@{server.bob.id}>")

    # Nothing the bot sent could ping anyone.
    assert all(not message.pinged for message in fake.all_bot_messages())
    bodies = [
        c.body
        for c in fake.calls
        if c.method in {"POST", "PATCH"} and isinstance(c.body, dict) and ("embeds" in c.body or "content" in c.body)
    ]
    assert bodies and all(body["allowed_mentions"] == NO_MENTIONS for body in bodies), json.dumps(bodies)[:500]


async def test_an_answer_that_arrives_before_the_question_is_recorded_is_kept(bot: Bot, server: Server) -> None:
    fake = bot.fake
    recording, release = asyncio.Event(), asyncio.Event()
    record_posted = bot.app.engine.record_posted

    async def slow_record(posted: Sequence[tuple[PostQuestion, ThreadReceipt]]) -> None:
        recording.set()
        await release.wait()  # the store is slow to take the question's thread
        await record_posted(posted)

    bot.app.engine.record_posted = slow_record  # type: ignore[method-assign]
    await fake.slash(
        server.admin, server.channel.id, "practice-admin", "post", permissions=MEMBER_PERMISSIONS | MANAGE_GUILD
    )
    await asyncio.wait_for(recording.wait(), 5)
    [thread] = fake.threads(server.channel.id)
    answer = await fake.member_says(thread.id, server.alice, ALICE_ANSWER)
    await fake.sync()  # the client has the answer while the question is still being recorded
    release.set()
    await bot.settle()
    [stored] = await bot.stored_answers(thread)
    assert stored.message.message_id == str(answer.id)
    assert _replies_to(fake.bot_messages(thread.id), answer)
