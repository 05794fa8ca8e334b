"""Translation: documented gateway payloads, parsed by discord.py, become events or are dropped for a reason."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
import pytest_asyncio
from discord.utils import snowflake_time

from adapters.discord import translate
from adapters.discord.translate import HANDLED, IGNORED, AutocompleteRequest, Occurrence
from bot.events import (
    AnswerDeleted,
    AnswerEdited,
    AnswerPosted,
    CommandInvoked,
    MockRequested,
    ReactionAdded,
    ReactionRemoved,
)
from bot.refs import ChannelRef, MessageRef, Platform
from tests.discord.parsing import (
    ALICE_ID,
    APPLICATION_ID,
    BOT_ID,
    CHANNEL_ID,
    GUILD_ID,
    OTHER_THREAD_ID,
    THREAD_ID,
    Gateway,
    message,
    user,
)

AT = datetime(2026, 11, 23, 9, 45, tzinfo=UTC)
ALICE = user(ALICE_ID, "alice")


@pytest_asyncio.fixture
async def gateway() -> AsyncIterator[Gateway]:
    parsed = Gateway()
    yield parsed
    if parsed.state._ready_task is not None:
        parsed.state._ready_task.cancel()


def _thread(channel_id: int = THREAD_ID) -> ChannelRef:
    return ChannelRef(Platform.DISCORD, str(GUILD_ID), str(channel_id))


async def test_every_gateway_dispatch_discord_py_parses_is_handled_or_ignored_with_a_reason(gateway: Gateway) -> None:
    parsed = set(gateway.state.parsers)
    assert not set(HANDLED) & set(IGNORED)
    assert parsed - set(HANDLED) - set(IGNORED) == set(), "an unlisted dispatch type"
    assert all(reason.strip() for reason in (*HANDLED.values(), *IGNORED.values()))


async def test_a_members_message_in_a_question_thread_is_an_answer(gateway: Gateway) -> None:
    created = gateway.feed("MESSAGE_CREATE", message(1200, THREAD_ID, ALICE, "My answer: roll out to 5% first."))
    event = translate.answer_posted(created, bot_id=BOT_ID)
    assert isinstance(event, AnswerPosted)
    assert event.event_id == "discord:message:1200"
    assert event.message == MessageRef(_thread(), "1200", thread_id=str(THREAD_ID))
    assert (event.author.user_id, event.author.display_name) == (str(ALICE_ID), "Alice")
    assert event.text == "My answer: roll out to 5% first."
    assert event.at == snowflake_time(1200)  # when Discord created the message


@pytest.mark.parametrize(
    ("channel_id", "author", "extra", "why"),
    [
        (THREAD_ID, user(BOT_ID, "practice-bot", bot=True), {}, "the bot's own message"),
        (THREAD_ID, user(77, "otherbot", bot=True), {}, "another bot"),
        (THREAD_ID, ALICE, {"webhook_id": "555"}, "a webhook"),
        (THREAD_ID, ALICE, {"type": 18}, "a system message (thread created)"),
        (CHANNEL_ID, ALICE, {}, "a message in the channel, not a thread"),
        (OTHER_THREAD_ID, ALICE, {}, "a thread a member started"),
    ],
)
async def test_messages_that_cannot_be_answers_are_dropped(
    gateway: Gateway, channel_id: int, author: dict, extra: dict, why: str
) -> None:  # type: ignore[type-arg]
    created = gateway.feed("MESSAGE_CREATE", message(1201, channel_id, author, "Some text here please", **extra))
    assert translate.answer_posted(created, bot_id=BOT_ID) is None, why


async def test_a_message_in_a_channel_discord_py_does_not_know_goes_to_the_engine(gateway: Gateway) -> None:
    created = gateway.feed("MESSAGE_CREATE", message(1202, 1300, ALICE, "An answer in an uncached thread"))
    event = translate.answer_posted(created, bot_id=BOT_ID)
    assert event is not None and event.message.channel.channel_id == "1300"


async def test_a_direct_message_is_not_an_answer(gateway: Gateway) -> None:
    payload = message(1203, 1400, ALICE, "hello there bot friend")
    del payload["guild_id"], payload["member"]
    created = gateway.feed("MESSAGE_CREATE", payload)
    assert translate.answer_posted(created, bot_id=BOT_ID) is None


async def test_edits_are_told_apart_by_their_timestamp_and_link_previews_are_not_edits(gateway: Gateway) -> None:
    channel = gateway.channel(THREAD_ID)
    unfurl = gateway.feed(
        "MESSAGE_UPDATE", message(1204, THREAD_ID, ALICE, "See https://example.com", embeds=[{"type": "link"}])
    )
    assert translate.answer_edited(unfurl, bot_id=BOT_ID, channel=channel) is None

    first = gateway.feed(
        "MESSAGE_UPDATE",
        message(1204, THREAD_ID, ALICE, "Edited once", edited_timestamp="2026-11-23T10:00:00.000000+00:00"),
    )
    second = gateway.feed(
        "MESSAGE_UPDATE",
        message(1204, THREAD_ID, ALICE, "Edited twice", edited_timestamp="2026-11-23T10:05:00.000000+00:00"),
    )
    one = translate.answer_edited(first, bot_id=BOT_ID, channel=channel)
    two = translate.answer_edited(second, bot_id=BOT_ID, channel=channel)
    assert isinstance(one, AnswerEdited) and isinstance(two, AnswerEdited)
    assert one.event_id == "discord:edit:1204:2026-11-23T10:00:00.000000+00:00"
    assert one.event_id != two.event_id and two.text == "Edited twice"
    assert one.message == MessageRef(_thread(), "1204", thread_id=str(THREAD_ID))


async def test_deletions_withdraw_single_and_bulk(gateway: Gateway) -> None:
    channel = gateway.channel(THREAD_ID)
    single = gateway.feed("MESSAGE_DELETE", {"id": "1205", "channel_id": str(THREAD_ID), "guild_id": str(GUILD_ID)})
    event = translate.message_deleted(single, bot_id=BOT_ID, channel=channel, at=AT)
    assert event == AnswerDeleted(
        event_id="discord:delete:1205", at=AT, message=MessageRef(_thread(), "1205", thread_id=str(THREAD_ID))
    )
    bulk = gateway.feed(
        "MESSAGE_DELETE_BULK", {"ids": ["1207", "1206"], "channel_id": str(THREAD_ID), "guild_id": str(GUILD_ID)}
    )
    events = translate.messages_deleted(bulk, bot_id=BOT_ID, channel=channel, at=AT)
    assert [e.event_id for e in events] == ["discord:delete:1206", "discord:delete:1207"]
    elsewhere = gateway.feed("MESSAGE_DELETE", {"id": "1208", "channel_id": str(CHANNEL_ID), "guild_id": str(GUILD_ID)})
    assert translate.message_deleted(elsewhere, bot_id=BOT_ID, channel=gateway.channel(CHANNEL_ID), at=AT) is None


def _reaction(emoji: dict, **extra: object) -> dict:  # type: ignore[type-arg]
    return {
        "user_id": str(ALICE_ID),
        "channel_id": str(THREAD_ID),
        "message_id": "1210",
        "guild_id": str(GUILD_ID),
        "emoji": emoji,
        "burst": False,
        "type": 0,
        **extra,
    }


async def test_reactions_carry_their_place_in_the_session_as_identity(gateway: Gateway) -> None:
    channel = gateway.channel(THREAD_ID)
    member = {
        "user": ALICE,
        "roles": [],
        "joined_at": "2026-01-01T00:00:00+00:00",
        "deaf": False,
        "mute": False,
        "flags": 0,
        "nick": "Al",
    }
    added = gateway.feed("MESSAGE_REACTION_ADD", _reaction({"id": None, "name": "👍"}, member=member))
    removed = gateway.feed("MESSAGE_REACTION_REMOVE", _reaction({"id": None, "name": "👍"}))
    again = gateway.feed("MESSAGE_REACTION_ADD", _reaction({"id": None, "name": "👍"}, member=member))
    events = [
        translate.reaction(payload, bot_id=BOT_ID, channel=channel, occurrence=Occurrence("s1", seq), at=AT)
        for payload, seq in ((added, 7), (removed, 8), (again, 9))
    ]
    assert [type(e) for e in events] == [ReactionAdded, ReactionRemoved, ReactionAdded]
    assert len({e.event_id for e in events if e}) == 3, "add, remove, add again: three occurrences"
    redelivered = translate.reaction(added, bot_id=BOT_ID, channel=channel, occurrence=Occurrence("s1", 7), at=AT)
    assert redelivered is not None and redelivered.event_id == events[0].event_id  # type: ignore[union-attr]
    first = events[0]
    assert isinstance(first, ReactionAdded)
    assert first.message == MessageRef(_thread(), "1210") and first.user.display_name == "Al" and first.emoji == "👍"


async def test_custom_emoji_by_name_and_reactions_that_are_not_votes(gateway: Gateway) -> None:
    channel = gateway.channel(THREAD_ID)
    custom = gateway.feed("MESSAGE_REACTION_ADD", _reaction({"id": "42", "name": "upvote", "animated": False}))
    event = translate.reaction(custom, bot_id=BOT_ID, channel=channel, occurrence=Occurrence("s", 1), at=AT)
    assert event is not None and event.emoji == "upvote"
    burst = gateway.feed("MESSAGE_REACTION_ADD", _reaction({"id": None, "name": "🔥"}, burst=True))
    assert translate.reaction(burst, bot_id=BOT_ID, channel=channel, occurrence=Occurrence("s", 2), at=AT) is None
    own = gateway.feed("MESSAGE_REACTION_ADD", _reaction({"id": None, "name": "🔥"}, user_id=str(BOT_ID)))
    assert translate.reaction(own, bot_id=BOT_ID, channel=channel, occurrence=Occurrence("s", 3), at=AT) is None


def _interaction(data: dict, *, channel_id: int = CHANNEL_ID, permissions: int = 0, kind: int = 2) -> dict:  # type: ignore[type-arg]
    channel = {
        "id": str(channel_id),
        "type": 11 if channel_id == THREAD_ID else 0,
        "guild_id": str(GUILD_ID),
        "name": "x",
    }
    if channel_id == THREAD_ID:
        channel.update(parent_id=str(CHANNEL_ID), owner_id=str(BOT_ID))
    return {
        "id": "1300000000000000000",
        "application_id": str(APPLICATION_ID),
        "type": kind,
        "data": data,
        "guild_id": str(GUILD_ID),
        "channel_id": str(channel_id),
        "channel": channel,
        "member": {
            "user": ALICE,
            "roles": [],
            "joined_at": "2026-01-01T00:00:00+00:00",
            "deaf": False,
            "mute": False,
            "flags": 0,
            "permissions": str(permissions),
        },
        "token": "token",
        "version": 1,
        "app_permissions": "0",
        "locale": "en-GB",
        "attachment_size_limit": 10485760,
    }


async def test_slash_commands_become_commands_with_their_options_and_the_runtime_admin_check(gateway: Gateway) -> None:
    setup = {
        "name": "practice-admin",
        "type": 1,
        "options": [
            {
                "name": "setup",
                "type": 1,
                "options": [
                    {"name": "tz", "type": 3, "value": "Europe/Berlin"},
                    {"name": "enabled", "type": 5, "value": False},
                ],
            }
        ],
    }
    as_admin = translate.interaction(gateway.feed("INTERACTION_CREATE", _interaction(setup, permissions=1 << 5)))
    as_member = translate.interaction(gateway.feed("INTERACTION_CREATE", _interaction(setup, permissions=1 << 10)))
    assert isinstance(as_admin, CommandInvoked) and isinstance(as_member, CommandInvoked)
    assert as_admin.subcommand == "setup" and dict(as_admin.options) == {"tz": "Europe/Berlin", "enabled": "no"}
    assert as_admin.is_admin and not as_member.is_admin
    assert as_admin.event_id == "discord:interaction:1300000000000000000"
    assert as_admin.channel == ChannelRef(Platform.DISCORD, str(GUILD_ID), str(CHANNEL_ID))

    board = {
        "name": "practice",
        "type": 1,
        "options": [{"name": "leaderboard", "type": 1, "options": [{"name": "period", "type": 3, "value": "all"}]}],
    }
    in_thread = translate.interaction(gateway.feed("INTERACTION_CREATE", _interaction(board, channel_id=THREAD_ID)))
    assert isinstance(in_thread, CommandInvoked) and in_thread.options == {"period": "all"}
    assert in_thread.channel.channel_id == str(CHANNEL_ID), "a command run in a thread is about its channel"


async def test_mock_and_its_autocomplete(gateway: Gateway) -> None:
    mock = {
        "name": "mock",
        "type": 1,
        "options": [
            {"name": "company", "type": 3, "value": "stripe"},
            {"name": "round", "type": 3, "value": "rollout"},
        ],
    }
    event = translate.interaction(gateway.feed("INTERACTION_CREATE", _interaction(mock)))
    assert isinstance(event, MockRequested) and (event.company, event.round) == ("stripe", "rollout")
    bare = translate.interaction(gateway.feed("INTERACTION_CREATE", _interaction({"name": "mock", "type": 1})))
    assert isinstance(bare, MockRequested) and bare.company is None
    typing = {"name": "mock", "type": 1, "options": [{"name": "company", "type": 3, "value": "st", "focused": True}]}
    complete = translate.interaction(gateway.feed("INTERACTION_CREATE", _interaction(typing, kind=4)))
    assert isinstance(complete, AutocompleteRequest) and complete.command == "mock"
    button = translate.interaction(
        gateway.feed("INTERACTION_CREATE", _interaction({"custom_id": "x", "component_type": 2}, kind=3))
    )
    assert button is None


async def test_removal_from_a_server_is_a_workspace_removal(gateway: Gateway) -> None:
    guild = gateway.state._get_guild(GUILD_ID)
    assert guild is not None
    event = translate.guild_removed(guild, occurrence=Occurrence("s", 12), at=AT)
    assert event.workspace.workspace_id == str(GUILD_ID) and event.workspace.platform is Platform.DISCORD
    assert event.event_id == "discord:guild-remove:1100000000000000002:s:12"
