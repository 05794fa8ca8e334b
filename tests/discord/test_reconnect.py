"""Lost connections: a resumed session replays, a new session is reconciled from REST; nothing lost or doubled."""

from __future__ import annotations

from datetime import timedelta

from tests.discord.conftest import Bot, Server
from tests.discord.fake import Channel, FakeDiscord, Message

ANSWER = "We ship behind a flag to 5% of merchants, watch the error rate for a day, then widen to 50%."
BOB_ANSWER = "I would start with the merchants who asked for it, measure adoption weekly and roll back on errors."
ALICE_EDIT = ANSWER + " Rollback if errors exceed 1% for 10 minutes, and tell support first."


async def _question(bot: Bot, server: Server) -> Channel:
    await bot.command(server.admin, server.channel, "practice-admin", "setup", admin=True, time="09:00", days="daily")
    bot.clock.advance(timedelta(hours=1))
    await bot.tick()
    [thread] = bot.fake.threads(server.channel.id)
    return thread


async def _votes(bot: Bot, thread: Channel) -> dict[str, list[tuple[str, str]]]:
    return {
        answer.author.user_id: sorted((vote.voter.user_id, vote.emoji) for vote in answer.votes)
        for answer in await bot.stored_answers(thread)
    }


def _feedback_on(fake: FakeDiscord, thread: Channel, answer: Message) -> list[Message]:
    return [m for m in fake.bot_messages(thread.id) if m.reference and m.reference["message_id"] == str(answer.id)]


def _gets(fake: FakeDiscord, path: str) -> int:
    return sum(1 for call in fake.calls if call.method == "GET" and call.path == path)


async def test_a_session_that_cannot_resume_loses_no_answer_or_vote_and_doubles_none(bot: Bot, server: Server) -> None:
    fake = bot.fake
    thread = await _question(bot, server)
    alice = await fake.member_says(thread.id, server.alice, ANSWER)
    await fake.react(thread.id, alice.id, server.bob, "👍")
    await fake.react(thread.id, alice.id, server.carol, "🔥")
    await bot.settle()
    assert len(_feedback_on(fake, thread, alice)) == 1
    lookups = _gets(fake, "/gateway/bot")

    # The connection drops; Discord will not resume the session. Meanwhile members keep going.
    await fake.disconnect(resumable=False)
    bob = await fake.member_says(thread.id, server.bob, BOB_ANSWER)
    await fake.member_edits(thread.id, alice.id, ALICE_EDIT)
    await fake.react(thread.id, alice.id, server.carol, "🔥", add=False)
    await fake.react(thread.id, bob.id, server.alice, "👍")
    await fake.react(thread.id, alice.id, server.bob, "👍", add=False)  # taken back and given again
    await fake.react(thread.id, alice.id, server.bob, "👍")
    carol = await fake.member_says(thread.id, server.carol, "This answer is one I will delete again soon.")
    await fake.member_deletes(thread.id, carol.id)
    fake.reconnect_allowed()

    await fake.wait_sessions(2)
    await bot.settle()

    # The resume was refused, the client identified again at the address the configured base gave.
    assert fake.resumes and fake.resumes[-1][1] is False
    assert _gets(fake, "/gateway/bot") == lookups + 1
    answers = {answer.author.user_id: answer for answer in await bot.stored_answers(thread)}
    assert set(answers) == {str(server.alice.id), str(server.bob.id)}
    assert answers[str(server.alice.id)].text == ALICE_EDIT
    assert await _votes(bot, thread) == {
        str(server.alice.id): [(str(server.bob.id), "+1")],
        str(server.bob.id): [(str(server.alice.id), "+1")],
    }
    # Bob's missed answer got its feedback once; Alice's feedback was updated in place, not repeated.
    assert len(_feedback_on(fake, thread, bob)) == 1
    [alice_feedback] = _feedback_on(fake, thread, alice)
    assert alice_feedback.edited_timestamp is not None
    assert "edited answer" in alice_feedback.embeds[0]["title"]

    # Another new session with nothing new: reconciliation finds nothing to do.
    before = (
        len(fake.all_bot_messages()),
        await _votes(bot, thread),
        [m.edited_timestamp for m in fake.bot_messages(thread.id)],
    )
    await fake.disconnect(resumable=False)
    fake.reconnect_allowed()
    await fake.wait_sessions(3)
    await bot.settle()
    after = (
        len(fake.all_bot_messages()),
        await _votes(bot, thread),
        [m.edited_timestamp for m in fake.bot_messages(thread.id)],
    )
    assert after == before

    # And the new session carries live events as before.
    await fake.react(thread.id, bob.id, server.carol, "🔥")
    await bot.settle()
    assert (str(server.carol.id), "fire") in (await _votes(bot, thread))[str(server.bob.id)]


async def test_a_resumed_session_replays_what_was_missed_without_reading_rest(bot: Bot, server: Server) -> None:
    fake = bot.fake
    thread = await _question(bot, server)
    alice = await fake.member_says(thread.id, server.alice, ANSWER)
    await bot.settle()

    await fake.disconnect(resumable=True)
    bob = await fake.member_says(thread.id, server.bob, BOB_ANSWER)
    await fake.react(thread.id, alice.id, server.bob, "👍")
    fake.reconnect_allowed()
    await fake.wait_for(lambda: fake.resumes and fake.resumes[-1][1] and fake.session and fake.session.connection)
    await bot.settle()

    assert len(fake.identifies) == 1, "a resume is not a new session"
    assert _gets(fake, f"/channels/{thread.id}/messages") == 0, "nothing to reconcile after a resume"
    assert len(_feedback_on(fake, thread, bob)) == 1
    assert await _votes(bot, thread) == {str(server.alice.id): [(str(server.bob.id), "+1")], str(server.bob.id): []}


async def test_discord_asking_for_a_reconnect_resumes_the_session(bot: Bot, server: Server) -> None:
    fake = bot.fake
    thread = await _question(bot, server)
    await fake.send_reconnect()
    await fake.wait_for(lambda: fake.resumes and fake.resumes[-1][1] and fake.session and fake.session.connection)
    alice = await fake.member_says(thread.id, server.alice, ANSWER)
    await bot.settle()
    assert len(fake.identifies) == 1
    assert len(_feedback_on(fake, thread, alice)) == 1


async def test_a_redelivered_dispatch_is_processed_once_and_add_remove_add_counts_once(
    bot: Bot, server: Server
) -> None:
    fake = bot.fake
    thread = await _question(bot, server)
    first = fake.sequence + 1
    alice = await fake.member_says(thread.id, server.alice, ANSWER)
    await fake.react(thread.id, alice.id, server.carol, "👍")
    await fake.react(thread.id, alice.id, server.carol, "👍", add=False)
    await fake.react(thread.id, alice.id, server.carol, "👍")  # the same reaction, a third occurrence
    await bot.settle()
    assert await _votes(bot, thread) == {str(server.alice.id): [(str(server.carol.id), "+1")]}

    await fake.react(thread.id, alice.id, server.carol, "👍", add=False)
    await bot.settle()
    assert await _votes(bot, thread) == {str(server.alice.id): []}

    # Every dispatch since the answer arrives again, in order, with its original sequence number.
    await fake.replay(from_sequence=first)
    await bot.settle()
    assert await _votes(bot, thread) == {str(server.alice.id): []}, "a replayed add must not bring the vote back"
    assert len(await bot.stored_answers(thread)) == 1
    assert len(_feedback_on(fake, thread, alice)) == 1


async def test_a_mock_answer_sent_while_disconnected_is_answered_once(bot: Bot, server: Server) -> None:
    fake = bot.fake
    await bot.command(server.alice, server.channel, "mock", company="stripe")
    [thread] = fake.threads(server.channel.id)
    live = await fake.member_says(thread.id, server.alice, ANSWER)
    await bot.settle()
    assert len(_feedback_on(fake, thread, live)) == 1

    # The follow-up answer arrives while the bot has no session; Discord will not resume it.
    await fake.disconnect(resumable=False)
    pending = await fake.member_says(thread.id, server.alice, ALICE_EDIT)
    fake.reconnect_allowed()
    await fake.wait_sessions(2)
    await bot.settle()
    [reply] = _feedback_on(fake, thread, pending)
    assert "Round 2" in reply.content + str(reply.embeds), "the mock moved on to its next round"

    # A second new session finds the mock waiting on its next answer: nothing is replayed or repeated.
    sent = len(fake.bot_messages(thread.id))
    await fake.disconnect(resumable=False)
    fake.reconnect_allowed()
    await fake.wait_sessions(3)
    await bot.settle()
    assert len(fake.bot_messages(thread.id)) == sent
    assert len(_feedback_on(fake, thread, live)) == 1 and len(_feedback_on(fake, thread, pending)) == 1
