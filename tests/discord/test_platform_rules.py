"""Discord's rules: nothing pings, 429s are waited out, limits hold, archived threads, removal from a server."""

from __future__ import annotations

from datetime import timedelta

from adapters.discord.render import DESCRIPTION_LIMIT, NO_MENTIONS
from bot.documents import Document, Heading, Quote, paragraph
from bot.effects import ReplyInThread
from bot.refs import Platform, ThreadRef
from tests.discord.conftest import Bot, Server, translate_channel
from tests.discord.fake import Channel, FakeDiscord, Message

ANSWER = (
    "I would stage the rollout: 1% of merchants for two days, then 10%, then everyone. If the error rate "
    "rises above 0.5% for 15 minutes we roll back automatically, because a failed payout costs far more "
    "than a slower launch. I would tell support before each step so they can warn merchants."
)
PINGING = (
    "@everyone @here <@&123456789012345678> <@{bob}> look: we should ship **today** and roll back on "
    "errors above 2% for 10 minutes, measured per region, with a [link](https://example.com) > quoted"
)


def _text(message: Message) -> str:
    parts = [message.content]
    for embed in message.embeds:
        parts += [embed.get("title", ""), embed.get("description", ""), embed.get("footer", {}).get("text", "")]
        parts += [f"{f['name']} {f['value']}" for f in embed.get("fields", [])]
    return "\n".join(parts)


async def _question(bot: Bot, server: Server, **setup: str) -> Channel:
    await bot.command(
        server.admin, server.channel, "practice-admin", "setup", admin=True, time="09:00", days="daily", **setup
    )
    bot.clock.advance(timedelta(hours=1))
    await bot.tick()
    [thread] = bot.fake.threads(server.channel.id)
    return thread


def _message_bodies(fake: FakeDiscord) -> list[dict]:  # type: ignore[type-arg]
    return [
        call.body
        for call in fake.calls
        if call.method in {"POST", "PATCH"}
        and isinstance(call.body, dict)
        and ("content" in call.body or "embeds" in call.body or (call.body.get("data") or {}).get("content"))
    ]


async def test_an_everyone_in_an_answer_never_pings(bot: Bot, server: Server) -> None:
    fake = bot.fake
    thread = await _question(bot, server)
    answer = await fake.member_says(thread.id, server.alice, PINGING.format(bob=server.bob.id))
    await fake.react(thread.id, answer.id, server.carol, "👍")
    await bot.settle()
    bot.clock.advance(timedelta(hours=24))
    await bot.tick()

    [wrap_up] = [
        m for m in fake.bot_messages(thread.id) if m.embeds and m.embeds[0].get("title", "").startswith("Wrap-up")
    ]
    quoted = _text(wrap_up)
    # The member's words are shown literally: mention syntax and markdown escaped...
    assert "\\@everyone" in quoted and "\\<\\@&123456789012345678\\>" in quoted and "\\*\\*today\\*\\*" in quoted
    assert "@everyone" not in quoted.replace("\\@everyone", "")
    # ...and no request the bot made allowed any mention at all.
    bodies = _message_bodies(fake)
    assert len(bodies) >= 3
    for body in bodies:
        allowed = body.get("allowed_mentions") or body.get("data", {}).get("allowed_mentions")
        assert allowed == NO_MENTIONS, body
    assert all(not message.pinged for message in fake.all_bot_messages())


async def test_a_429_is_waited_out_and_the_work_lands(bot: Bot, server: Server) -> None:
    fake = bot.fake
    thread = await _question(bot, server)
    route = f"/channels/{thread.id}/messages"
    fake.rate_limit("POST", route, retry_after=0.3)
    answer = await fake.member_says(thread.id, server.alice, ANSWER)
    await bot.settle()

    posts = [call for call in fake.calls if call.method == "POST" and call.path == route]
    assert [call.status for call in posts] == [429, 200]
    assert posts[1].at - posts[0].at >= 0.3 - 0.01, "retried before Retry-After elapsed"
    assert posts[0].body == posts[1].body, "the same message was sent again, not dropped or changed"
    assert [m for m in fake.bot_messages(thread.id) if m.reference and m.reference["message_id"] == str(answer.id)]


async def test_429s_beyond_discord_py_retries_are_still_waited_out(bot: Bot, server: Server) -> None:
    fake = bot.fake
    thread = await _question(bot, server)
    route = f"/channels/{thread.id}/messages"
    fake.rate_limit("POST", route, retry_after=0.02, times=7, is_global=True)  # discord.py gives up after 5
    answer = await fake.member_says(thread.id, server.alice, ANSWER)
    await bot.settle()
    statuses = [call.status for call in fake.calls if call.method == "POST" and call.path == route]
    assert statuses == [429] * 7 + [200]
    assert [m for m in fake.bot_messages(thread.id) if m.reference and m.reference["message_id"] == str(answer.id)]


async def test_edits_rescore_in_place_and_deletions_withdraw_the_answer_and_its_feedback(
    bot: Bot, server: Server
) -> None:
    fake = bot.fake
    thread = await _question(bot, server)
    answer = await fake.member_says(thread.id, server.alice, "We should launch it soon and see what happens.")
    await fake.react(thread.id, answer.id, server.bob, "👍")
    await bot.settle()
    [feedback] = [m for m in fake.bot_messages(thread.id) if m.reference]
    first_score = feedback.embeds[0]["fields"] if "fields" in feedback.embeds[0] else feedback.embeds[0]["description"]

    await fake.member_edits(thread.id, answer.id, ANSWER)
    await bot.settle()
    [stored] = await bot.stored_answers(thread)
    assert stored.text == ANSWER
    assert fake.messages[thread.id][feedback.id].edited_timestamp is not None
    assert fake.messages[thread.id][feedback.id].embeds[0]["description"] != first_score
    assert len([m for m in fake.bot_messages(thread.id) if m.reference]) == 1, "updated in place, not reposted"

    await fake.member_deletes(thread.id, answer.id)
    await bot.settle()
    assert await bot.stored_answers(thread) == []
    assert feedback.id not in fake.messages[thread.id], "the feedback went with the answer"


async def test_private_feedback_goes_by_direct_message(bot: Bot, server: Server) -> None:
    fake = bot.fake
    thread = await _question(bot, server, feedback="private")
    answer = await fake.member_says(thread.id, server.alice, ANSWER)
    await bot.settle()
    assert not [m for m in fake.bot_messages(thread.id) if m.reference], "nothing public in the thread"
    [dm] = fake.dm_messages(server.alice)
    assert "Feedback on your answer" in _text(dm)
    opened = [c for c in fake.calls if c.path == "/users/@me/channels"]

    await fake.member_deletes(thread.id, answer.id)
    again = await fake.member_says(thread.id, server.alice, ANSWER + " Also: a kill switch.")
    await bot.settle()
    assert dm.id not in {m.id for m in fake.dm_messages(server.alice)}, "feedback on a deleted answer is removed"
    assert len(fake.dm_messages(server.alice)) == 1
    assert len([c for c in fake.calls if c.path == "/users/@me/channels"]) == len(opened), "the DM channel is reused"
    assert again.id


async def test_bots_messages_are_ignored_and_a_bulk_delete_withdraws_answers(bot: Bot, server: Server) -> None:
    fake = bot.fake
    thread = await _question(bot, server)
    other_bot = fake.add_user("helper")
    other_bot.bot = True
    await fake.member_says(thread.id, other_bot, ANSWER)
    first = await fake.member_says(thread.id, server.alice, ANSWER)
    second = await fake.member_says(thread.id, server.bob, ANSWER + " Second opinion.")
    await bot.settle()
    assert {a.author.user_id for a in await bot.stored_answers(thread)} == {str(server.alice.id), str(server.bob.id)}

    await fake.moderator_bulk_deletes(thread.id, [first.id, second.id])
    await bot.settle()
    assert await bot.stored_answers(thread) == []


async def test_custom_emoji_votes_and_a_moderator_clearing_reactions(bot: Bot, server: Server) -> None:
    fake = bot.fake
    thread = await _question(bot, server, votes="upvote,+1")
    answer = await fake.member_says(thread.id, server.alice, ANSWER)
    await fake.react(thread.id, answer.id, server.bob, {"id": 987654321098765432, "name": "upvote"})
    await fake.react(thread.id, answer.id, server.carol, "👍")
    await bot.settle()
    [stored] = await bot.stored_answers(thread)
    assert sorted(vote.emoji for vote in stored.votes) == ["+1", "upvote"]

    await fake.moderator_clears_reactions(thread.id, answer.id)
    await bot.settle()
    [stored] = await bot.stored_answers(thread)
    assert stored.votes == ()


async def test_the_wrap_up_reopens_an_archived_thread_or_goes_to_the_channel_when_locked(
    bot: Bot, server: Server
) -> None:
    fake = bot.fake
    thread = await _question(bot, server)
    answer = await fake.member_says(thread.id, server.alice, ANSWER)
    await bot.settle()

    # Archived (not locked): an edit of the feedback needs the thread reopened first.
    await fake.archive(thread.id)
    await fake.member_edits(thread.id, answer.id, ANSWER + " Edited while archived.")
    await bot.settle()
    assert any(
        c.method == "PATCH" and c.path == f"/channels/{thread.id}" and c.body == {"archived": False} for c in fake.calls
    )
    [feedback] = [m for m in fake.bot_messages(thread.id) if m.reference]
    assert feedback.edited_timestamp is not None

    # Locked by a moderator: the wrap-up goes to the channel, as a reply to the question.
    await fake.archive(thread.id, locked=True)
    bot.clock.advance(timedelta(hours=24))
    await bot.tick()
    wrap_up = next(
        m
        for m in fake.bot_messages(server.channel.id)
        if m.embeds and m.embeds[0].get("title", "").startswith("Wrap-up")
    )
    assert wrap_up.reference is not None and wrap_up.reference["message_id"] == str(thread.id)


async def test_removal_from_a_server_purges_its_data(bot: Bot, server: Server) -> None:
    fake = bot.fake
    thread = await _question(bot, server)
    await fake.member_says(thread.id, server.alice, ANSWER)
    await bot.settle()
    assert await bot.app.engine.open_threads(Platform.DISCORD)

    await fake.remove_bot(server.guild)
    await bot.settle()
    assert await bot.app.engine.open_threads(Platform.DISCORD) == []
    assert await bot.stored_answers(thread) == []


async def test_long_content_is_split_within_discord_limits(bot: Bot, server: Server) -> None:
    fake = bot.fake
    thread = await _question(bot, server)
    long_text = ("A sentence a member wrote about rollbacks and metrics. " * 400).strip()
    document = Document("A long wrap-up", (Heading("Quoted"), Quote(long_text), paragraph(long_text)), summary="long")
    ref = ThreadRef(translate_channel(thread), str(thread.id))
    receipt = await bot.service.outbox.deliver(ReplyInThread(thread=ref, content=document), cause=None)
    assert receipt is not None
    sent = [
        m for m in fake.bot_messages(thread.id) if m.embeds and (m.embeds[0].get("title") or "").startswith("A long")
    ]
    parts = [m for m in fake.bot_messages(thread.id) if m.id >= int(receipt.message_id) and m.embeds]
    assert len(sent) == 1 and len(parts) > 1, "one titled message, continued in more"
    shown = "".join(embed.get("description", "") for m in parts for embed in m.embeds)
    assert shown.count("rollbacks") == 800, "nothing was lost in the split"
    assert all(len(embed.get("description", "")) <= DESCRIPTION_LIMIT for m in parts for embed in m.embeds)


async def test_a_question_whose_thread_is_refused_is_taken_back_and_reported(bot: Bot, server: Server) -> None:
    fake = bot.fake
    fake.fail("POST", r"/channels/\d+/messages/\d+/threads", status=403, code=50013, message="Missing Permissions")
    post = await bot.command(server.admin, server.channel, "practice-admin", "post", admin=True)
    assert fake.bot_messages(server.channel.id) == [], "no question left without a thread to answer in"
    assert fake.threads(server.channel.id) == []
    assert post.original_deleted, "the command's deferred reply did not hang"
    assert await bot.app.engine.current_question(translate_channel(server.channel)) is None


async def test_a_member_who_refuses_direct_messages_does_not_stop_the_bot(bot: Bot, server: Server) -> None:
    fake = bot.fake
    shy = fake.add_user("shy", accepts_dms=False)
    thread = await _question(bot, server, feedback="private")
    await fake.member_says(thread.id, shy, ANSWER)
    await fake.member_says(thread.id, server.alice, ANSWER + " And a dashboard.")
    await bot.settle()
    assert {a.author.user_id for a in await bot.stored_answers(thread)} == {str(shy.id), str(server.alice.id)}
    assert fake.dm_messages(shy) == [] and len(fake.dm_messages(server.alice)) == 1
