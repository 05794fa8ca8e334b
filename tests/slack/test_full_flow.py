"""The whole practice loop through the real Bolt app, on SQLite and PostgreSQL: set-up, the daily
question, two members answering in its thread, feedback in the thread, votes by reaction, the
wrap-up at close and the leaderboard."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from tests.slack import payloads
from tests.slack.conftest import ADMIN, CHANNEL, LENA, MARCO, PRIYA, BotFactory
from tests.slack.helpers import (
    MARCO_ANSWER,
    PRIYA_ANSWER,
    every_text_sent,
    message_text,
    question_posts,
    replies_to_commands,
)


async def test_the_practice_loop_in_a_channel(make_slack_bot: BotFactory, database_url: str) -> None:
    bot = await make_slack_bot(database_url)
    fake = bot.fake

    # An admin sets the channel up; the command is acknowledged with an empty 200 and answered privately.
    setup = await bot.command("/practice", "setup time=09:00 tz=Europe/Berlin days=mon-fri votes=+1,fire", user=ADMIN)
    assert (setup.status, setup.body) == (200, "")
    assert "Set-up saved" in replies_to_commands(fake)[-1]
    # A member who is not a workspace admin is refused, clearly.
    await bot.command("/practice", "setup time=06:00", user=PRIYA)
    assert "Only admins can change" in replies_to_commands(fake)[-1]

    # 09:00 in Berlin: the scheduler's tick posts the daily question as Block Kit.
    bot.clock.set(datetime(2026, 11, 23, 8, 0, 5, tzinfo=UTC))
    assert await bot.tick() == 1
    [question] = question_posts(fake, CHANNEL)
    assert question.blocks[0]["type"] == "section"
    assert question.text.startswith("Question of the day")
    assert "Question of the day" in message_text(question)

    # Two members answer in the question's thread; each answer gets feedback in the thread.
    priya_ts, marco_ts = "1700000500.000100", "1700000501.000100"
    for user, text, ts in ((PRIYA, PRIYA_ANSWER, priya_ts), (MARCO, MARCO_ANSWER, marco_ts)):
        delivery = await bot.event(
            payloads.message(channel=CHANNEL, user=user, text=text, ts=ts, thread_ts=question.ts)
        )
        assert delivery.status == 200
    feedback = fake.thread(CHANNEL, question.ts)
    assert len(feedback) == 2
    assert "Feedback on your answer" in message_text(feedback[0])
    assert "@Priya" in message_text(feedback[0])
    assert "@Marco" in message_text(feedback[1])
    assert "Score" in message_text(feedback[1])

    # Votes: Slack reaction names, with a skin tone and an alias, map to the channel's vote emoji.
    for voter, name, ts, author in (
        (MARCO, "+1::skin-tone-3", priya_ts, PRIYA),
        (LENA, "thumbsup", priya_ts, PRIYA),
        (PRIYA, "fire", marco_ts, MARCO),
        (LENA, "eyes", marco_ts, MARCO),  # not a vote emoji in this channel
    ):
        await bot.event(payloads.reaction(added=True, user=voter, name=name, channel=CHANNEL, ts=ts, item_user=author))
    # A reaction on one's own answer is not counted, and the member is told so privately.
    await bot.event(payloads.reaction(added=True, user=PRIYA, name="+1", channel=CHANNEL, ts=priya_ts, item_user=PRIYA))
    assert [e["user"] for e in fake.ephemerals] == [PRIYA]
    assert "own answer" in message_text(fake.ephemerals[0])

    # The 24-hour answer window ends as Tuesday's question falls due: the tick closes one and posts the other.
    bot.clock.advance(timedelta(hours=24))
    assert await bot.tick() == 2
    wrap_up = fake.thread(CHANNEL, question.ts)[-1]
    text = message_text(wrap_up)
    assert "Wrap-up" in text
    assert "Community pick" in text
    assert "@Priya with 2 votes" in text
    assert "2 answers from 2 members" in text
    assert len(question_posts(fake, CHANNEL)) == 2

    await bot.command("/practice", "leaderboard", user=LENA)
    board = replies_to_commands(fake)[-1]
    assert "Leaderboard" in board
    # Ranked by rubric points; each member's line names them and counts their answers and votes.
    assert re.search(r"@Priya — \d+ points, 1 answered, 2 votes", board)
    assert re.search(r"@Marco — \d+ points, 1 answered, 1 vote\b", board)

    # Nothing the app sent can ping anyone: names are shown as text, never as <@U…> or <!…>.
    for sent in every_text_sent(fake):
        assert "<@" not in sent
        assert "<!" not in sent
