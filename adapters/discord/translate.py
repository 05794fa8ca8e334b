"""Gateway dispatches -> platform-neutral events. Pure: no I/O, no clock, no global state.

The tables below name every gateway dispatch discord.py parses: the handled ones with what they mean
to the bot, the ignored ones with why. Inside a handled dispatch, a payload that cannot be an answer,
a vote or a command (a bot's message, a system message, a channel the bot did not start) becomes
``None`` here, before the engine or the store is touched.

Identity (``event_id``): a message's creation and deletion happen once per message id, and an edit
once per ``edited_timestamp``, so those ids come from the payload and match what reconciliation
derives from REST. A reaction payload carries nothing that tells one add of a reaction from a later
add of the same reaction, so its id is the dispatch's place in the gateway session (session id and
sequence number): a resumed session replays a missed dispatch with its original sequence number.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import discord
from discord.utils import snowflake_time

from adapters.discord import commands
from bot.command_text import parse_command_text
from bot.events import (
    AnswerDeleted,
    AnswerEdited,
    AnswerPosted,
    CommandInvoked,
    MockRequested,
    ReactionAdded,
    ReactionRemoved,
    WorkspaceRemoved,
)
from bot.refs import ChannelRef, MessageRef, Platform, UserRef, WorkspaceRef

HANDLED: Mapping[str, str] = {
    "MESSAGE_CREATE": "a member's message in a question or mock thread is an answer",
    "MESSAGE_UPDATE": "an edited answer is scored again",
    "MESSAGE_DELETE": "a deleted answer is withdrawn, with its votes",
    "MESSAGE_DELETE_BULK": "answers a moderator bulk-deleted are withdrawn",
    "MESSAGE_REACTION_ADD": "a reaction on an answer may be a vote",
    "MESSAGE_REACTION_REMOVE": "a reaction taken back withdraws its vote",
    "MESSAGE_REACTION_REMOVE_ALL": "a moderator cleared a message's reactions: its votes are read again from REST",
    "MESSAGE_REACTION_REMOVE_EMOJI": "a moderator cleared one emoji: the message's votes are read again from REST",
    "INTERACTION_CREATE": "slash commands and their autocomplete",
    "GUILD_DELETE": "the bot left or was removed from a server: its data is purged (not for an outage)",
    "READY": "a new session: what happened while disconnected is reconciled from REST",
    "RESUMED": "the old session continues and Discord replays what was missed: nothing to reconcile",
}

_CACHE_ONLY = "discord.py keeps its cache with it; the engine needs nothing from it"
IGNORED: Mapping[str, str] = {
    **dict.fromkeys(
        (
            "GUILD_CREATE",
            "GUILD_UPDATE",
            "CHANNEL_CREATE",
            "CHANNEL_UPDATE",
            "CHANNEL_DELETE",
            "CHANNEL_PINS_UPDATE",
            "THREAD_CREATE",
            "THREAD_UPDATE",
            "THREAD_DELETE",
            "THREAD_LIST_SYNC",
            "THREAD_MEMBER_UPDATE",
            "THREAD_MEMBERS_UPDATE",
            "GUILD_ROLE_CREATE",
            "GUILD_ROLE_UPDATE",
            "GUILD_ROLE_DELETE",
            "GUILD_EMOJIS_UPDATE",
            "GUILD_STICKERS_UPDATE",
            "GUILD_SOUNDBOARD_SOUND_CREATE",
            "GUILD_SOUNDBOARD_SOUND_UPDATE",
            "GUILD_SOUNDBOARD_SOUND_DELETE",
            "GUILD_SOUNDBOARD_SOUNDS_UPDATE",
            "SOUNDBOARD_SOUNDS",
            "USER_UPDATE",
            "APPLICATION_COMMAND_PERMISSIONS_UPDATE",
            "STAGE_INSTANCE_CREATE",
            "STAGE_INSTANCE_UPDATE",
            "STAGE_INSTANCE_DELETE",
        ),
        _CACHE_ONLY,
    ),
    "MESSAGE_POLL_VOTE_ADD": "polls are not votes on answers; votes are reactions",
    "MESSAGE_POLL_VOTE_REMOVE": "polls are not votes on answers; votes are reactions",
    "TYPING_START": "typing is not an answer (and the intent is not requested)",
    "PRESENCE_UPDATE": "presence is not used (and the intent is not requested)",
    "GUILD_MEMBER_ADD": "membership is not tracked (and the intent is not requested)",
    "GUILD_MEMBER_REMOVE": "membership is not tracked; a member's data goes with /practice forget",
    "GUILD_MEMBER_UPDATE": "display names arrive with each message",
    "GUILD_MEMBERS_CHUNK": "members are never requested",
    "GUILD_BAN_ADD": "moderation is the server's business",
    "GUILD_BAN_REMOVE": "moderation is the server's business",
    "GUILD_AUDIT_LOG_ENTRY_CREATE": "moderation is the server's business",
    "AUTO_MODERATION_RULE_CREATE": "moderation is the server's business",
    "AUTO_MODERATION_RULE_UPDATE": "moderation is the server's business",
    "AUTO_MODERATION_RULE_DELETE": "moderation is the server's business",
    "AUTO_MODERATION_ACTION_EXECUTION": "moderation is the server's business",
    "GUILD_INTEGRATIONS_UPDATE": "integrations are not used",
    "INTEGRATION_CREATE": "integrations are not used",
    "INTEGRATION_UPDATE": "integrations are not used",
    "INTEGRATION_DELETE": "integrations are not used",
    "WEBHOOKS_UPDATE": "webhooks are not used",
    "INVITE_CREATE": "invites are not used",
    "INVITE_DELETE": "invites are not used",
    "GUILD_SCHEDULED_EVENT_CREATE": "scheduled events are not used",
    "GUILD_SCHEDULED_EVENT_UPDATE": "scheduled events are not used",
    "GUILD_SCHEDULED_EVENT_DELETE": "scheduled events are not used",
    "GUILD_SCHEDULED_EVENT_USER_ADD": "scheduled events are not used",
    "GUILD_SCHEDULED_EVENT_USER_REMOVE": "scheduled events are not used",
    "ENTITLEMENT_CREATE": "the bot sells nothing",
    "ENTITLEMENT_UPDATE": "the bot sells nothing",
    "ENTITLEMENT_DELETE": "the bot sells nothing",
    "SUBSCRIPTION_CREATE": "the bot sells nothing",
    "SUBSCRIPTION_UPDATE": "the bot sells nothing",
    "SUBSCRIPTION_DELETE": "the bot sells nothing",
    "VOICE_STATE_UPDATE": "voice is not used",
    "VOICE_SERVER_UPDATE": "voice is not used",
    "VOICE_CHANNEL_EFFECT_SEND": "voice is not used",
    "VOICE_CHANNEL_STATUS_UPDATE": "voice is not used",
    "RATE_LIMITED": "discord.py waits out gateway rate limits itself",
}

# Messages members type. Everything else (thread created, pins, joins, boosts...) is a system message.
ANSWER_TYPES = frozenset({discord.MessageType.default, discord.MessageType.reply})
ANSWER_TYPE_VALUES = frozenset(kind.value for kind in ANSWER_TYPES)


class ChannelKind(enum.Enum):
    BOT_THREAD = "a thread this bot started: answers live only there"
    OTHER = "a channel or someone else's thread"
    UNKNOWN = "not in discord.py's cache: the engine decides"


def kind_of(channel: object, bot_id: int) -> ChannelKind:
    if isinstance(channel, discord.Thread):
        return ChannelKind.BOT_THREAD if channel.owner_id == bot_id else ChannelKind.OTHER
    if isinstance(channel, discord.abc.GuildChannel):
        return ChannelKind.OTHER
    return ChannelKind.UNKNOWN


@dataclass(frozen=True, slots=True)
class Occurrence:
    """A dispatch's place in its gateway session: the identity of one occurrence of a reaction event."""

    session_id: str
    sequence: int

    @property
    def key(self) -> str:
        return f"{self.session_id}:{self.sequence}"


@dataclass(frozen=True, slots=True)
class AutocompleteRequest:
    """A member typing in an autocompleted option: answered from the loaded packs, never the store."""

    command: str
    data: Mapping[str, Any]


def channel_ref(guild_id: int, channel_id: int) -> ChannelRef:
    return ChannelRef(Platform.DISCORD, str(guild_id), str(channel_id))


def thread_message(guild_id: int, thread_id: int, message_id: int) -> MessageRef:
    """A message in a thread: the thread is its own channel, and its id is the question message's id."""
    return MessageRef(channel_ref(guild_id, thread_id), str(message_id), thread_id=str(thread_id))


def user_ref(guild_id: int, user_id: int, *, name: str | None = None, is_bot: bool = False) -> UserRef:
    return UserRef(Platform.DISCORD, str(guild_id), str(user_id), display_name=name, is_bot=is_bot)


def _guild_id(message: discord.Message) -> int | None:
    if message.guild is not None:
        return message.guild.id
    return getattr(message.channel, "guild_id", None)


def answer_posted(message: discord.Message, *, bot_id: int) -> AnswerPosted | None:
    author = message.author
    guild_id = _guild_id(message)
    if guild_id is None:
        return None  # a direct message: answers live in server threads
    if author.bot or author.id == bot_id or message.webhook_id is not None:
        return None  # bots' and webhooks' messages, this bot's own included
    if message.type not in ANSWER_TYPES:
        return None  # a system message
    if kind_of(message.channel, bot_id) is ChannelKind.OTHER:
        return None  # not in a thread this bot started
    return AnswerPosted(
        event_id=f"discord:message:{message.id}",
        at=message.created_at,
        message=thread_message(guild_id, message.channel.id, message.id),
        author=user_ref(guild_id, author.id, name=author.display_name),
        text=message.content,
    )


def _author(data: Mapping[str, Any]) -> Mapping[str, Any]:
    author = data.get("author")
    return author if isinstance(author, Mapping) else {}


def display_name(data: Mapping[str, Any]) -> str | None:
    """The author's name as the server shows it, from a message payload (gateway or REST)."""
    member = data.get("member")
    nick = member.get("nick") if isinstance(member, Mapping) else None
    author = _author(data)
    name = nick or author.get("global_name") or author.get("username")
    return str(name) if name else None


def is_member_payload(data: Mapping[str, Any], bot_id: int) -> bool:
    """A message payload a member typed: not a bot's (this one's included), a webhook's or a system message."""
    author = _author(data)
    return (
        data.get("type", 0) in ANSWER_TYPE_VALUES
        and not author.get("bot")
        and str(author.get("id")) != str(bot_id)
        and not data.get("webhook_id")
    )


# The payload builders below are shared by the gateway path and reconciliation (``reconcile``), so an
# answer, an edit or a deletion read back from REST carries the id its live dispatch carries.


def posted_in_thread(data: Mapping[str, Any], *, guild_id: int, thread_id: int, at: datetime) -> AnswerPosted:
    message_id = int(data["id"])
    return AnswerPosted(
        event_id=f"discord:message:{message_id}",
        at=at,
        message=thread_message(guild_id, thread_id, message_id),
        author=user_ref(guild_id, int(_author(data)["id"]), name=display_name(data)),
        text=str(data.get("content", "")),
    )


def edited_in_thread(data: Mapping[str, Any], *, guild_id: int, thread_id: int) -> AnswerEdited:
    """The edit of an answer, timed by its ``edited_timestamp`` (which must be set)."""
    message_id = int(data["id"])
    edited = data["edited_timestamp"]
    try:
        at = datetime.fromisoformat(str(edited))
    except ValueError:
        at = snowflake_time(message_id)
    return AnswerEdited(
        event_id=f"discord:edit:{message_id}:{edited}",
        at=at,
        message=thread_message(guild_id, thread_id, message_id),
        author=user_ref(guild_id, int(_author(data)["id"]), name=display_name(data)),
        text=str(data.get("content", "")),
    )


def deleted_in_thread(*, guild_id: int, thread_id: int, message_id: int, at: datetime) -> AnswerDeleted:
    return AnswerDeleted(
        event_id=f"discord:delete:{message_id}",
        at=at,
        message=thread_message(guild_id, thread_id, message_id),
    )


def answer_edited(payload: discord.RawMessageUpdateEvent, *, bot_id: int, channel: object) -> AnswerEdited | None:
    data: Mapping[str, Any] = payload.data
    if payload.guild_id is None or not _author(data):
        return None  # a direct message, or a partial update without its author
    if not data.get("edited_timestamp") or "content" not in data:
        return None  # Discord resolved a link preview or an attachment: the text did not change
    if not is_member_payload(data, bot_id):
        return None
    if kind_of(channel, bot_id) is ChannelKind.OTHER:
        return None
    return edited_in_thread(data, guild_id=payload.guild_id, thread_id=payload.channel_id)


def answer_deleted(
    *, guild_id: int | None, channel_id: int, message_id: int, bot_id: int, channel: object, at: datetime
) -> AnswerDeleted | None:
    if guild_id is None or kind_of(channel, bot_id) is ChannelKind.OTHER:
        return None
    return deleted_in_thread(guild_id=guild_id, thread_id=channel_id, message_id=message_id, at=at)


def message_deleted(
    payload: discord.RawMessageDeleteEvent, *, bot_id: int, channel: object, at: datetime
) -> AnswerDeleted | None:
    return answer_deleted(
        guild_id=payload.guild_id,
        channel_id=payload.channel_id,
        message_id=payload.message_id,
        bot_id=bot_id,
        channel=channel,
        at=at,
    )


def messages_deleted(
    payload: discord.RawBulkMessageDeleteEvent, *, bot_id: int, channel: object, at: datetime
) -> list[AnswerDeleted]:
    events = (
        answer_deleted(
            guild_id=payload.guild_id,
            channel_id=payload.channel_id,
            message_id=message_id,
            bot_id=bot_id,
            channel=channel,
            at=at,
        )
        for message_id in sorted(payload.message_ids)
    )
    return [event for event in events if event is not None]


def emoji_name(emoji: discord.PartialEmoji) -> str:
    """A unicode emoji as its character, a server's own emoji by its name; ``bot.emoji`` maps both."""
    return emoji.name or ""


def reaction(
    payload: discord.RawReactionActionEvent, *, bot_id: int, channel: object, occurrence: Occurrence, at: datetime
) -> ReactionAdded | ReactionRemoved | None:
    if payload.guild_id is None or payload.user_id == bot_id:
        return None
    if payload.burst:
        return None  # a super reaction: a paid, separately counted variant; votes are normal reactions
    if kind_of(channel, bot_id) is ChannelKind.OTHER:
        return None
    member = payload.member
    user = user_ref(
        payload.guild_id,
        payload.user_id,
        name=member.display_name if member is not None else None,
        is_bot=bool(member is not None and member.bot),
    )
    # Reactions carry no thread id: answers are found by channel and message id.
    message = MessageRef(channel_ref(payload.guild_id, payload.channel_id), str(payload.message_id))
    added = payload.event_type == "REACTION_ADD"
    kind = ReactionAdded if added else ReactionRemoved
    return kind(
        event_id=f"discord:reaction-{'add' if added else 'remove'}:{occurrence.key}",
        at=at,
        message=message,
        user=user,
        emoji=emoji_name(payload.emoji),
    )


def guild_removed(guild: discord.Guild, *, occurrence: Occurrence, at: datetime) -> WorkspaceRemoved:
    return WorkspaceRemoved(
        event_id=f"discord:guild-remove:{guild.id}:{occurrence.key}",
        at=at,
        workspace=WorkspaceRef(Platform.DISCORD, str(guild.id)),
    )


def _is_admin(permissions: discord.Permissions) -> bool:
    return bool(permissions.value & (commands.MANAGE_GUILD | commands.ADMINISTRATOR))


def _interaction_channel(interaction: discord.Interaction) -> int | None:
    """Where a command is about: a thread's parent channel, since questions and mocks start there."""
    channel = interaction.channel
    if isinstance(channel, discord.Thread):
        return channel.parent_id
    return interaction.channel_id


def interaction(
    interaction: discord.Interaction,
) -> CommandInvoked | MockRequested | AutocompleteRequest | None:
    data: Mapping[str, Any] = interaction.data or {}
    name = str(data.get("name", ""))
    if interaction.type is discord.InteractionType.autocomplete:
        return AutocompleteRequest(name, data)
    if interaction.type is not discord.InteractionType.application_command:
        return None  # buttons and modals: the bot sends none
    channel_id = _interaction_channel(interaction)
    if interaction.guild_id is None or channel_id is None:
        return None  # the commands are registered for servers only
    user = interaction.user
    member = user_ref(interaction.guild_id, user.id, name=user.display_name, is_bot=user.bot)
    channel = channel_ref(interaction.guild_id, channel_id)
    event_id = f"discord:interaction:{interaction.id}"
    at = snowflake_time(interaction.id)
    subcommand, values, _ = commands.flatten(data)
    if name == commands.MOCK:
        company = values.get("company")
        round_ = values.get("round")
        return MockRequested(
            event_id=event_id,
            at=at,
            channel=channel,
            user=member,
            company=commands.option_text(company) if company not in (None, "") else None,
            round=commands.option_text(round_) if round_ not in (None, "") else None,
        )
    if name not in {commands.PRACTICE, commands.ADMIN}:
        subcommand, options, args = parse_command_text(name)  # a command registered by an older version
    else:
        options = {key: commands.option_text(value) for key, value in values.items() if value is not None}
        args = ()
    return CommandInvoked(
        event_id=event_id,
        at=at,
        channel=channel,
        user=member,
        subcommand=subcommand or "help",
        options=options,
        args=args,
        is_admin=_is_admin(interaction.permissions),
        admin_command=f"/{commands.ADMIN}",
    )
