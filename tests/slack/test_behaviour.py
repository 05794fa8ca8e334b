"""What members see in Slack, beyond the main loop: private feedback, edits and deletions, other bots,
mock interviews (in a thread, or a direct message), commands, the Home tab, exports and uninstalls."""

from __future__ import annotations

import json

from bot.refs import ChannelRef, Platform, ThreadRef
from tests.slack import payloads
from tests.slack.conftest import ADMIN, CHANNEL, LENA, MARCO, PRIYA, SlackBot
from tests.slack.fake_slack import BOT_USER_ID, TEAM_ID
from tests.slack.helpers import (
    MARCO_ANSWER,
    PRIYA_ANSWER,
    message_text,
    only_question,
    question_posts,
    replies_to_commands,
)

THREAD_CHANNEL = ChannelRef(Platform.SLACK, TEAM_ID, CHANNEL)


async def _question(bot: SlackBot) -> str:
    await bot.command("/practice", "post", user=ADMIN)
    return only_question(bot.fake, CHANNEL).ts


async def _answer(bot: SlackBot, user: str, text: str, ts: str, thread_ts: str, channel: str = CHANNEL) -> None:
    await bot.event(payloads.message(channel=channel, user=user, text=text, ts=ts, thread_ts=thread_ts))


async def test_private_feedback_is_an_ephemeral_message_in_the_thread(slack_bot: SlackBot) -> None:
    bot, fake = slack_bot, slack_bot.fake
    await bot.command("/practice", "setup feedback=private", user=ADMIN)
    question_ts = await _question(bot)

    await _answer(bot, PRIYA, PRIYA_ANSWER, "1700002000.000100", question_ts)

    assert fake.thread(CHANNEL, question_ts) == []
    [feedback] = fake.ephemerals
    assert (feedback["user"], feedback["channel"], feedback["thread_ts"]) == (PRIYA, CHANNEL, question_ts)
    assert "Feedback on your answer" in message_text(feedback)


async def test_an_edit_rescores_in_place_and_a_deletion_withdraws(slack_bot: SlackBot) -> None:
    bot, fake = slack_bot, slack_bot.fake
    question_ts = await _question(bot)
    answer_ts = "1700002100.000100"
    short = "I would ship it to everyone on Monday and see what happens."
    await _answer(bot, MARCO, short, answer_ts, question_ts)
    [feedback] = fake.thread(CHANNEL, question_ts)
    before = message_text(feedback)

    await bot.event(
        payloads.message_changed(
            channel=CHANNEL, user=MARCO, text=PRIYA_ANSWER, ts=answer_ts, thread_ts=question_ts, old_text=short
        )
    )
    [update] = fake.calls_to("chat.update")
    assert (update.args["channel"], update.args["ts"]) == (CHANNEL, feedback.ts)
    [edited] = fake.thread(CHANNEL, question_ts)  # the same message, replaced
    assert "Feedback on your edited answer" in message_text(edited)
    assert message_text(edited) != before
    [stored] = await bot.app.engine.thread_answers(ThreadRef(THREAD_CHANNEL, question_ts))
    assert stored.text == PRIYA_ANSWER

    await bot.event(
        payloads.message_deleted(
            channel=CHANNEL, user=MARCO, ts=answer_ts, thread_ts=question_ts, old_text=PRIYA_ANSWER
        )
    )
    assert await bot.app.engine.thread_answers(ThreadRef(THREAD_CHANNEL, question_ts)) == []
    assert fake.thread(CHANNEL, question_ts) == []


async def test_the_bots_own_and_other_bots_messages_are_ignored(slack_bot: SlackBot) -> None:
    bot, fake = slack_bot, slack_bot.fake
    question_ts = await _question(bot)
    calls_before = len(fake.calls)

    ours = payloads.message(
        channel=CHANNEL, user=BOT_USER_ID, text=PRIYA_ANSWER, ts="1700002200.000100", thread_ts=question_ts
    )
    other = {
        **payloads.message(
            channel=CHANNEL, user="U0OTHERBOT", text=MARCO_ANSWER, ts="1700002201.000100", thread_ts=question_ts
        ),
        "bot_id": "B0OTHER",
        "app_id": "A0OTHER",
    }
    for event in (ours, {**other, "subtype": "bot_message"}, other):
        assert (await bot.event(event)).status == 200

    assert await bot.app.engine.thread_answers(ThreadRef(THREAD_CHANNEL, question_ts)) == []
    assert len(fake.calls) == calls_before


async def test_a_mock_interview_runs_in_its_own_thread(slack_bot: SlackBot) -> None:
    bot, fake = slack_bot, slack_bot.fake
    await bot.command("/mock", "stripe", user=PRIYA)
    [intro] = question_posts(fake, CHANNEL)
    assert "Mock interview" in message_text(intro)
    assert "@Priya" in message_text(intro)

    await _answer(bot, PRIYA, PRIYA_ANSWER, "1700002300.000100", intro.ts)
    [reply] = fake.thread(CHANNEL, intro.ts)
    assert "Follow-up" in message_text(reply)

    # Someone else replying in the thread is told, privately, whose mock it is.
    await _answer(bot, MARCO, MARCO_ANSWER, "1700002301.000100", intro.ts)
    assert [e["user"] for e in fake.ephemerals] == [MARCO]
    assert "@Priya" in message_text(fake.ephemerals[0])

    await bot.command("/mock", "stop", user=PRIYA)
    debrief = fake.thread(CHANNEL, intro.ts)[-1]
    assert "Debrief" in message_text(debrief)
    await bot.command("/mock", "", user=PRIYA)
    assert "Start one with /mock COMPANY" in replies_to_commands(fake)[-1]


async def test_a_mock_opens_in_a_direct_message_when_the_channel_refuses(slack_bot: SlackBot) -> None:
    bot, fake = slack_bot, slack_bot.fake
    fake.fail("chat.postMessage", "channel_not_found")  # e.g. typed in a conversation the app cannot post in
    await bot.command("/mock", "stripe", user=LENA)

    direct = "D" + LENA.removeprefix("U")
    [intro] = question_posts(fake, direct)
    assert [call.args["users"] for call in fake.calls_to("conversations.open")] == [LENA]
    await _answer(bot, LENA, PRIYA_ANSWER, "1700002400.000100", intro.ts, channel=direct)
    assert "Follow-up" in message_text(fake.thread(direct, intro.ts)[0])


async def test_the_app_joins_a_public_channel_it_was_set_up_in(slack_bot: SlackBot) -> None:
    bot, fake = slack_bot, slack_bot.fake
    fake.outside_channels.add(CHANNEL)
    await bot.command("/practice", "post", user=ADMIN)

    assert [call.args["channel"] for call in fake.calls_to("conversations.join")] == [CHANNEL]
    assert [call.response["ok"] for call in fake.calls_to("chat.postMessage")] == [False, True]
    only_question(fake, CHANNEL)


async def test_commands_help_unknown_input_and_forget(slack_bot: SlackBot) -> None:
    bot, fake = slack_bot, slack_bot.fake
    await bot.command("/practice", "", user=MARCO)
    assert "For everyone" in replies_to_commands(fake)[-1]
    await bot.command("/practice", "dance", user=MARCO)
    assert "“dance” is not a command I know" in replies_to_commands(fake)[-1]

    question_ts = await _question(bot)
    await _answer(bot, MARCO, MARCO_ANSWER, "1700002500.000100", question_ts)
    await bot.command("/practice", "stats", user=MARCO)
    assert "Your practice" in replies_to_commands(fake)[-1]
    await bot.command("/practice", "forget", user=MARCO)
    assert "/practice forget confirm" in replies_to_commands(fake)[-1]
    await bot.command("/practice", "forget confirm", user=MARCO)
    assert "has been deleted" in replies_to_commands(fake)[-1]
    assert await bot.app.engine.thread_answers(ThreadRef(THREAD_CHANNEL, question_ts)) == []
    # Each reply (help, unknown, stats, forget, forget confirm) went to its command's response URL, privately.
    assert [call.args["response_type"] for call in fake.calls_to("response_url")] == ["ephemeral"] * 5
    assert fake.ephemerals == []


async def test_the_export_is_a_file_sent_privately(slack_bot: SlackBot) -> None:
    bot, fake = slack_bot, slack_bot.fake
    question_ts = await _question(bot)
    await _answer(bot, PRIYA, PRIYA_ANSWER, "1700002600.000100", question_ts)

    await bot.command("/practice", "export", user=PRIYA)

    methods = [call.method for call in fake.calls[-4:]]
    assert methods == [
        "conversations.open",
        "files.getUploadURLExternal",
        "files.upload",
        "files.completeUploadExternal",
    ]
    [shared] = fake.shared_files
    assert shared["channel_id"] == "D" + PRIYA.removeprefix("U")
    assert "everything stored about you" in shared["initial_comment"]
    [data] = fake.uploads.values()
    export = json.loads(data)
    assert PRIYA_ANSWER in json.dumps(export)


async def test_the_home_tab_shows_the_members_stats(slack_bot: SlackBot) -> None:
    bot, fake = slack_bot, slack_bot.fake
    question_ts = await _question(bot)
    await _answer(bot, PRIYA, PRIYA_ANSWER, "1700002700.000100", question_ts)

    await bot.event(payloads.app_home_opened(user=PRIYA))

    view = fake.views[PRIYA]
    assert view["type"] == "home"
    text = "\n".join(block["text"]["text"] for block in view["blocks"] if "text" in block)
    assert "practice-bot" in text
    assert "*Answered*\n1" in json.dumps(view["blocks"]).replace("\\n", "\n")


async def test_interactions_and_unknown_events_are_acknowledged(slack_bot: SlackBot) -> None:
    bot, fake = slack_bot, slack_bot.fake
    calls_before = len(fake.calls)
    action = await bot.post(
        payloads.block_actions(user=PRIYA, channel=CHANNEL), content_type="application/x-www-form-urlencoded"
    )
    pin = await bot.event({"type": "pin_added", "user": PRIYA, "channel_id": CHANNEL, "event_ts": "1.1"})
    challenge = await bot.post(
        json.dumps(
            {
                "token": "x",
                "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
                "type": "url_verification",
            }
        ),
        content_type="application/json",
    )
    await bot.settle()
    assert (action.status, pin.status, challenge.status) == (200, 200, 200)
    assert "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" in challenge.body
    assert len(fake.calls) == calls_before


async def test_uninstalling_purges_the_workspace(slack_bot: SlackBot) -> None:
    bot = slack_bot
    question_ts = await _question(bot)
    await _answer(bot, PRIYA, PRIYA_ANSWER, "1700002800.000100", question_ts)
    thread = ThreadRef(THREAD_CHANNEL, question_ts)
    assert len(await bot.app.engine.thread_answers(thread)) == 1

    await bot.event(payloads.tokens_revoked(bot=[BOT_USER_ID]))
    await bot.event(payloads.app_uninstalled())

    assert await bot.app.engine.thread_answers(thread) == []
    assert await bot.app.engine.current_question(THREAD_CHANNEL) is None
    await bot.command("/practice", "leaderboard all", user=LENA)
    assert "No scored answers yet" in replies_to_commands(bot.fake)[-1]
