"""Slack's platform rules, through the real Bolt app over HTTP: acknowledge first, process each event once,
refuse forged and stale requests, wait out 429s, pace posts, escape members' text, stay within limits."""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import time
from datetime import timedelta
from typing import Any

import pytest

from bot.documents import Document, Quote, paragraph
from bot.effects import ReplyInThread
from bot.refs import ChannelRef, Platform, ThreadRef
from tests.slack import payloads
from tests.slack.conftest import ADMIN, CHANNEL, LENA, MARCO, PRIYA, BotFactory, SlackBot
from tests.slack.fake_slack import BOT_TOKEN, TEAM_ID, Call
from tests.slack.helpers import MARCO_ANSWER, PRIYA_ANSWER, every_text_sent, message_text, only_question


async def _post_question(bot: SlackBot) -> str:
    await bot.command("/practice", "post", user=ADMIN)
    return only_question(bot.fake, CHANNEL).ts


def _calls_since(bot: SlackBot, instant: float) -> list[Call]:
    return [call for call in bot.fake.calls if call.at >= instant]


async def test_each_event_delivered_four_times_is_processed_once(make_slack_bot: BotFactory, database_url: str) -> None:
    bot = await make_slack_bot(database_url)
    fake = bot.fake
    question_ts = await _post_question(bot)
    thread = ThreadRef(ChannelRef(Platform.SLACK, TEAM_ID, CHANNEL), question_ts)
    answer_ts = "1700000600.000100"

    async def four_times(event: dict[str, Any], *, concurrently: bool) -> None:
        # One occurrence: the same event_id, first delivered, then retried as Slack retries (X-Slack-Retry-Num).
        envelope = payloads.envelope(event)
        sends = [bot.send_event(envelope, retry_num=attempt or None) for attempt in range(4)]
        if concurrently:
            deliveries = await asyncio.gather(*sends)
        else:
            deliveries = [await send for send in sends]
        assert [delivery.status for delivery in deliveries] == [200] * 4
        await bot.settle()

    answer = payloads.message(channel=CHANNEL, user=PRIYA, text=PRIYA_ANSWER, ts=answer_ts, thread_ts=question_ts)
    await four_times(answer, concurrently=True)
    stored = await bot.app.engine.thread_answers(thread)
    assert [a.message.message_id for a in stored] == [answer_ts]
    assert len(fake.thread(CHANNEL, question_ts)) == 1  # one feedback message

    edit = payloads.message_changed(
        channel=CHANNEL, user=PRIYA, text=PRIYA_ANSWER + " I would also tell support first.", ts=answer_ts,
        thread_ts=question_ts, old_text=PRIYA_ANSWER,
    )  # fmt: skip
    await four_times(edit, concurrently=False)
    assert len(fake.calls_to("chat.update")) == 1

    vote = payloads.reaction(added=True, user=MARCO, name="+1", channel=CHANNEL, ts=answer_ts, item_user=PRIYA)
    await four_times(vote, concurrently=True)
    [answer_record] = await bot.app.engine.thread_answers(thread)
    assert len(answer_record.votes) == 1

    deletion = payloads.message_deleted(
        channel=CHANNEL, user=PRIYA, ts=answer_ts, thread_ts=question_ts, old_text=PRIYA_ANSWER
    )
    await four_times(deletion, concurrently=False)
    assert await bot.app.engine.thread_answers(thread) == []
    assert len(fake.calls_to("chat.delete")) == 1
    assert fake.thread(CHANNEL, question_ts) == []  # the feedback went with the answer


async def test_the_acknowledgement_arrives_before_any_web_api_call(slack_bot: SlackBot) -> None:
    bot, fake = slack_bot, slack_bot.fake
    question_ts = await _post_question(bot)

    # An answer: scoring, storing, a name lookup and the feedback post all come after the ack.
    sent_at = time.monotonic()
    answer = payloads.message(
        channel=CHANNEL, user=MARCO, text=MARCO_ANSWER, ts="1700000700.000100", thread_ts=question_ts
    )
    delivery = await bot.send_event(payloads.envelope(answer))
    await bot.settle()
    calls = _calls_since(bot, sent_at)
    assert [call.method for call in calls] == ["users.info", "chat.postMessage"]
    assert delivery.status == 200
    assert delivery.acked_at < calls[0].at

    # A slash command that needs the member's role: the role is asked of Slack only after the ack.
    sent_at = time.monotonic()
    fields = payloads.command(
        "/practice", "setup time=07:30", user=ADMIN, channel=CHANNEL, response_url=fake.response_url()
    )
    delivery = await bot.post(payloads.form_body(fields), content_type="application/x-www-form-urlencoded")
    await bot.settle()
    calls = _calls_since(bot, sent_at)
    assert [call.method for call in calls] == ["users.info", "response_url"]
    assert (delivery.status, delivery.body) == (200, "")
    assert delivery.acked_at < calls[0].at

    # The Home tab.
    sent_at = time.monotonic()
    delivery = await bot.send_event(payloads.envelope(payloads.app_home_opened(user=LENA)))
    await bot.settle()
    calls = _calls_since(bot, sent_at)
    assert [call.method for call in calls] == ["views.publish"]
    assert delivery.acked_at < calls[0].at


async def test_a_slow_slack_does_not_delay_the_acknowledgement(slack_bot: SlackBot) -> None:
    bot, fake = slack_bot, slack_bot.fake
    question_ts = await _post_question(bot)
    fake.latency = 0.6  # every Web API answer now takes 0.6 s

    sent_at = time.monotonic()
    answer = payloads.message(
        channel=CHANNEL, user=PRIYA, text=PRIYA_ANSWER, ts="1700000800.000100", thread_ts=question_ts
    )
    delivery = await bot.send_event(payloads.envelope(answer))
    acknowledged_in = delivery.acked_at - sent_at
    await bot.settle()
    finished_in = time.monotonic() - sent_at

    assert acknowledged_in < 0.3  # far inside Slack's 3 seconds, and before the first slow call could end
    assert finished_in > 1.2  # users.info and chat.postMessage, 0.6 s each, ran after the ack
    assert len(fake.thread(CHANNEL, question_ts)) == 1


async def test_forged_and_stale_signatures_are_refused_with_401(
    slack_bot: SlackBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    bot, fake = slack_bot, slack_bot.fake
    question_ts = await _post_question(bot)
    calls_before = len(fake.calls)
    answer = payloads.message(
        channel=CHANNEL, user=PRIYA, text=PRIYA_ANSWER, ts="1700000900.000100", thread_ts=question_ts
    )
    body = json.dumps(payloads.envelope(answer))
    json_type = {"Content-Type": "application/json"}

    forged = {**json_type, **payloads.sign(body, secret="0" * 32)}
    stale = {**json_type, **payloads.sign(body, timestamp=int(time.time()) - 10 * 60)}
    tampered = {**json_type, **payloads.sign(body.replace("ten minutes", "one minute"))}
    unsigned = json_type
    for headers in (forged, stale, tampered, unsigned):
        async with bot.session.post(bot.url, data=body.encode(), headers=headers) as response:
            assert response.status == 401
    await bot.settle()

    thread = ThreadRef(ChannelRef(Platform.SLACK, TEAM_ID, CHANNEL), question_ts)
    assert await bot.app.engine.thread_answers(thread) == []
    assert len(fake.calls) == calls_before
    refusals = [r for r in caplog.records if "signature is missing, wrong or stale" in r.getMessage()]
    assert len(refusals) == 4
    assert not any(PRIYA_ANSWER[:30] in r.getMessage() for r in caplog.records)  # refused bodies are not logged
    # The same request, correctly signed, is accepted.
    delivery = await bot.post(body, content_type="application/json")
    await bot.settle()
    assert delivery.status == 200
    assert len(await bot.app.engine.thread_answers(thread)) == 1


async def test_a_429_is_waited_out_and_the_post_still_made(slack_bot: SlackBot) -> None:
    bot, fake = slack_bot, slack_bot.fake
    question_ts = await _post_question(bot)
    fake.rate_limit("chat.postMessage", retry_after=1)

    answer = payloads.message(
        channel=CHANNEL, user=PRIYA, text=PRIYA_ANSWER, ts="1700001000.000100", thread_ts=question_ts
    )
    await bot.event(answer)

    refused, accepted = fake.calls_to("chat.postMessage")[-2:]
    assert (refused.status, accepted.status) == (429, 200)
    assert accepted.at - refused.at >= 1.0  # Retry-After: 1 was honoured
    assert len(fake.thread(CHANNEL, question_ts)) == 1


async def test_posts_to_one_channel_go_out_one_per_second(make_slack_bot: BotFactory, sqlite_url: str) -> None:
    bot = await make_slack_bot(sqlite_url, pace_seconds=1.0)
    fake = bot.fake
    question_ts = await _post_question(bot)
    answers = [
        payloads.envelope(payloads.message(channel=CHANNEL, user=user, text=text, ts=ts, thread_ts=question_ts))
        for user, text, ts in ((PRIYA, PRIYA_ANSWER, "1700001100.000100"), (MARCO, MARCO_ANSWER, "1700001101.000100"))
    ]
    await asyncio.gather(*(bot.send_event(envelope) for envelope in answers))
    await bot.settle()

    posts = fake.calls_to("chat.postMessage")
    assert len(posts) == 3  # the question and two feedback replies, all in one channel
    gaps = [later.at - earlier.at for earlier, later in itertools.pairwise(posts)]
    assert all(gap >= 0.95 for gap in gaps), gaps


async def test_mentions_typed_into_an_answer_are_echoed_harmlessly(slack_bot: SlackBot) -> None:
    bot, fake = slack_bot, slack_bot.fake
    question_ts = await _post_question(bot)
    # As Slack encodes them: a real @channel and a member mention are markup, a typed "<!here>" is escaped text.
    text = (
        "<!channel> <@U0MARCO> read this &lt;!here&gt; first. I would roll out to 1% of merchants and roll back "
        "if errors rise above 0.5% for ten minutes, because a slow rollout costs two weeks but protects revenue."
    )
    answer_ts = "1700001200.000100"
    await bot.event(payloads.message(channel=CHANNEL, user=PRIYA, text=text, ts=answer_ts, thread_ts=question_ts))
    await bot.event(
        payloads.reaction(added=True, user=MARCO, name="+1", channel=CHANNEL, ts=answer_ts, item_user=PRIYA)
    )
    bot.clock.advance(timedelta(hours=25))
    await bot.tick()

    wrap_up = message_text(fake.thread(CHANNEL, question_ts)[-1])
    assert "Community pick" in wrap_up
    assert "@channel @U0MARCO read this &lt;!here&gt; first" in wrap_up  # shown as the member wrote it, inert
    for sent in every_text_sent(fake):
        assert "<!" not in sent
        assert "<@" not in sent
    for call in fake.calls_to("chat.postMessage"):
        for block in call.args.get("blocks") or []:
            for item in [block.get("text"), *(block.get("fields") or []), *(block.get("elements") or [])]:
                if item:
                    assert item["verbatim"] is True  # Slack parses no mentions or links in any of it


async def test_long_content_is_split_across_messages_not_refused(slack_bot: SlackBot) -> None:
    bot, fake = slack_bot, slack_bot.fake
    question_ts = await _post_question(bot)
    channel = ChannelRef(Platform.SLACK, TEAM_ID, CHANNEL)
    long_quote = "\n".join(f"line {n}: " + "x & y < z " * 40 for n in range(40))  # ~16,000 characters
    document = Document("A very long reply", tuple([paragraph("word " * 1500), Quote(long_quote)] * 20), summary="Long")

    receipt = await bot.service.outbox.deliver(
        ReplyInThread(thread=ThreadRef(channel, question_ts), content=document), cause=None
    )

    replies = fake.thread(CHANNEL, question_ts)
    assert len(replies) > 1
    assert receipt is not None
    assert receipt.message_id == replies[0].ts
    assert all(call.status == 200 and call.response["ok"] for call in fake.calls_to("chat.postMessage"))


async def test_slack_logs_carry_no_tokens_and_no_members_text(
    slack_bot: SlackBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    bot = slack_bot
    question_ts = await _post_question(bot)
    await bot.event(
        payloads.message(channel=CHANNEL, user=PRIYA, text=PRIYA_ANSWER, ts="1700001300.000100", thread_ts=question_ts)
    )
    await bot.command("/practice", "stats", user=PRIYA)

    slack_records = [r for r in caplog.records if r.name.startswith(("adapters.slack", "slack_bolt", "slack_sdk"))]
    assert any(
        r.levelno == logging.DEBUG and "AnswerPosted" in r.getMessage() for r in slack_records
    )  # the log is live
    logged = "\n".join(r.getMessage() for r in slack_records)
    for secret in (BOT_TOKEN, payloads.SIGNING_SECRET, PRIYA_ANSWER[:40], "Feedback on your answer"):
        assert secret not in logged
